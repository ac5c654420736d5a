// The declarative front door: `mapping<T>` describes a class as constexpr
// data (columns, options, relationships). Nothing here does work at run time;
// the registry turns it into a mapper (mapper_builder.hpp).
//
//   template <> inline constexpr auto retort::mapping<Post> = retort::model(
//       retort::column<&Post::id>(retort::primary_key),
//       retort::column<&Post::title>(retort::String(100), retort::not_null),
//       retort::column<&Post::user_id>(retort::foreign_key<&User::id>, retort::not_null),
//       retort::relationship<&Post::author>(retort::back_populates<&User::posts>));
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "retort/orm/deferred.hpp"
#include "retort/orm/fwd.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/sql/expression.hpp"
#include "retort/sql/schema.hpp"
#include "retort/sql/types.hpp"
#include "retort/sql/value.hpp"
#include "retort/util/pack.hpp"

namespace retort {

namespace detail {
struct unmapped {};

template <class M>
struct member_traits;
template <class C, class V>
struct member_traits<V C::*> {
  using class_type = C;
  using value_type = V;
};
template <auto M>
using class_of = typename member_traits<decltype(M)>::class_type;
template <auto M>
using member_of = typename member_traits<decltype(M)>::value_type;

template <class T>
struct relationship_member : std::false_type {};
template <class T>
struct relationship_member<one<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = false;
};
template <class T>
struct relationship_member<many<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = true;
};
template <class T>
struct relationship_member<set_of<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = true;
};
template <class K, class T>
struct relationship_member<keyed<K, T>> : std::true_type {
  using target = T;
  static constexpr bool collection = true;
};
/// write_only<T> and dynamic<T> (write_only.hpp): collections never loaded into
/// memory, each with its own loader strategy, given by the member's type.
template <class T>
struct relationship_member<write_only<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = true;
  static constexpr const char* strategy = "write_only";
};
template <class T>
struct relationship_member<dynamic<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = true;
  static constexpr const char* strategy = "dynamic";
};
template <class T>
inline constexpr bool is_never_loaded = false;
template <class T>
inline constexpr bool is_never_loaded<write_only<T>> = true;
template <class T>
inline constexpr bool is_never_loaded<dynamic<T>> = true;
template <class T>
inline constexpr bool is_keyed_collection = false;
template <class K, class T>
inline constexpr bool is_keyed_collection<keyed<K, T>> = true;
template <class T>
inline constexpr bool is_sequence_collection = false;
template <class T>
inline constexpr bool is_sequence_collection<many<T>> = true;
}  // namespace detail

/// Specialize for each mapped class: `template <> inline constexpr auto retort::mapping<User> = retort::model(...);`
template <class T>
inline constexpr auto mapping = detail::unmapped{};

// Column options.
struct primary_key_t {};
struct not_null_t {};
struct nullable_t {};
struct unique_t {};
struct index_t {};
/// The row's version counter (SQLAlchemy's `version_id_col`): an integer
/// member set to 1 at INSERT, incremented by each UPDATE of the row, and
/// matched in the WHERE of every UPDATE and DELETE, so a change made by
/// another transaction since the load raises StaleDataError instead of being
/// overwritten. One per class.
struct version_id_t {};
template <class F>
struct version_id_generator_t {
  F fn;
};
/// Makes each version of a retort::version_id column (SQLAlchemy's
/// version_id_generator): `f(std::optional<V> current)` is called with nullopt
/// for the INSERT and with the loaded version for each UPDATE, and returns the
/// new one. The member may then be of any column type:
///
///   retort::column<&Doc::version>(retort::version_id,
///       retort::version_id_generator([](const std::optional<std::string>&) { return retort::uuid4().hex(); }))
template <class F>
constexpr version_id_generator_t<F> version_id_generator(F f) {
  return {f};
}
struct autoincrement_t {
  bool on = true;
};
inline constexpr primary_key_t primary_key{};
inline constexpr not_null_t not_null{};
inline constexpr nullable_t nullable{};
inline constexpr unique_t unique{};
inline constexpr index_t index{};
inline constexpr version_id_t version_id{};
inline constexpr autoincrement_t autoincrement{};

