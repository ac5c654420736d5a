// Turns `mapping<T>` into a runtime mapper. The only per-class template code
// in the ORM: a getter/setter thunk per column, a slot accessor per
// relationship, and create/destroy for the object. Everything else is compiled
// once in src/orm.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "retort/orm/mapping.hpp"
#include "retort/orm/registry.hpp"
#include "retort/util/error.hpp"
#include "retort/util/names.hpp"

namespace retort::orm {

template <class T>
const mapper& mapper_for();

namespace detail {

template <class T>
std::unique_ptr<mapper> build_mapper();

/// Registered before main for every class whose mapper is ever asked for, so
/// `create_all()` knows every table the program uses.
template <class T>
inline const bool registered = registry::instance().add(&build_mapper<T>);

/// T's builder, registered (for retort::models<T...>()).
template <class T>
mapper_builder registered_builder() {
  (void)registered<T>;
  return &build_mapper<T>;
}

/// The mapper of T for configuration: goes to the registry directly (not
/// through mapper_for's cache, which may be initializing up the call stack).
template <class T>
const mapper* mapper_thunk() {
  (void)registered<T>;
  return &registry::instance().get(&build_mapper<T>);
}

template <class T>
struct holder_ops {
  static constexpr std::size_t offset = object_offset<T>();
  static constexpr std::size_t align = alignof(T) > alignof(instance_state) ? alignof(T) : alignof(instance_state);

  static instance_state* create() { return emplace(); }

