// retort::deferred<T>: a column member that can be left out of a load and
// loads itself on first read (SQLAlchemy's deferred column loading). A plain
// member cannot notice being read, so only a deferred<T> member can be
// deferred; it is mapped as a column of type T and deferred by default
// (SQLAlchemy's mapped_column(deferred=True)):
//
//   struct Post { int id = 0; std::string title; retort::deferred<std::string> body; };
//   retort::column<&Post::body>()                                  // deferred: SELECT leaves it out
//   retort::column<&Post::photo>(retort::deferred_group("photos")) // loads with its group
//
// Read it as a value (`*p->body`, `p->body.get()`, `p->body->size()`, or
// through the implicit `const T&`); the first read of an unloaded value runs
// one SELECT of it (of its group) by primary key. Assign it as a value; the
// flush writes it. An unloaded value is never written.
#pragma once

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "retort/orm/fwd.hpp"

namespace retort::orm::detail {

/// The untyped part of deferred<T>: the owner it loads through and whether it is loaded.
class deferred_base {
 public:
  /// Whether the value is in memory (false: the next read loads it, or raises).
  bool is_loaded() const noexcept { return loaded_; }

  // Used by the ORM core.
  void bind(instance_state* owner, std::uint32_t column) noexcept {
    owner_ = owner;
    column_ = column;
  }
  /// Forgets the value: the next read loads it (or raises InvalidRequestError with `raise`).
  void unload(bool raise) noexcept {
    loaded_ = false;
    changed_ = false;
    raise_ = raise;
  }
  bool raises() const noexcept { return raise_; }
  /// Set while it was unloaded: no committed value to compare with, the flush writes it.
  bool changed_unloaded() const noexcept { return changed_; }
  /// The value now matches the row (loaded, or flushed).
  void settle() noexcept { changed_ = false; }

 protected:
  deferred_base() = default;
  deferred_base(const deferred_base&) noexcept {}  // a copy belongs to no object until bound
  deferred_base& operator=(const deferred_base&) noexcept { return *this; }
  ~deferred_base() = default;

  /// Loads the value through the owner's session (compiled once, in src/orm/deferral.cpp).
  void load() const;
  /// A value was assigned: it is loaded now, and the owner is touched for the flush.
  void assigned();
  void stored() noexcept {
    if (!loaded_) changed_ = true;
    loaded_ = true;
    raise_ = false;
  }

 private:
  instance_state* owner_ = nullptr;
  std::uint32_t column_ = 0;
  bool loaded_ = true;    ///< a new object holds its value
  bool changed_ = false;  ///< assigned while unloaded
  bool raise_ = false;    ///< raiseload: a read while unloaded raises
};

}  // namespace retort::orm::detail

namespace retort {

/// A deferred column member of type T (see the top of this file).
template <class T>
class deferred : public orm::detail::deferred_base {
 public:
  using value_type = T;

  deferred() = default;
  template <class U = T>
  requires(std::constructible_from<T, U&&> && !std::is_same_v<std::remove_cvref_t<U>, deferred>) deferred(U&& v)
      : value_(std::forward<U>(v)) {}  // NOLINT: `.body = "text"` in an initializer
  /// A copy holds the value (read first, loading it if needed) and belongs to no object.
  deferred(const deferred& o) : deferred_base(o), value_(o.get()) {}
  deferred(deferred&& o) : deferred_base(o), value_(take(o)) {}
  ~deferred() = default;

  deferred& operator=(const deferred& o) {
    if (this != &o) *this = o.get();
    return *this;
  }
  deferred& operator=(deferred&& o) {
    if (this != &o) *this = take(o);
    return *this;
  }
  template <class U = T>
  requires(std::assignable_from<T&, U&&> && !std::is_same_v<std::remove_cvref_t<U>, deferred>) deferred& operator=(
      U&& v) {
    value_ = std::forward<U>(v);
    assigned();
    return *this;
  }

  /// The value, loaded first if it is not (one SELECT through the owner's session).
  const T& get() const {
    if (!is_loaded()) load();
    return value_;
  }
  const T& operator*() const { return get(); }
  const T* operator->() const { return &get(); }
  operator const T&() const { return get(); }  // NOLINT: reads like the value

  template <class U>
  requires(!std::is_same_v<U, deferred> && std::equality_comparable_with<T, U>) bool operator==(const U& v) const {
    return get() == v;
  }
  bool operator==(const deferred& o) const { return get() == o.get(); }

  // Used by the ORM core (the column thunks).
  const T& peek() const noexcept { return value_; }
  void store(T v) {
    value_ = std::move(v);
    stored();
  }

 private:
  static T&& take(deferred& o) {
    (void)o.get();
    return std::move(o.value_);
  }
  T value_{};
};

namespace detail {
template <class V>
struct column_member {
  using type = V;
  static constexpr bool deferred = false;
};
template <class V>
struct column_member<retort::deferred<V>> {
  using type = V;
  static constexpr bool deferred = true;
};
/// The SQL-mapped type a column member holds: T for deferred<T>, else the member's type.
template <class V>
using column_type = typename column_member<V>::type;
template <class V>
inline constexpr bool is_deferred_member = column_member<V>::deferred;
}  // namespace detail

}  // namespace retort