/// `DEFAULT <sql>` in CREATE TABLE; schema text written by the developer.
struct server_default {
  constexpr explicit server_default(const char* text) : sql(text) {}
  const char* sql;
};
// Column deferral options, for a retort::deferred<T> member (deferred.hpp), which is deferred by default.
/// The deferred group the column loads with: reading one unloaded member of
/// the group loads all of them (SQLAlchemy's deferred(..., group="photos") /
/// mapped_column(deferred_group="photos")); undefer_group<T>("photos") loads them with the query.
struct deferred_group {
  constexpr explicit deferred_group(const char* group) : name(group) {}
  const char* name;
};
struct deferred_raiseload_t {};
/// Reading the member while unloaded raises InvalidRequestError instead of
/// loading it (SQLAlchemy's deferred(..., raiseload=True) / mapped_column(deferred_raiseload=True)).
inline constexpr deferred_raiseload_t deferred_raiseload{};
struct not_deferred_t {};
/// The deferred<T> member loads with its object unless a query option defers it
/// (SQLAlchemy's mapped_column(deferred=False) on an attribute defer() may name).
inline constexpr not_deferred_t not_deferred{};

/// The DB changes this column on UPDATE by itself (a trigger, ON UPDATE ...):
/// SQLAlchemy's `server_onupdate=FetchedValue()`. Nothing goes into CREATE
/// TABLE; after an UPDATE of the row the flush reads the column back
/// (`eager_defaults(true)`: UPDATE ... RETURNING) or expires it, so the next
/// access loads the database's value (docs/models.md).
struct server_onupdate_t {};
inline constexpr server_onupdate_t server_onupdate{};

/// Row values for a context-sensitive default (SQLAlchemy's DefaultExecutionContext
/// as `default=` callables receive it): the row being inserted or updated.
class default_context {
 public:
  default_context(const orm::mapper& m, const void* object, bool insert) noexcept
      : mapper_(&m), object_(object), insert_(insert) {}
  /// The context of an ORM UPDATE of many rows (retort::update<T>()): no
  /// object, only the statement's literal SET values by column name.
  default_context(const orm::mapper& m, const std::map<std::string, sql::value>* statement_values) noexcept
      : mapper_(&m), object_(nullptr), insert_(false), statement_values_(statement_values) {}
  /// SQLAlchemy's context.get_current_parameters(): every column of the row by
  /// column name, as the object holds it now (defaults of earlier columns applied);
  /// in an ORM UPDATE of many rows, the statement's literal SET values (as SQLAlchemy's).
  std::map<std::string, sql::value> get_current_parameters() const;
  /// One column of the row by column name; ArgumentError naming the class if there is none
  /// (or, in an ORM UPDATE of many rows, if the statement does not set it).
  sql::value current_parameter(std::string_view column) const;
  /// True for an INSERT's default_, false for an UPDATE's onupdate.
  bool is_insert() const noexcept { return insert_; }

 private:
  const orm::mapper* mapper_;
  const void* object_;
  bool insert_;
  const std::map<std::string, sql::value>* statement_values_ = nullptr;
};

template <class F>
struct default_t {
  F value;
};
/// A client-side default (SQLAlchemy's `Column(default=...)`, 2.0's `insert_default=`):
/// a value, or a callable run once per row at flush for an INSERT that leaves the
/// member unset (NULL, or the value a value-initialized object holds: docs/models.md).
/// The callable takes nothing, the object (`const T&`: the row's other values), or a
/// `const retort::default_context&`; what it returns must convert to the member's type.
///
///   retort::column<&Post::created_at>(retort::default_(retort::utc_now)),
///   retort::column<&Post::status>(retort::default_("draft")),
///   retort::column<&Post::slug>(retort::default_([](const Post& p) { return slugify(p.title); }))
template <class F>
constexpr default_t<F> default_(F value) {
  return {value};
}
template <class F>
struct onupdate_t {
  F value;
};
/// A client-side update default (SQLAlchemy's `Column(onupdate=...)`): whenever the
/// flush emits an UPDATE for the row and the member is not among the columns changed,
/// it is set from `value` (same forms as default_) and written in that UPDATE. An
/// object whose row needs no UPDATE is left alone.
template <class F>
constexpr onupdate_t<F> onupdate(F value) {
  return {value};
}

