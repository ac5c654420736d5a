// Names: C++ type and member names as the compiler spells them, and the
// snake_case table names Flask-SQLAlchemy derives from class names.
#pragma once

#include <string>
#include <string_view>

namespace retort::util {

/// `PostTag` -> `post_tag`, `HTTPRequest` -> `http_request`, `ns::User` -> `user`.
std::string snake_case(std::string_view class_name);

/// Extracts `T`'s name from a `__PRETTY_FUNCTION__` text of `type_name<T>()`.
std::string_view parse_type_name(std::string_view pretty);

/// Extracts the member name `m` from `__PRETTY_FUNCTION__` of `member_name<&C::m>()`.
std::string_view parse_member_name(std::string_view pretty);

/// Unqualified name of `T` (namespaces stripped).
template <class T>
std::string_view type_name() {
  return parse_type_name(__PRETTY_FUNCTION__);
}

/// The name of the data member `M` points to.
template <auto M>
std::string_view member_name() {
  return parse_member_name(__PRETTY_FUNCTION__);
}

}  // namespace retort::util
