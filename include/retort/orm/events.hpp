// ORM events (SQLAlchemy's event.listen and its mapper, instance, session and
// attribute events): the typed registration is here; the listener tables and
// the dispatch are compiled once in src/orm/events.cpp and called by the
// session, the unit of work, loading and the relationship slots.
//
//   auto l = retort::listen<User>(retort::before_insert, [](retort::session&, User& u) { u.slug = slugify(u.name); });
//   auto m = retort::listen<&User::posts>(retort::on_append, [](User& u, retort::ptr<Post> p) { ... });
//   auto n = session.on(retort::before_flush, [](retort::session& s, const retort::flush_context& f) { ... });
//
// A listener stays registered while its retort::listener lives (or for good after detach()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "retort/orm/mapper_builder.hpp"
#include "retort/util/names.hpp"

namespace retort {

namespace engine {
class connection;
}

namespace orm {
/// Every event Retort dispatches, by SQLAlchemy's name.
enum class event_kind : std::uint8_t {
  // mapper events: per object, around its INSERT / UPDATE / DELETE at flush
  before_insert,
  after_insert,
  before_update,
  after_update,
  before_delete,
  after_delete,
  // instance events
  load,
  refresh,
  expire,
  // session events
  before_flush,
  after_flush,
  after_flush_postexec,
  before_commit,
  after_commit,
  after_rollback,
  after_begin,
  // attribute events
  set,
  append,
  remove,
};
inline constexpr std::size_t event_kind_count = 19;

constexpr bool is_object_event(event_kind k) { return k <= event_kind::expire; }
constexpr bool is_session_event(event_kind k) { return k >= event_kind::before_flush && k <= event_kind::after_begin; }
constexpr bool is_attribute_event(event_kind k) { return k >= event_kind::set; }
}  // namespace orm

/// A handle to a mapped object of any class (what session events list).
class any_ptr {
 public:
  any_ptr() = default;
  explicit any_ptr(orm::instance_state* s) : ref_(s) {}
  /// The object as a T, or an empty ptr when it is of another class.
  template <class T>
  ptr<T> as() const {
    return is<T>() ? ptr<T>(ref_.get()) : ptr<T>();
  }
  template <class T>
  bool is() const {
    return ref_ && ref_->owner_mapper == &orm::mapper_for<T>();
  }
  /// The mapped class's name ("User").
  const std::string& class_name() const { return ref_->owner_mapper->class_name; }
  /// The primary key once persistent (SQLAlchemy's identity), else empty.
  const std::vector<sql::value>& identity() const { return ref_->key; }
  orm::instance_state* state() const noexcept { return ref_.get(); }
  explicit operator bool() const noexcept { return static_cast<bool>(ref_); }
  bool operator==(const any_ptr& o) const noexcept { return ref_ == o.ref_; }

 private:
  orm::state_ref ref_;
};

/// What a flush does to a row, with Flask-SQLAlchemy's names ("insert", "update", "delete").
enum class change_kind : std::uint8_t { insert, update, delete_ };
std::string_view change_name(change_kind k) noexcept;

struct model_change {
  any_ptr object;
  change_kind kind;
};

/// What the flush session events see (SQLAlchemy's flush_context plus session.new /
/// dirty / deleted). In before_flush: the session's candidates - objects added,
/// changed, marked for deletion - as they stand before the listeners run. In
/// after_flush and after_flush_postexec: the rows this flush wrote, cascades included;
/// "update" also names objects whose only change was a relationship.
class flush_context {
 public:
  const std::vector<model_change>& changes() const noexcept { return changes_; }
  std::vector<any_ptr> inserted() const { return of(change_kind::insert); }
  std::vector<any_ptr> updated() const { return of(change_kind::update); }
  std::vector<any_ptr> deleted() const { return of(change_kind::delete_); }
  void add(any_ptr object, change_kind kind) { changes_.push_back({std::move(object), kind}); }