/// Now, as retort::date_time (UTC, microseconds): SQLAlchemy's `datetime.utcnow`
/// for `default_(retort::utc_now)` / `onupdate(retort::utc_now)`.
inline date_time utc_now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

template <class F>
struct validates_t {
  F fn;
};
/// A validator (SQLAlchemy's @validates): called before a value reaches the
/// object or the database, and refuses it by returning false or throwing
/// retort::invalid("reason") - both raise ValidationError naming class,
/// attribute and value.
///
/// On a column: `f(const T&, const V& value)` returning bool, or returning the
/// value to store (a normalised one: SQLAlchemy's validator return value).
/// It runs in retort::set<&T::m>(obj, value), in the web layer's JSON input,
/// and at flush for every column an INSERT writes and every column an UPDATE
/// changed, so a plain `obj->m = x` is checked before its row is written.
///
/// On a relationship: `f(const T&, const ptr<U>& item)` for each append to a
/// collection and each set of a one<U> (an empty ptr when cleared), before the
/// change; `f(const T&, const ptr<U>& item, bool is_remove)` is called for
/// removals too (SQLAlchemy's include_removes=True). Changes made through the
/// other side of a back_populates / backref are validated too, before either
/// side changes (include_backrefs=True).
///
///   retort::column<&User::email>(retort::String(100), retort::validates([](const User&, const std::string& e) {
///     if (e.find('@') == std::string::npos) throw retort::invalid("must contain @");
///     return lower(e);
///   }))
template <class F>
constexpr validates_t<F> validates(F f) {
  return {f};
}

/// Overrides the column name (defaults to the member name).
struct column_name {
  constexpr explicit column_name(const char* v) : value(v) {}
  const char* value;
};

// Foreign-key actions: `retort::foreign_key<&User::id>.on_delete(retort::cascade)`.
inline constexpr sql::fk_action cascade = sql::fk_action::cascade;
inline constexpr sql::fk_action set_null = sql::fk_action::set_null;
inline constexpr sql::fk_action set_default = sql::fk_action::set_default;
inline constexpr sql::fk_action restrict = sql::fk_action::restrict;
inline constexpr sql::fk_action no_action = sql::fk_action::no_action;

template <auto M>
struct foreign_key_t {
  sql::fk_action delete_action = sql::fk_action::no_action;
  sql::fk_action update_action = sql::fk_action::no_action;
  constexpr foreign_key_t on_delete(sql::fk_action a) const {
    auto c = *this;
    c.delete_action = a;
    return c;
  }
  constexpr foreign_key_t on_update(sql::fk_action a) const {
    auto c = *this;
    c.update_action = a;
    return c;
  }
};
/// This column references the column `M` (`&User::id`).
template <auto M>
inline constexpr foreign_key_t<M> foreign_key{};

// Relationship options.
template <auto M>
struct back_populates_t {};
/// The attribute on the other class that mirrors this relationship.
template <auto M>
inline constexpr back_populates_t<M> back_populates{};
template <auto... M>
struct foreign_keys_t {};
/// The foreign-key columns a relationship joins on, when several link the two
/// tables (SQLAlchemy's `relationship(foreign_keys=[...])`):
/// `relationship<&Message::sender>(foreign_keys<&Message::sender_id>)`.
template <auto... M>
inline constexpr foreign_keys_t<M...> foreign_keys{};
template <auto M>
struct attribute_keyed_dict_t;
template <auto M, auto Key>
struct keyed_backref_t {};
template <auto M>
struct backref_t {
  /// A backref onto a keyed<K, T> member, with the attribute it is keyed by
  /// (SQLAlchemy's backref("notes", collection_class=attribute_keyed_dict("keyword"))):
  /// `relationship<&Note::item>(backref<&Item::notes>(attribute_keyed_dict<&Note::keyword>))`.
  template <auto Key>
  constexpr keyed_backref_t<M, Key> operator()(attribute_keyed_dict_t<Key>) const {
    return {};
  }
};
/// Configures the other side too (SQLAlchemy's backref=): `relationship<&User::posts>(backref<&Post::author>)`
/// maps Post::author as the reverse of User::posts; mapping<Post> must not map it again.
template <auto M>
inline constexpr backref_t<M> backref{};

