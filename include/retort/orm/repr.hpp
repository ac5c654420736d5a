// The default text form of a mapped object, Flask-SQLAlchemy 3's Model.__repr__:
// "<User 1>", "<PostTag 3, c++>", "<User (transient 1403...)>", "<User (pending 1403...)>".
// Used by operator<< here and by fmt's "{}" (retort/orm/fmt.hpp); compiled once
// in src/orm/repr.cpp, on the type-erased state.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

#include "retort/orm/instance_state.hpp"
#include "retort/orm/ptr.hpp"
#include "retort/orm/relationship.hpp"

namespace retort {

namespace orm {
/// Flask-SQLAlchemy's form of the object behind `s`, from its mapper's class
/// name (unqualified, as Python's `type(self).__name__`) and its state:
/// transient and pending objects show "(transient <address>)" /
/// "(pending <address>)" (the address in decimal, as Python's id()); every
/// other state shows its identity key, "1" or "3, c++" (str() of each value).
/// Issues no SQL, also for an expired object. "None" for a null state.
std::string default_repr(const instance_state* s);
}  // namespace orm

/// The text form of a `T` for operator<< and fmt's "{}". Specialise it to give
/// a model its own form (Python's `__repr__`); it is never called for an empty
/// handle (that prints "None"):
///
///     template <> struct retort::repr<User> {
///       std::string operator()(const retort::ptr<User>& u) const { return "<User " + u->username + ">"; }
///     };
template <class T>
struct repr {
  std::string operator()(const ptr<T>& p) const { return orm::default_repr(p.state()); }
};

/// repr<T> of the object, or "None" for an empty handle.
template <class T>
std::string to_string(const ptr<T>& p) {
  if (!p) return "None";
  return repr<T>{}(p);
}

/// The related object's form (lazy-loading it first, as Python's `post.author`
/// does), or "None".
template <class T>
std::string to_string(const one<T>& r) {
  return to_string(const_cast<one<T>&>(r).get());  // loading is logically const
}

/// "[<Post 1>, <Post 2>]", as Python prints a list (loads the collection first).
template <class T>
std::string to_string(const many<T>& c) {
  auto& items = const_cast<many<T>&>(c);  // loading is logically const
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + to_string(items.at(i));
  return out + "]";
}

template <class T>
std::ostream& operator<<(std::ostream& os, const ptr<T>& p) {
  return os << to_string(p);
}
template <class T>
std::ostream& operator<<(std::ostream& os, const one<T>& r) {
  return os << to_string(r);
}
template <class T>
std::ostream& operator<<(std::ostream& os, const many<T>& c) {
  return os << to_string(c);
}

}  // namespace retort