 private:
  std::vector<any_ptr> of(change_kind k) const {
    std::vector<any_ptr> out;
    for (const auto& c : changes_)
      if (c.kind == k) out.push_back(c.object);
    return out;
  }
  std::vector<model_change> changes_;
};

namespace orm {
/// One dispatch's arguments, type-erased; which fields are set depends on the event.
struct event_args {
  retort::session* session = nullptr;        ///< mapper, instance and session events
  instance_state* target = nullptr;          ///< the object (mapper, instance, attribute events)
  instance_state* value = nullptr;           ///< relationship events: the object set / appended / removed
  instance_state* old = nullptr;             ///< relationship set: the object replaced
  const sql::value* column_value = nullptr;  ///< column set: the new value
  const sql::value* column_old = nullptr;    ///< column set: the value loaded (or the initial one)
  const retort::flush_context* flush = nullptr;
  engine::connection* connection = nullptr;
};
using listener_fn = std::function<void(const event_args&)>;

/// Registers `f` for every session. `target`: the mapper (mapper and instance
/// events), the column_property or relationship_property (attribute events), or
/// null (session events). Returns the listener's id.
std::uint64_t add_listener(event_kind k, const void* target, listener_fn f);
void remove_listener(std::uint64_t id) noexcept;
/// Session events of one session.
std::uint64_t add_session_listener(session_impl& s, event_kind k, listener_fn f);
void remove_session_listener(session_impl& s, std::uint64_t id) noexcept;
std::weak_ptr<void> session_lifetime(const session_impl& s);
/// The property an attribute event names, or ArgumentError naming class and member.
const void* attribute_target(const mapper& m, std::string_view attribute);
}  // namespace orm

/// A registered listener: removed when this is destroyed or remove() is called;
/// detach() keeps it registered for the program's life (SQLAlchemy's listen without remove).
class [[nodiscard]] listener {
 public:
  listener() = default;
  listener(listener&& o) noexcept
      : id_(std::exchange(o.id_, 0)), session_(std::exchange(o.session_, nullptr)), alive_(std::move(o.alive_)) {}
  listener& operator=(listener&& o) noexcept {
    if (this != &o) {
      remove();
      id_ = std::exchange(o.id_, 0);
      session_ = std::exchange(o.session_, nullptr);
      alive_ = std::move(o.alive_);
    }
    return *this;
  }
  ~listener() { remove(); }
  /// Unregisters now (SQLAlchemy's event.remove); nothing if already removed.
  void remove() noexcept {
    if (!id_) return;
    if (!session_)
      orm::remove_listener(id_);
    else if (!alive_.expired())
      orm::remove_session_listener(*session_, id_);
    id_ = 0;
  }
  /// Leaves the listener registered for good; this handle no longer removes it.
  void detach() noexcept { id_ = 0; }
  bool active() const noexcept { return id_ != 0 && (!session_ || !alive_.expired()); }

  /// For the registration functions.
  static listener global(std::uint64_t id) { return listener(id, nullptr); }
  static listener of_session(orm::session_impl& s, std::uint64_t id) { return listener(id, &s); }