template <auto... M>
struct remote_side_t {};
/// The far side's columns of a self-referential relationship (SQLAlchemy's remote_side=):
/// `relationship<&Node::parent>(remote_side<&Node::id>)` makes it many-to-one.
template <auto... M>
inline constexpr remote_side_t<M...> remote_side{};

/// A column of an association table: `link<&Post::id>("post_id")` references Post.id.
template <auto M>
struct link_def {
  static constexpr auto member = M;
  const char* name;
  sql::fk_action delete_action = sql::fk_action::no_action;
  constexpr link_def on_delete(sql::fk_action a) const {
    auto c = *this;
    c.delete_action = a;
    return c;
  }
};
template <auto M>
constexpr link_def<M> link(const char* name) {
  static_assert(std::is_member_object_pointer_v<decltype(M)>, "retort::link<M>: M must be a mapped column, e.g. &User::id");
  return {name};
}
template <class... Links>
struct association_def {
  const char* name;
  util::pack<Links...> links;
};
/// A table without a class, for a many-to-many (SQLAlchemy's `Table("post_tags", ...)`):
///
///   inline constexpr auto post_tags = retort::association_table("post_tags",
///       retort::link<&Post::id>("post_id"), retort::link<&Tag::id>("tag_id"));
///
/// Its link columns take the referenced columns' types and together form its primary key.
template <class... Links>
constexpr association_def<Links...> association_table(const char* name, Links... links) {
  static_assert(sizeof...(Links) >= 2, "retort::association_table: give a link<> to each side");
  return {name, util::pack<Links...>(links...)};
}
template <const auto& Table>
struct secondary_t {};
/// The association table of a many-to-many: `relationship<&Post::tags>(secondary<post_tags>)`.
template <const auto& Table>
inline constexpr secondary_t<Table> secondary{};
/// Which association columns join to the parent and to the target, when both
/// reference one table (self-referential many-to-many; SQLAlchemy's primaryjoin / secondaryjoin):
/// `relationship<&User::followed>(secondary<follows>, secondary_columns("follower_id", "followed_id"))`.
struct secondary_columns {
  constexpr secondary_columns(const char* local_column, const char* remote_column)
      : local(local_column), remote(remote_column) {}
  const char* local;
  const char* remote;
};

namespace detail {
void invalid_cascade_name();  // never defined: naming it in a constant expression is the compile error
constexpr bool same_word(const char* a, std::size_t n, const char* b) {
  std::size_t i = 0;
  for (; i < n && b[i]; ++i)
    if (a[i] != b[i]) return false;
  return i == n && !b[i];
}
}  // namespace detail