  template <class... Args>
  static instance_state* emplace(Args&&... args) {
    void* mem = ::operator new(offset + sizeof(T), std::align_val_t(align));
    auto* s = new (mem) instance_state();
    try {
      s->object = new (static_cast<char*>(mem) + offset) T(std::forward<Args>(args)...);
    } catch (...) {
      s->~instance_state();
      ::operator delete(mem, std::align_val_t(align));
      throw;
    }
    s->owner_mapper = &mapper_for<T>();
    return s;
  }
  static void destroy(instance_state* s) {
    static_cast<T*>(s->object)->~T();
    s->magic = 0;
    s->~instance_state();
    ::operator delete(static_cast<void*>(s), std::align_val_t(align));
  }
};

template <auto M>
void apply_column_option(column_property& p, sql::type t) {
  p.column.sql_type = t;
  p.explicit_type = true;
}
template <auto M>
void apply_column_option(column_property& p, primary_key_t) {
  p.column.primary_key = true;
  p.column.nullable = false;
}
template <auto M>
void apply_column_option(column_property& p, not_null_t) {
  p.column.nullable = false;
}
template <auto M>
void apply_column_option(column_property& p, nullable_t) {
  p.column.nullable = true;
}
template <auto M>
void apply_column_option(column_property& p, unique_t) {
  p.column.unique = true;
}
template <auto M>
void apply_column_option(column_property& p, index_t) {
  p.column.indexed = true;
}
template <auto M>
void apply_column_option(column_property& p, version_id_t) {
  p.version_id = true;
  p.column.nullable = false;
}
template <auto M, class F>
void apply_column_option(column_property& p, version_id_generator_t<F> g) {
  using V = retort::detail::member_of<M>;
  static_assert(std::is_invocable_v<const F&, const std::optional<V>&>,
                "retort::version_id_generator: the generator must be callable as f(const std::optional<V>& current)");
  static_assert(std::is_convertible_v<std::invoke_result_t<const F&, const std::optional<V>&>, V>,
                "retort::version_id_generator: the generator must return the member's type");
  p.version_generator = [f = g.fn](const sql::value& current) -> sql::value {
    std::optional<V> loaded;
    if (!current.is_null()) loaded = sql::value_traits<V>::from(current);
    return sql::value_traits<V>::to(V(f(loaded)));
  };
}
template <class Opt>
inline constexpr bool is_version_generator_option = false;
template <class F>
inline constexpr bool is_version_generator_option<version_id_generator_t<F>> = true;
template <auto M>
void apply_column_option(column_property& p, autoincrement_t a) {
  p.column.autoincrement = a.on;
}
template <auto M>
void apply_column_option(column_property& p, server_default d) {
  p.column.server_default = d.sql;
}
template <class T>
struct is_time_point : std::false_type {};
template <class C, class D>
struct is_time_point<std::chrono::time_point<C, D>> : std::true_type {};

/// What a default_ / onupdate value or callable result becomes in a member of type V:
/// anything V is constructible from, a time point of V's clock at a finer
/// precision (system_clock::now() for a date_time: truncated), or through an optional.
template <class V, class R>
V convert_default(R&& r) {
  using D = std::decay_t<R>;
  if constexpr (std::is_constructible_v<V, R&&>) {
    return V(std::forward<R>(r));
  } else if constexpr (sql::is_optional<V>::value) {
    return V(convert_default<typename V::value_type>(std::forward<R>(r)));
  } else if constexpr (is_time_point<V>::value && is_time_point<D>::value) {
    static_assert(std::is_same_v<typename V::clock, typename D::clock>,
                  "retort::default_/onupdate: the time point's clock must be the member's clock");
    return std::chrono::time_point_cast<typename V::duration>(r);
  } else {
    static_assert(std::is_constructible_v<V, R&&>,
                  "retort::default_/onupdate: the value (or what the callable returns) must convert to the "
                  "member's type");
    return V();
  }
}

/// The thunk of a default_ / onupdate option: computes the value for the row and stores it.
template <auto M, class F>
std::function<void(void*, const default_context&)> default_thunk(F f) {
  using C = retort::detail::class_of<M>;
  using V = retort::detail::member_of<M>;
  return [f](void* o, const default_context& ctx) {
    auto& member = static_cast<C*>(o)->*M;
    if constexpr (std::is_invocable_v<const F&, const default_context&>)
      member = convert_default<V>(f(ctx));
    else if constexpr (std::is_invocable_v<const F&, const C&>)
      member = convert_default<V>(f(std::as_const(*static_cast<C*>(o))));
    else if constexpr (std::is_invocable_v<const F&>)
      member = convert_default<V>(f());
    else
      member = convert_default<V>(f);
  };
}

template <auto M, class F>
void apply_column_option(column_property& p, default_t<F> d) {
  p.insert_default = default_thunk<M>(d.value);
}
template <auto M, class F>
void apply_column_option(column_property& p, onupdate_t<F> d) {
  p.update_default = default_thunk<M>(d.value);
  p.update_default_reads_object = !std::is_invocable_v<const F&, const default_context&> &&
                                  std::is_invocable_v<const F&, const retort::detail::class_of<M>&>;
}
template <auto M>
void apply_column_option(column_property& p, server_onupdate_t) {
  p.server_onupdate = true;
}

/// A column validator's thunk: the value as V, the user's f, the value to store.
template <auto M, class F>
void apply_column_option(column_property& p, validates_t<F> v) {
  using C = retort::detail::class_of<M>;
  using V = retort::detail::column_type<retort::detail::member_of<M>>;
  static_assert(std::is_invocable_v<const F&, const C&, const V&>,
                "retort::validates on a column: the validator must be callable as f(const T&, const V& value)");
  using R = std::invoke_result_t<const F&, const C&, const V&>;
  static_assert(std::is_same_v<R, bool> || std::is_same_v<R, void> || std::is_convertible_v<R, V>,
                "retort::validates on a column: return bool (valid or not), nothing (throw retort::invalid to "
                "refuse), or the value to store");
  p.validator = [f = v.fn](const void* o, const sql::value& in) -> sql::value {
    const C& obj = *static_cast<const C*>(o);
    V value = sql::value_traits<V>::from(in);
    if constexpr (std::is_same_v<R, bool>) {
      if (!f(obj, value)) throw retort::invalid("");
      return in;
    } else if constexpr (std::is_same_v<R, void>) {
      f(obj, value);
      return in;
    } else {
      return sql::value_traits<V>::to(V(f(obj, value)));
    }
  };
}

template <auto M>
void apply_column_option(column_property& p, column_name n) {
  p.column.name = n.value;
}
template <auto M>
void apply_column_option(column_property& p, deferred_group g) {
  p.deferred_group = g.name;
}
template <auto M>
void apply_column_option(column_property& p, deferred_raiseload_t) {
  p.deferred_raiseload = true;
}
template <auto M>
void apply_column_option(column_property& p, not_deferred_t) {
  p.deferred_by_default = false;
}
template <auto M, auto F>
void apply_column_option(column_property& p, foreign_key_t<F> fk) {
  using target = retort::detail::class_of<F>;
  foreign_key_spec spec;
  spec.target = &mapper_thunk<target>;
  spec.target_class = std::string(util::type_name<target>());
  spec.target_attribute = std::string(util::member_name<F>());
  spec.on_delete = fk.delete_action;
  spec.on_update = fk.update_action;
  p.foreign_key = std::move(spec);
}

template <class Opt>
inline constexpr bool is_foreign_key_option = false;
template <auto F>
inline constexpr bool is_foreign_key_option<foreign_key_t<F>> = true;

/// Whether a member of type V with these options may say "no key yet" with 0:
/// a plain integer (not optional, not bool) foreign key that is not part of the
/// primary key (key columns keep the key rule: 0 is inserted as given).
template <class V, class... Opts>
inline constexpr bool zero_means_no_key = std::is_integral_v<V> && !std::is_same_v<V, bool> &&
                                          (is_foreign_key_option<Opts> || ...) &&
                                          !(std::is_same_v<Opts, primary_key_t> || ...);

/// get/set/same of a plain member of type V.
template <class V>
struct plain_access {
  static sql::value get(const void* m) { return sql::value_traits<V>::to(*static_cast<const V*>(m)); }
  static void set(void* m, const sql::value& v) { *static_cast<V*>(m) = sql::value_traits<V>::from(v); }
  static bool same(const void* m, const sql::value& v) { return sql::same_value(*static_cast<const V*>(m), v); }
  static void load(void* m, sql::value& v) {
    set(m, v);
    if constexpr (std::is_same_v<V, std::string>) {
      if (v.kind() == sql::value_kind::text) return;  // get would give this very text
    } else if constexpr (std::is_same_v<V, std::optional<std::string>>) {
      if (v.kind() == sql::value_kind::text || v.is_null()) return;
    }
    v = get(m);
  }
  static constexpr column_property::accessors value{&get, &set, &same, &load};
};

/// get/set/same for a zero_means_no_key member: 0 <-> NULL, as the generated
/// key it references has it; any other value as the plain accessors.
template <class V>
struct no_key_access {
  static sql::value get(const void* m) {
    const V& v = *static_cast<const V*>(m);
    return v == 0 ? sql::value() : sql::value_traits<V>::to(v);
  }
  static void set(void* m, const sql::value& v) {
    *static_cast<V*>(m) = v.is_null() ? V{0} : sql::value_traits<V>::from(v);
  }
  static bool same(const void* m, const sql::value& v) {
    const V& member = *static_cast<const V*>(m);
    return member == 0 ? v.is_null() : sql::same_value(member, v);
  }
  static constexpr column_property::accessors value{&get, &set, &same, nullptr};
};

/// get/set/same of a deferred<V> member: `get` reads it (loading it if it is
/// not), `set` stores a value, `same` holds for a value not loaded (nothing to
/// write) and fails for one assigned while unloaded (always written).
template <class V>
struct deferred_access {
  using D = retort::deferred<V>;
  static sql::value get(const void* m) { return sql::value_traits<V>::to(static_cast<const D*>(m)->get()); }
  static void set(void* m, const sql::value& v) { static_cast<D*>(m)->store(sql::value_traits<V>::from(v)); }
  static bool same(const void* m, const sql::value& v) {
    const auto& d = *static_cast<const D*>(m);
    if (!d.is_loaded()) return true;
    return !d.changed_unloaded() && sql::same_value(d.peek(), v);
  }
  static constexpr column_property::accessors value{&get, &set, &same, nullptr};
};

template <auto M, class... Opts>
void add_part(mapper& m, const column_def<M, Opts...>& def) {
  using V = retort::detail::member_of<M>;
  if constexpr (retort::detail::is_deferred_member<V>) {
    using T = retort::detail::column_type<V>;
    using C = retort::detail::class_of<M>;
    column_property& p = m.add_column(util::member_name<M>(), sql::value_traits<T>::sql_type, sql::is_optional<T>::value);
    p.access = deferred_access<T>::value;
    p.deferred = [](void* o) -> deferred_base* { return &(static_cast<C*>(o)->*M); };
    p.deferred_by_default = true;
    util::apply([&](const auto&... opt) { (apply_column_option<M>(p, opt), ...); }, def.options);
  } else {
    constexpr bool versioned = (std::is_same_v<Opts, version_id_t> || ...);
    constexpr bool generated = (is_version_generator_option<Opts> || ...);
    static_assert(!versioned || generated || (std::is_integral_v<V> && !std::is_same_v<V, bool>),
                  "retort::version_id: the version counter must be an integer member (int, std::int64_t), or give "
                  "retort::version_id_generator(f) to make versions of another type");
    static_assert(!generated || versioned, "retort::version_id_generator: the column must be retort::version_id too");
    column_property& p = m.add_column(util::member_name<M>(), sql::value_traits<V>::sql_type, sql::is_optional<V>::value);
    p.access = plain_access<V>::value;
    if constexpr (zero_means_no_key<V, Opts...>) p.no_key = no_key_access<V>::value;
    util::apply([&](const auto&... opt) { (apply_column_option<M>(p, opt), ...); }, def.options);
  }
}

template <auto M>
void apply_relationship_option(relationship_property& r, lazy_t l) {
  r.lazy = l.strategy;
}
/// A relationship validator's thunk: f(const T&, const ptr<U>&[, bool is_remove]).
template <auto M, class F>
void apply_relationship_option(relationship_property& r, validates_t<F> v) {
  using C = retort::detail::class_of<M>;
  using U = typename retort::detail::relationship_member<retort::detail::member_of<M>>::target;
  constexpr bool removes = std::is_invocable_v<const F&, const C&, const ptr<U>&, bool>;
  static_assert(removes || std::is_invocable_v<const F&, const C&, const ptr<U>&>,
                "retort::validates on a relationship: the validator must be callable as f(const T&, const ptr<U>& "
                "item), or f(const T&, const ptr<U>& item, bool is_remove) to see removals too");
  r.validates_removes = removes;
  r.validator = [f = v.fn](const void* o, instance_state* item, bool removing) {
    const C& owner = *static_cast<const C*>(o);
    ptr<U> p(item);
    bool ok = true;
    if constexpr (removes) {
      using R = std::invoke_result_t<const F&, const C&, const ptr<U>&, bool>;
      if constexpr (std::is_same_v<R, bool>) ok = f(owner, p, removing);
      else f(owner, p, removing);
    } else {
      using R = std::invoke_result_t<const F&, const C&, const ptr<U>&>;
      if constexpr (std::is_same_v<R, bool>) ok = f(owner, p);
      else f(owner, p);
    }
    if (!ok) throw retort::invalid("");
  };
}

template <auto M>
void apply_relationship_option(relationship_property& r, innerjoin_t) {
  r.innerjoin = true;
}
template <auto M>
void apply_relationship_option(relationship_property& r, no_batching_t) {
  r.batch_lazy_loads = false;
}
template <auto M, auto B>
void apply_relationship_option(relationship_property& r, back_populates_t<B>) {
  r.back_populates = std::string(util::member_name<B>());
}

template <auto M, auto... F>
void apply_relationship_option(relationship_property& r, foreign_keys_t<F...>) {
  (r.foreign_keys.push_back(std::string(util::type_name<retort::detail::class_of<F>>()) + "." +
                            std::string(util::member_name<F>())),
   ...);
}

template <auto B>
void set_backref(relationship_property& r) {
  using V = retort::detail::member_of<B>;
  using C = retort::detail::class_of<B>;
  static_assert(retort::detail::relationship_member<V>::value,
                "retort::backref<M>: M must be a retort::one<T> or retort::many<T> member of the target class");
  static_assert(!retort::detail::is_never_loaded<V>,
                "retort::backref<M>: M is a retort::write_only<T> / retort::dynamic<T>; map it on its own class with "
                "retort::relationship<M>(retort::back_populates<...>) instead of creating it with backref");
  r.backref = std::string(util::member_name<B>());
  r.backref_kind = retort::detail::relationship_member<V>::collection ? slot_kind::collection : slot_kind::scalar;
  r.backref_slot = [](void* o) -> slot* { return &(static_cast<C*>(o)->*B); };
}
template <auto M, auto B>
void apply_relationship_option(relationship_property& r, backref_t<B>) {
  static_assert(!retort::detail::is_keyed_collection<retort::detail::member_of<B>>,
                "retort::backref<M>: M is a retort::keyed<K, T>, which needs the attribute it is keyed by: "
                "retort::backref<&C::m>(retort::attribute_keyed_dict<&T::attribute>)");
  set_backref<B>(r);
}
template <auto M, auto B, auto F>
void apply_relationship_option(relationship_property& r, keyed_backref_t<B, F>) {
  using V = retort::detail::member_of<B>;
  static_assert(retort::detail::is_keyed_collection<V>,
                "retort::backref<M>(attribute_keyed_dict<...>): M must be a retort::keyed<K, T>");
  static_assert(std::is_same_v<retort::detail::class_of<F>, retort::detail::class_of<M>>,
                "retort::backref<M>(attribute_keyed_dict<K>): K must be a column of the class that declares the "
                "relationship (the backref collection's T)");
  static_assert(std::is_same_v<retort::detail::member_of<F>, typename V::key_type>,
                "retort::backref<M>(attribute_keyed_dict<K>): the column's type must be keyed<K, T>'s key type K");
  set_backref<B>(r);
  r.backref_collection_key = std::string(util::member_name<F>());
}

template <auto M, auto... F>
void apply_relationship_option(relationship_property& r, remote_side_t<F...>) {
  (r.remote_side.push_back(std::string(util::type_name<retort::detail::class_of<F>>()) + "." +
                           std::string(util::member_name<F>())),
   ...);
}

/// The runtime description of an association table, built once from its declaration.
template <const auto& Table>
const association_table_spec* association_spec() {
  static const association_table_spec spec = [] {
    association_table_spec out;
    out.name = Table.name;
    util::apply(
        [&](const auto&... l) {
          (
              [&] {
                constexpr auto referenced = std::decay_t<decltype(l)>::member;
                using target = retort::detail::class_of<referenced>;
                association_table_spec::link k;
                k.column = l.name;
                k.target = &mapper_thunk<target>;
                k.target_class = std::string(util::type_name<target>());
                k.target_attribute = std::string(util::member_name<referenced>());
                k.on_delete = l.delete_action;
                out.links.push_back(std::move(k));
              }(),
              ...);
        },
        Table.links);
    return out;
  }();
  return &spec;
}

template <auto M, const auto& Table>
void apply_relationship_option(relationship_property& r, secondary_t<Table>) {
  r.secondary_fn = &association_spec<Table>;
}
template <auto M>
void apply_relationship_option(relationship_property& r, secondary_columns c) {
  r.secondary_local = c.local;
  r.secondary_remote = c.remote;
}
template <auto M>
void apply_relationship_option(relationship_property& r, cascades c) {
  r.cascade = {c.save_update, c.merge, c.expunge, c.refresh_expire, c.delete_, c.delete_orphan};
  r.cascade_given = true;
}
template <auto M, auto W, class V>
void apply_relationship_option(relationship_property& r, join_where_t<W, V> w) {
  using target = typename retort::detail::relationship_member<retort::detail::member_of<M>>::target;
  static_assert(std::is_same_v<retort::detail::class_of<W>, target>,
                "retort::join_where<M>: M must be a column of the relationship's target class");
  using C = retort::detail::member_of<W>;
  r.join_where.emplace_back(std::string(util::member_name<W>()), sql::value_traits<C>::to(C(w.value)));
}
template <auto M>
void apply_relationship_option(relationship_property& r, post_update_t) {
  r.post_update = true;
}
template <auto M>
void apply_relationship_option(relationship_property& r, viewonly_t) {
  r.viewonly = true;
}
template <auto M>
void apply_relationship_option(relationship_property& r, single_parent_t) {
  r.single_parent = true;
}
template <auto M>
void apply_relationship_option(relationship_property& r, passive_deletes_t) {
  r.passive_deletes = true;
}

template <auto M>
using relationship_target = typename retort::detail::relationship_member<retort::detail::member_of<M>>::target;

/// The member an order_by key names: a member pointer, or asc<>/desc<>'s.
template <auto K>
constexpr auto order_member() {
  if constexpr (std::is_member_object_pointer_v<decltype(K)>)
    return K;
  else
    return decltype(K)::member;
}
template <auto K>
constexpr bool order_descending() {
  if constexpr (std::is_member_object_pointer_v<decltype(K)>)
    return false;
  else
    return decltype(K)::descending;
}

template <auto M, auto... K>
void apply_relationship_option(relationship_property& r, order_by_t<K...>) {
  static_assert(sizeof...(K) > 0, "retort::order_by<...>: name at least one column of the target class");
  static_assert((std::is_member_object_pointer_v<decltype(order_member<K>())> && ...),
                "retort::order_by<...>: each key is a column member (&Post::title) or asc<&Post::title> / "
                "desc<&Post::title>");
  static_assert((std::is_same_v<retort::detail::class_of<order_member<K>()>, relationship_target<M>> && ...),
                "retort::order_by<...>: each key must be a column of the relationship's target class");
  (r.order_by.push_back({std::string(util::type_name<retort::detail::class_of<order_member<K>()>>()),
                         std::string(util::member_name<order_member<K>()>()), order_descending<K>()}),
   ...);
}

template <auto M, auto F>
void apply_relationship_option(relationship_property& r, attribute_keyed_dict_t<F>) {
  using V = retort::detail::member_of<M>;
  static_assert(retort::detail::is_keyed_collection<V>,
                "retort::attribute_keyed_dict<M>: the relationship's member must be a retort::keyed<K, T>");
  static_assert(std::is_same_v<retort::detail::class_of<F>, relationship_target<M>>,
                "retort::attribute_keyed_dict<M>: M must be a column of the collection's class T");
  static_assert(std::is_same_v<retort::detail::member_of<F>, typename V::key_type>,
                "retort::attribute_keyed_dict<M>: the column's type must be keyed<K, T>'s key type K");
  r.collection_key = std::string(util::member_name<F>());
}

template <auto M, auto F>
void apply_relationship_option(relationship_property& r, ordering_list_t<F> o) {
  static_assert(retort::detail::is_sequence_collection<retort::detail::member_of<M>>,
                "retort::ordering_list<M>: the relationship's member must be a retort::many<T>");
  static_assert(std::is_same_v<retort::detail::class_of<F>, relationship_target<M>>,
                "retort::ordering_list<M>: M must be a column of the collection's class T");
  static_assert(std::is_integral_v<retort::detail::member_of<F>> &&
                    !std::is_same_v<retort::detail::member_of<F>, bool>,
                "retort::ordering_list<M>: the position column must be an integer member");
  r.ordering_attribute = std::string(util::member_name<F>());
  r.ordering_start = o.start;
}

template <class Opt>
inline constexpr bool is_lazy_option = std::is_same_v<Opt, lazy_t>;

template <class Opt>
inline constexpr bool is_keyed_option = false;
template <auto F>
inline constexpr bool is_keyed_option<attribute_keyed_dict_t<F>> = true;

template <auto M, class... Opts>
void add_part(mapper& m, const relationship_def<M, Opts...>& def) {
  static_assert(!retort::detail::is_keyed_collection<retort::detail::member_of<M>> || (is_keyed_option<Opts> || ...),
                "retort::relationship<M>: a retort::keyed<K, T> member needs the attribute it is keyed by: "
                "retort::attribute_keyed_dict<&T::attribute>");
  static_assert(!retort::detail::is_never_loaded<retort::detail::member_of<M>> || !(is_lazy_option<Opts> || ...),
                "retort::relationship<M>: a retort::write_only<T> / retort::dynamic<T> member is read only through "
                "its query; its strategy is its type, so it takes no retort::lazy<...>");
  using C = retort::detail::class_of<M>;
  using V = retort::detail::member_of<M>;
  using target = typename retort::detail::relationship_member<V>::target;
  relationship_property& r =
      m.add_relationship(util::member_name<M>(),
                         retort::detail::relationship_member<V>::collection ? slot_kind::collection : slot_kind::scalar,
                         &mapper_thunk<target>, util::type_name<target>());
  r.slot = [](void* o) -> slot* { return &(static_cast<C*>(o)->*M); };
  if constexpr (retort::detail::is_never_loaded<V>) {
    r.never_loaded = true;
    r.lazy = retort::detail::relationship_member<V>::strategy;
  }
  util::apply([&](const auto&... opt) { (apply_relationship_option<M>(r, opt), ...); }, def.options);
}

template <auto M, class F>
void add_part(mapper& m, const column_property_def<M, F>& def) {
  using V = retort::detail::member_of<M>;
  computed_property& p = m.add_computed(util::member_name<M>());
  p.make = [f = def.make]() -> sql::expression { return f(); };
  p.access = plain_access<V>::value;
}

template <class T>
void add_part(mapper& m, const table_name& t) {
  m.rename_table(t.value);
}

inline void add_part(mapper& m, const check& c) { m.table.add(sql::check_constraint{c.sql, c.name}); }
inline void add_part(mapper& m, const eager_defaults& e) {
  m.eager_defaults = e.mode == eager_defaults::always  ? eager_defaults_mode::always
                     : e.mode == eager_defaults::never ? eager_defaults_mode::never
                                                        : eager_defaults_mode::auto_;
}

template <class P>
inline constexpr bool is_column_def = false;
template <auto M, class... Opts>
inline constexpr bool is_column_def<column_def<M, Opts...>> = true;
template <class P>
inline constexpr bool is_computed_def = false;
template <auto M, class F>
inline constexpr bool is_computed_def<column_property_def<M, F>> = true;

/// The offset of one part's member in `probe`, for a column or a computed property.
template <class P, class T>
void locate_part(mapper& m, const T& probe, std::size_t& column, std::size_t& computed) {
  if constexpr (is_column_def<P> || is_computed_def<P>) {
    const auto at = static_cast<std::size_t>(reinterpret_cast<const char*>(&(probe.*P::member)) -
                                             reinterpret_cast<const char*>(&probe));
    if constexpr (is_column_def<P>) m.columns[column++].offset = at;
    else m.computed[computed++].offset = at;
  }
}
template <class T, class... P>
void locate_members(mapper& m, const T& probe, const util::pack<P...>&) {
  std::size_t column = 0, computed = 0;
  (locate_part<P>(m, probe, column, computed), ...);
}

/// Where each column's and computed property's member sits in a T (read from
/// a value-initialized T, in the order the mapping names them), and each
/// column's value there: what "unset" compares with.
template <class T>
void take_initial_values(mapper& m) {
  const T probe = T();
  locate_members(m, probe, mapping<T>.parts);
  for (auto& c : m.columns) c.initial = c.get(&probe);
}

template <class T>
std::unique_ptr<mapper> build_mapper() {
  static_assert(mapped<T>, "retort: no mapping for this class; specialize retort::mapping<T> = retort::model(...)");
  auto m = mapper::make(util::type_name<T>());
  m->create = &holder_ops<T>::create;
  m->destroy = &holder_ops<T>::destroy;
  m->object_offset = holder_ops<T>::offset;
  m->self_fn = &mapper_thunk<T>;
  if constexpr (mapped<T>) {  // keeps an unmapped class to the one static_assert above
    util::apply(
        [&](const auto&... part) {
          (
              [&] {
                if constexpr (std::is_same_v<std::decay_t<decltype(part)>, table_name>)
                  add_part<T>(*m, part);
                else
                  add_part(*m, part);
              }(),
              ...);
        },
        mapping<T>.parts);
    take_initial_values<T>(*m);
  }
  return m;
}

}  // namespace detail

/// The configured mapper of `T`.
template <class T>
const mapper& mapper_for() {
  (void)detail::registered<T>;
  static const mapper& m = registry::instance().get(&detail::build_mapper<T>);
  return m;
}

/// Creates a transient object owned by Retort, moved from `value`.
template <class T>
ptr<T> make(T&& value) {
  ptr<T> p(detail::holder_ops<T>::emplace(std::move(value)));
  bind_slots(p.state());
  return p;
}

}  // namespace retort::orm