 private:
  listener(std::uint64_t id, orm::session_impl* s) : id_(id), session_(s) {
    if (s) alive_ = orm::session_lifetime(*s);
  }
  std::uint64_t id_ = 0;
  orm::session_impl* session_ = nullptr;
  std::weak_ptr<void> alive_;
};

/// An event's name for listen(): `retort::before_insert`, `retort::on_append`, ...
template <orm::event_kind K>
struct event_tag {
  static constexpr orm::event_kind kind = K;
};

// Mapper events (SQLAlchemy's MapperEvents): f(retort::session&, T&).
inline constexpr event_tag<orm::event_kind::before_insert> before_insert{};
inline constexpr event_tag<orm::event_kind::after_insert> after_insert{};
inline constexpr event_tag<orm::event_kind::before_update> before_update{};
inline constexpr event_tag<orm::event_kind::after_update> after_update{};
inline constexpr event_tag<orm::event_kind::before_delete> before_delete{};
inline constexpr event_tag<orm::event_kind::after_delete> after_delete{};
// Instance events (InstanceEvents): f(retort::session&, T&).
inline constexpr event_tag<orm::event_kind::load> load{};
inline constexpr event_tag<orm::event_kind::refresh> refresh{};
inline constexpr event_tag<orm::event_kind::expire> expire{};
// Session events (SessionEvents): f(retort::session&) or, for the flush events,
// f(retort::session&, const retort::flush_context&); after_begin f(retort::session&, engine::connection&).
inline constexpr event_tag<orm::event_kind::before_flush> before_flush{};
inline constexpr event_tag<orm::event_kind::after_flush> after_flush{};
inline constexpr event_tag<orm::event_kind::after_flush_postexec> after_flush_postexec{};
inline constexpr event_tag<orm::event_kind::before_commit> before_commit{};
inline constexpr event_tag<orm::event_kind::after_commit> after_commit{};
inline constexpr event_tag<orm::event_kind::after_rollback> after_rollback{};
inline constexpr event_tag<orm::event_kind::after_begin> after_begin{};
// Attribute events (AttributeEvents "set", "append", "remove").
inline constexpr event_tag<orm::event_kind::set> on_set{};
inline constexpr event_tag<orm::event_kind::append> on_append{};
inline constexpr event_tag<orm::event_kind::remove> on_remove{};

namespace detail {

template <orm::event_kind K, class F>
orm::listener_fn wrap_session_listener(F f) {
  static_assert(orm::is_session_event(K), "retort: this event is not a session event");
  if constexpr (K == orm::event_kind::after_begin) {
    static_assert(std::is_invocable_v<F&, session&, engine::connection&>,
                  "retort::after_begin: the listener must be callable as f(retort::session&, engine::connection&)");
    return [f = std::move(f)](const orm::event_args& a) mutable { f(*a.session, *a.connection); };
  } else if constexpr (K == orm::event_kind::before_flush || K == orm::event_kind::after_flush ||
                       K == orm::event_kind::after_flush_postexec) {
    static_assert(std::is_invocable_v<F&, session&, const flush_context&> || std::is_invocable_v<F&, session&>,
                  "retort: a flush event's listener must be callable as f(retort::session&, const "
                  "retort::flush_context&) or f(retort::session&)");
    return [f = std::move(f)](const orm::event_args& a) mutable {
      if constexpr (std::is_invocable_v<F&, session&, const flush_context&>)
        f(*a.session, *a.flush);
      else
        f(*a.session);
    };
  } else {
    static_assert(std::is_invocable_v<F&, session&>,
                  "retort: a session event's listener must be callable as f(retort::session&)");
    return [f = std::move(f)](const orm::event_args& a) mutable { f(*a.session); };
  }
}

template <auto M>
struct attribute_info {
  using C = retort::detail::class_of<M>;
  using V = retort::detail::member_of<M>;
  static constexpr bool relationship = retort::detail::relationship_member<V>::value;
  static constexpr bool collection = [] {
    if constexpr (retort::detail::relationship_member<V>::value)
      return retort::detail::relationship_member<V>::collection;
    else
      return false;
  }();
};

}  // namespace detail

/// A mapper or instance event of class T:
/// `retort::listen<User>(retort::before_insert, [](retort::session&, User&) { ... })`.
template <class T, orm::event_kind K, class F>
requires(orm::is_object_event(K)) listener listen(event_tag<K>, F f) {
  static_assert(mapped<T>, "retort::listen<T>: T has no mapping");
  static_assert(std::is_invocable_v<F&, session&, T&>,
                "retort::listen<T>(event, f): a mapper or instance event's listener must be callable as "
                "f(retort::session&, T&)");
  return listener::global(orm::add_listener(
      K, &orm::mapper_for<T>(),
      [f = std::move(f)](const orm::event_args& a) mutable { f(*a.session, *static_cast<T*>(a.target->object)); }));
}

/// An attribute event of member M: for a relationship `on_set` f(C&, ptr<U> value,
/// ptr<U> old) (one<U>), `on_append` / `on_remove` f(C&, ptr<U>) (collections); for a
/// column `on_set` f(C&, const V& value, const V& old), fired at flush (docs/models.md).
template <auto M, orm::event_kind K, class F>
requires(orm::is_attribute_event(K)) listener listen(event_tag<K>, F f) {
  static_assert(std::is_member_object_pointer_v<decltype(M)>, "retort::listen<M>: M must be a data member pointer");
  using info = detail::attribute_info<M>;
  using C = typename info::C;
  using V = typename info::V;
  const void* target = orm::attribute_target(orm::mapper_for<C>(), util::member_name<M>());
  if constexpr (info::relationship) {
    using U = typename retort::detail::relationship_member<V>::target;
    if constexpr (K == orm::event_kind::set) {
      static_assert(!info::collection,
                    "retort::on_set: a collection has no set event; listen for on_append / on_remove");
      static_assert(std::is_invocable_v<F&, C&, ptr<U>, ptr<U>>,
                    "retort::on_set on a one<U>: the listener must be callable as f(C&, ptr<U> value, ptr<U> old)");
      return listener::global(orm::add_listener(K, target, [f = std::move(f)](const orm::event_args& a) mutable {
        f(*static_cast<C*>(a.target->object), ptr<U>(a.value), ptr<U>(a.old));
      }));
    } else {
      static_assert(info::collection,
                    "retort::on_append / on_remove need a collection relationship (many<>, "
                    "set_of<>, keyed<>); a one<> has on_set");
      static_assert(std::is_invocable_v<F&, C&, ptr<U>>,
                    "retort::on_append / on_remove: the listener must be callable as f(C&, ptr<U>)");
      return listener::global(orm::add_listener(K, target, [f = std::move(f)](const orm::event_args& a) mutable {
        f(*static_cast<C*>(a.target->object), ptr<U>(a.value));
      }));
    }
  } else {
    static_assert(K == orm::event_kind::set,
                  "retort::on_append / on_remove need a collection relationship; a column has on_set");
    static_assert(std::is_invocable_v<F&, C&, const V&, const V&>,
                  "retort::on_set on a column: the listener must be callable as f(C&, const V& value, const V& old)");
    return listener::global(orm::add_listener(K, target, [f = std::move(f)](const orm::event_args& a) mutable {
      f(*static_cast<C*>(a.target->object), sql::value_traits<V>::from(*a.column_value),
        sql::value_traits<V>::from(*a.column_old));
    }));
  }
}

/// A session event for every session (SQLAlchemy's event.listen(Session, ...)):
/// `retort::listen(retort::after_commit, [](retort::session&) { ... })`.
template <orm::event_kind K, class F>
requires(orm::is_session_event(K)) listener listen(event_tag<K>, F f) {
  return listener::global(orm::add_listener(K, nullptr, detail::wrap_session_listener<K>(std::move(f))));
}

}  // namespace retort