/// The operations a relationship passes on (SQLAlchemy's cascade="..."), checked at
/// compile time: `cascades("all, delete-orphan")`. Names: save-update, merge, expunge,
/// refresh-expire, delete, delete-orphan, all (all but delete-orphan), none.
/// Without it a relationship cascades "save-update, merge".
struct cascades {
  consteval explicit cascades(const char* spec) {
    save_update = merge = false;
    std::size_t i = 0;
    while (spec[i]) {
      while (spec[i] == ' ' || spec[i] == ',') ++i;
      std::size_t start = i;
      while (spec[i] && spec[i] != ',' && spec[i] != ' ') ++i;
      const char* w = spec + start;
      std::size_t n = i - start;
      if (n == 0) break;
      if (detail::same_word(w, n, "all")) {
        save_update = merge = expunge = refresh_expire = delete_ = true;
      } else if (detail::same_word(w, n, "save-update")) {
        save_update = true;
      } else if (detail::same_word(w, n, "merge")) {
        merge = true;
      } else if (detail::same_word(w, n, "expunge")) {
        expunge = true;
      } else if (detail::same_word(w, n, "refresh-expire")) {
        refresh_expire = true;
      } else if (detail::same_word(w, n, "delete")) {
        delete_ = true;
      } else if (detail::same_word(w, n, "delete-orphan")) {
        delete_orphan = true;
      } else if (!detail::same_word(w, n, "none")) {
        detail::invalid_cascade_name();  // unknown cascade: see the list above
      }
    }
  }
  bool save_update = true, merge = true, expunge = false, refresh_expire = false, delete_ = false,
       delete_orphan = false;
};

// Collection configuration (SQLAlchemy's "Collection Configuration" chapter).
template <auto M>
struct asc_t {
  static constexpr auto member = M;
  static constexpr bool descending = false;
};
template <auto M>
struct desc_t {
  static constexpr auto member = M;
  static constexpr bool descending = true;
};
/// An ascending / descending key of order_by: `order_by<asc<&Post::title>>`, `order_by<desc<&Post::created>>`.
template <auto M>
inline constexpr asc_t<M> asc{};
template <auto M>
inline constexpr desc_t<M> desc{};
template <auto... Keys>
struct order_by_t {};
/// The order a collection loads in (SQLAlchemy's relationship(order_by=...)): columns
/// of the target class, a bare member ascending, or wrapped in asc<> / desc<>:
/// `relationship<&User::posts>(order_by<desc<&Post::created>, &Post::title>)`.
/// Without it a collection loads ordered by the target's primary key.
template <auto... Keys>
inline constexpr order_by_t<Keys...> order_by{};

template <auto M>
struct attribute_keyed_dict_t {};
/// A keyed<K, T> collection keyed by this attribute of T (SQLAlchemy's
/// collection_class=attribute_keyed_dict("keyword")):
/// `relationship<&Item::notes>(attribute_keyed_dict<&Note::keyword>)`.
template <auto M>
inline constexpr attribute_keyed_dict_t<M> attribute_keyed_dict{};

template <auto M>
struct ordering_list_t {
  long long start = 0;  ///< the position of the first item (SQLAlchemy's count_from)
  constexpr ordering_list_t count_from(long long first) const { return {first}; }
};
/// A many<T> whose integer position column follows the sequence (SQLAlchemy's
/// ext.orderinglist.ordering_list("position")): appending, inserting, removing or
/// reassigning renumbers the items at once, the next flush writes the changed
/// positions, and the collection loads ordered by it:
/// `relationship<&Slide::bullets>(ordering_list<&Bullet::position>)`, or
/// `ordering_list<&Bullet::position>.count_from(1)`.
template <auto M>
inline constexpr ordering_list_t<M> ordering_list{};

struct post_update_t {};
/// Writes this relationship's foreign key with a separate UPDATE after the rows
/// are inserted (and NULLs it before a DELETE): breaks a cycle between rows.
inline constexpr post_update_t post_update{};
struct viewonly_t {};
/// A relationship used only for loading; changes to it are never written at flush.
inline constexpr viewonly_t viewonly{};
namespace detail {
template <class V>
struct unwrap_optional {
  using type = V;
};
template <class V>
struct unwrap_optional<std::optional<V>> {
  using type = V;
};
/// Whether a join_where value of type V can be compared with a column member of type C:
/// bool with bool, an integer with an integer, a string literal with std::string.
template <class C, class V>
concept join_where_value =
    (std::is_same_v<C, bool> && std::is_same_v<V, bool>) ||
    (std::is_integral_v<C> && !std::is_same_v<C, bool> && std::is_integral_v<V> && !std::is_same_v<V, bool>) ||
    (std::is_same_v<C, std::string> && std::is_same_v<V, const char*>);
template <class O>
inline constexpr bool is_deferral_option =
    std::is_same_v<O, deferred_group> || std::is_same_v<O, deferred_raiseload_t> || std::is_same_v<O, not_deferred_t>;
}  // namespace detail