namespace retort {

/// A column_property's expression, for queries: `where(retort::computed<&User::post_count>() > 2)`,
/// `order_by(retort::computed<&User::post_count>().desc())`.
template <auto M>
sql::expr<detail::column_type<detail::member_of<M>>> computed() {
  const auto& m = orm::mapper_for<detail::class_of<M>>();
  const auto* p = m.find_computed(util::member_name<M>());
  if (!p)
    throw ArgumentError("retort::computed<&" + m.class_name + "::" + std::string(util::member_name<M>()) +
                        ">: not a retort::column_property of " + m.class_name);
  return sql::expr<detail::column_type<detail::member_of<M>>>(p->expression.get());
}

template <class T>
ptr<T> many<T>::add(T&& value) {
  auto p = orm::make(std::move(value));
  append(p.state());
  return p;
}
template <class T>
ptr<T> many<T>::insert(std::size_t i, T&& value) {
  auto p = orm::make(std::move(value));
  collection_slot::insert(i, p.state());
  return p;
}
template <class T>
ptr<T> set_of<T>::add(T&& value) {
  auto p = orm::make(std::move(value));
  append(p.state());
  return p;
}
template <class K, class T>
ptr<T> keyed<K, T>::add(T&& value) {
  return add(orm::make(std::move(value)));
}

/// A transient object, not yet in any session: `auto u = retort::make(User{.username = "a"});`.
template <class T>
ptr<T> make(T&& value) {
  return orm::make(std::move(value));
}

}  // namespace retort
