// ptr<T>: the smart handle to a mapped object. Reference-counted; dereferencing
// an expired object reloads it first (expire-on-commit), which is how plain
// struct members stay current without the user doing anything.
#pragma once

#include <cstddef>

#include "retort/orm/instance_state.hpp"

namespace retort {

template <class T>
class ptr {
 public:
  ptr() = default;
  ptr(std::nullptr_t) {}  // NOLINT: implicit from nullptr, like a pointer
  explicit ptr(orm::instance_state* s) : ref_(s) {}
  explicit ptr(orm::state_ref r) : ref_(std::move(r)) {}

  /// The object; reloads it first if it was expired.
  T* operator->() const { return get(); }
  T& operator*() const { return *get(); }
  T* get() const {
    auto* s = ref_.get();
    if (!s) return nullptr;
    if (s->expired) orm::ensure_loaded(s);
    if (!s->touched) orm::touch(s);
    return static_cast<T*>(s->object);
  }
  explicit operator bool() const noexcept { return static_cast<bool>(ref_); }
  bool operator==(const ptr& o) const noexcept { return ref_ == o.ref_; }
  bool operator==(std::nullptr_t) const noexcept { return !ref_; }

  orm::instance_state* state() const noexcept { return ref_.get(); }
  const orm::state_ref& ref() const noexcept { return ref_; }

 private:
  orm::state_ref ref_;
};

/// The handle of an object that Retort manages (one reached through a ptr or a
/// relationship). Precondition: `obj` was created by Retort.
template <class T>
ptr<T> handle(T& obj) {
  return ptr<T>(orm::state_of(obj));
}

}  // namespace retort