template <auto M, class V>
struct join_where_t {
  V value;
};
/// Extra criteria on the target's column `M` (SQLAlchemy's primaryjoin="and_(..., Message.read == False)"):
///
///   retort::relationship<&Mailbox::unread>(retort::join_where<&Message::read>(false), retort::viewonly)
///
/// loads only the messages whose `read` is false. `M` must be a column of the
/// relationship's target class (checked at compile time); the value a bool, an
/// integer or a string literal matching the member's type, always sent as a
/// bound parameter. Several join_where options are ANDed. The criteria restrict
/// what loads; a relationship that is not viewonly still writes only its key.
template <auto M, class V>
constexpr join_where_t<M, V> join_where(V value) {
  static_assert(std::is_member_object_pointer_v<decltype(M)>,
                "retort::join_where<M>: M must be a column member of the target class, e.g. &Message::read");
  static_assert(!detail::relationship_member<detail::member_of<M>>::value,
                "retort::join_where<M>: M is a one<>/many<>; name a column of the target class");
  static_assert(
      detail::join_where_value<typename detail::unwrap_optional<detail::column_type<detail::member_of<M>>>::type, V>,
      "retort::join_where<M>(value): the value must match the column's type: a bool for a bool member, an integer "
      "for an integer member, a string literal for a std::string member");
  return {value};
}

struct single_parent_t {};
/// A target object belongs to one parent at a time through this relationship
/// (SQLAlchemy's single_parent=True): attaching it to a second parent raises
/// InvalidRequestError naming the relationship. Needed for a `delete-orphan`
/// cascade on a many-to-one or many-to-many (`Item.tag`, a tag owned by one
/// item); needs back_populates or backref, through which Retort sees the
/// target's parents in memory.
inline constexpr single_parent_t single_parent{};

struct no_batching_t {};
/// This relationship's lazy loads are never batched across the objects of a
/// result (session_options::batch_lazy_loads), each is its own SELECT.
inline constexpr no_batching_t no_batching{};

struct passive_deletes_t {};
/// Deleting the parent relies on the database's ON DELETE CASCADE: children not
/// loaded are left to it (no SELECT of them).
inline constexpr passive_deletes_t passive_deletes{};

/// The loader strategies (SQLAlchemy's `lazy=` values), as types so that a
/// misspelling does not compile: `relationship<&User::posts>(lazy<retort::selectin>)`.
namespace loading {
/// lazy="select" (the default): one SELECT on first access; a many-to-one found
/// in the identity map costs none.
struct select {
  static constexpr const char* name = "select";
};
/// lazy="joined": a LEFT OUTER JOIN in the parents' statement.
struct joined {
  static constexpr const char* name = "joined";
};
/// lazy="selectin": after the parents, SELECT ... WHERE key IN (...) per 500 parents.
struct selectin {
  static constexpr const char* name = "selectin";
};
/// lazy="subquery": after the parents, their statement again as a subquery, joined to the targets.
struct subquery {
  static constexpr const char* name = "subquery";
};
/// lazy="immediate": after the parents, one lazy load per parent.
struct immediate {
  static constexpr const char* name = "immediate";
};
/// lazy="noload": never loads; an empty collection, a null reference.
struct noload {
  static constexpr const char* name = "noload";
};
/// lazy="raise": access without loading first is an InvalidRequestError.
struct raise {
  static constexpr const char* name = "raise";
};
/// lazy="raise_on_sql": like raise, but only when loading would emit SQL.
struct raise_on_sql {
  static constexpr const char* name = "raise_on_sql";
};
}  // namespace loading
using loading::immediate;
using loading::joined;
using loading::noload;
using loading::selectin;
using loading::subquery;

