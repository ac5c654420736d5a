// ptr<T>: the smart handle to a mapped object. Reference-counted; dereferencing
// an expired object reloads it first (expire-on-commit), which is how plain
// struct members stay current without the user doing anything.
#pragma once

#include <cstddef>
#include <string_view>

#include "retort/orm/instance_state.hpp"

namespace retort {

namespace orm {
/// Raises NullReferenceError for `handle`<`type`> (compiled once, in instance_state.cpp).
[[noreturn]] void throw_null_reference(std::string_view type, const char* handle);
namespace detail {
/// The name of T for messages ("fixtures::User"), from the compiler's signature text.
template <class T>
constexpr std::string_view type_name() {
  std::string_view f = __PRETTY_FUNCTION__;  // "... type_name() [with T = fixtures::User; ...]" or "[T = fixtures::User]"
  auto start = f.find("T = ");
  if (start == std::string_view::npos) return "T";
  start += 4;
  auto end = f.find_first_of(";]", start);
  return f.substr(start, end - start);
}
}  // namespace detail
}  // namespace orm

template <class T>
class ptr {
 public:
  using element_type = T;
  ptr() = default;
  ptr(std::nullptr_t) {}  // NOLINT: implicit from nullptr, like a pointer
  explicit ptr(orm::instance_state* s) : ref_(s) {}
  explicit ptr(orm::state_ref r) : ref_(std::move(r)) {}

  /// The object; reloads it first if it was expired. NullReferenceError when empty.
  T* operator->() const { return checked(); }
  T& operator*() const { return *checked(); }
  /// The object, or nullptr when empty (like std::shared_ptr::get).
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
  T* checked() const {
    if (!ref_) orm::throw_null_reference(orm::detail::type_name<T>(), "ptr");
    return get();
  }
  orm::state_ref ref_;
};

/// The handle of an object that Retort manages (one reached through a ptr or a
/// relationship). Precondition: `obj` was created by Retort.
template <class T>
ptr<T> handle(T& obj) {
  return ptr<T>(orm::state_of(obj));
}

}  // namespace retort
