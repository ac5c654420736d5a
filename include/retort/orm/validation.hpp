// Validated assignment (SQLAlchemy's @validates runs on attribute set): a C++
// member assignment cannot be intercepted, so retort::set is the assignment
// Retort sees. The validator is declared in the mapping with retort::validates
// (mapping.hpp); it also runs at flush and on the web layer's JSON input.
//
//   retort::set<&User::email>(user, "Alice@Example.com");   // validated, maybe normalised, then stored
#pragma once

#include <type_traits>
#include <utility>

#include "retort/orm/mapper_builder.hpp"
#include "retort/util/names.hpp"

namespace retort {

namespace orm {
/// `v` through the validator of `m`'s column `attribute` (v unchanged without
/// one): ValidationError naming class, attribute and value if it refuses.
sql::value validate_column(const mapper& m, std::string_view attribute, const void* object, const sql::value& v);
}  // namespace orm

/// Stores `value` in `obj.*M` after M's validator accepts it (the validator's
/// normalised value, if it returns one); a refused value raises
/// ValidationError and leaves the member as it was.
template <auto M, class V>
void set(detail::class_of<M>& obj, V&& value) {
  using member_type = detail::member_of<M>;
  static_assert(!detail::is_deferred_member<member_type>, "retort::set<M>: M is a deferred<T> member; assign it directly");
  static_assert(std::is_constructible_v<member_type, V&&>, "retort::set<M>(obj, value): the value must convert to the member's type");
  member_type candidate(std::forward<V>(value));
  auto checked = orm::validate_column(orm::mapper_for<detail::class_of<M>>(), util::member_name<M>(), &obj,
                                      sql::value_traits<member_type>::to(candidate));
  obj.*M = sql::value_traits<member_type>::from(checked);
}

/// The same through a handle: the object is marked as changed, as `p->m = x` marks it.
template <auto M, class V>
void set(const ptr<detail::class_of<M>>& p, V&& value) {
  set<M>(*p, std::forward<V>(value));
}

}  // namespace retort