/// A relationship's loader strategy: `lazy<retort::joined>`.
struct lazy_t {
  const char* strategy;
  bool innerjoin = false;
};
template <class Strategy>
inline constexpr lazy_t lazy{Strategy::name};
/// A strategy registered at run time (orm::register_strategy) by its name; an
/// unknown name is a ConfigurationError when the mapping is configured.
constexpr lazy_t lazy_named(const char* name) { return {name}; }

struct innerjoin_t {};
/// With lazy<joined> (or joinedload): an inner JOIN instead of LEFT OUTER JOIN,
/// for a relationship that always has a target (SQLAlchemy's innerjoin=True).
inline constexpr innerjoin_t innerjoin{};

// Model options.
/// When the flush reads server-generated values back (SQLAlchemy 2.0's mapper
/// option `eager_defaults`): without it, "auto" - an INSERT's server defaults come
/// back with RETURNING (both databases have it), server_onupdate columns are
/// expired after an UPDATE. `eager_defaults(true)`: UPDATEs fetch theirs with
/// RETURNING too. `eager_defaults(false)`: nothing is fetched; the object's
/// columns are expired and load on first access.
struct eager_defaults {
  enum mode_t : std::uint8_t { auto_, always, never };
  constexpr explicit eager_defaults(bool on) : mode(on ? always : never) {}
  constexpr explicit eager_defaults(mode_t m) : mode(m) {}
  mode_t mode;
};

/// Overrides the table name (defaults to the class name in snake_case).
struct table_name {
  constexpr explicit table_name(const char* v) : value(v) {}
  const char* value;
};

/// A CHECK constraint on the model's table (SQLAlchemy's CheckConstraint):
/// `check("price >= 0")`, or named, `check("price >= 0", "price_not_negative")`.
/// The condition is schema text written by the developer, never data; a
/// violation at flush is an IntegrityError (SQLSTATE 23514) naming the constraint.
struct check {
  constexpr explicit check(const char* condition, const char* constraint_name = "")
      : sql(condition), name(constraint_name) {}
  const char* sql;
  const char* name;
};

template <auto M, class... Opts>
struct column_def {
  static constexpr auto member = M;
  util::pack<Opts...> options;
};
template <auto M, class... Opts>
struct relationship_def {
  util::pack<Opts...> options;
};
template <class... Parts>
struct model_def {
  util::pack<Parts...> parts;
};

template <auto M, class F>
struct column_property_def {
  static constexpr auto member = M;
  F make;
};
/// A read-only attribute loaded with its row from a SQL expression (SQLAlchemy's
/// column_property): `make` returns a typed expression over the class's columns,
/// a correlated subquery included. It is selected with the object wherever the
/// object's columns are (aliased and eager-loaded entities too), never written,
/// not a column of the table, and usable in queries as retort::computed<&T::m>().
///
///   retort::column_property<&User::post_count>([] {
///     return retort::sql::scalar<std::int64_t>(retort::sql::select({retort::sql::count()}).from("post")
///         .where(retort::col<&Post::user_id> == retort::col<&User::id>));
///   })
template <auto M, class F>
constexpr column_property_def<M, F> column_property(F make) {
  static_assert(std::is_member_object_pointer_v<decltype(M)>,
                "retort::column_property<M>: M must be a data member pointer");
  static_assert(sql::sql_value_type<detail::member_of<M>>,
                "retort::column_property<M>: the member's type has no SQL mapping");
  static_assert(std::is_invocable_v<const F&>,
                "retort::column_property<M>(make): make must be callable with no arguments and return the SQL "
                "expression (retort::sql::expr<T>)");
  static_assert(std::is_base_of_v<sql::expression, std::invoke_result_t<const F&>>,
                "retort::column_property<M>(make): make must return a SQL expression (retort::sql::expr<T>)");
  return {make};
}

namespace detail {
struct no_hybrid {};
}  // namespace detail
/// The SQL side of a hybrid property (SQLAlchemy's @hybrid_property with its
/// expression): specialize for the member function that is the object side,
///
///   struct User { std::string first, last; std::string full_name() const { return first + " " + last; } };
///   template <> inline constexpr auto retort::hybrid_expression<&User::full_name> =
///       [] { return retort::col<&User::first> + " " + retort::col<&User::last>; };
///
/// and `user->full_name()` is the value on an object, `retort::hybrid<&User::full_name>`
/// the expression in queries: `where(retort::hybrid<&User::full_name> == "Ada Lovelace")`.
template <auto M>
inline constexpr auto hybrid_expression = detail::no_hybrid{};

template <auto M>
struct hybrid_t {
  static_assert(!std::is_same_v<std::remove_cv_t<decltype(hybrid_expression<M>)>, detail::no_hybrid>,
                "retort::hybrid<M>: specialize retort::hybrid_expression<M> with the SQL side of the hybrid");
  /// The expression (built on each call: it names columns, so it is built after static initialisation).
  static auto get() { return hybrid_expression<M>(); }
  auto operator()() const { return get(); }
  operator decltype(hybrid_expression<M>())() const { return get(); }  // NOLINT: order_by(hybrid<...>)
};
/// A hybrid property's SQL side, for where / order_by / select.
template <auto M>
inline constexpr hybrid_t<M> hybrid{};

#define RETORT_HYBRID_COMPARISON(op)                                                   \
  template <auto M, class U>                                                          \
  auto operator op(hybrid_t<M> h, const U& v) {                                       \
    return h.get() op v;                                                              \
  }
RETORT_HYBRID_COMPARISON(==)
RETORT_HYBRID_COMPARISON(!=)
RETORT_HYBRID_COMPARISON(<)
RETORT_HYBRID_COMPARISON(<=)
RETORT_HYBRID_COMPARISON(>)
RETORT_HYBRID_COMPARISON(>=)
#undef RETORT_HYBRID_COMPARISON

/// A mapped column: `column<&User::username>(String(50), not_null)`.
template <auto M, class... Opts>
constexpr column_def<M, Opts...> column(Opts... options) {
  static_assert(std::is_member_object_pointer_v<decltype(M)>, "retort::column<M>: M must be a data member pointer");
  static_assert(!detail::relationship_member<detail::member_of<M>>::value,
                "retort::column<M>: this member is one<>/many<>; map it with retort::relationship<M>");
  static_assert(detail::relationship_member<detail::member_of<M>>::value ||
                    sql::sql_value_type<detail::column_type<detail::member_of<M>>>,
                "retort::column<M>: the member's type has no SQL mapping (use an integer, floating point, bool, "
                "std::string, retort::blob, retort::numeric, retort::date, retort::date_time, or std::optional "
                "of one)");
  static_assert(detail::is_deferred_member<detail::member_of<M>> || !(detail::is_deferral_option<Opts> || ...),
                "retort::column<M>(deferred_group / deferred_raiseload / not_deferred): M is a plain member, which "
                "cannot load on access; declare it as retort::deferred<T> to defer it");
  static_assert(!detail::is_deferred_member<detail::member_of<M>> || !(std::is_same_v<Opts, primary_key_t> || ...),
                "retort::column<M>: a primary-key column cannot be deferred (the deferred load selects by the key); "
                "declare it as a plain member");
  return {util::pack<Opts...>(options...)};
}

/// A relationship: `relationship<&User::posts>(back_populates<&Post::author>)`.
template <auto M, class... Opts>
constexpr relationship_def<M, Opts...> relationship(Opts... options) {
  static_assert(detail::relationship_member<detail::member_of<M>>::value,
                "retort::relationship<M>: the member must be a retort::one<T>, retort::many<T>, retort::set_of<T>, "
                "retort::keyed<K, T>, retort::write_only<T> or retort::dynamic<T>");
  return {util::pack<Opts...>(options...)};
}

/// The mapping of a class: columns, relationships and model options in any order.
template <class... Parts>
constexpr model_def<Parts...> model(Parts... parts) {
  return {util::pack<Parts...>(parts...)};
}

template <class T>
concept mapped = !std::is_same_v<std::remove_cvref_t<decltype(mapping<T>)>, detail::unmapped>;

}  // namespace retort
