// Names of mapped classes and columns without configuring the registry, and
// `col<&User::username>`: a mapped member as a typed SQL column.
#pragma once

#include <string>
#include <tuple>
#include <type_traits>

#include "retort/orm/mapping.hpp"
#include "retort/sql/expression.hpp"
#include "retort/util/names.hpp"

namespace retort {

namespace orm {

/// Table name of a mapped class, without configuring the registry.
template <class T>
std::string table_name_of() {
  std::string name = util::snake_case(util::type_name<T>());
  util::apply(
      [&](const auto&... part) {
        (
            [&] {
              if constexpr (std::is_same_v<std::decay_t<decltype(part)>, table_name>) name = part.value;
            }(),
            ...);
      },
      mapping<T>.parts);
  return name;
}

template <auto M, class P>
void find_column_name(const P&, std::string&) {}
template <auto M, auto N, class... O>
void find_column_name(const column_def<N, O...>& def, std::string& name) {
  if constexpr (std::is_same_v<decltype(M), decltype(N)>) {
    if (M != N) return;
    util::apply(
        [&](const auto&... opt) {
          (
              [&] {
                if constexpr (std::is_same_v<std::decay_t<decltype(opt)>, retort::column_name>) name = opt.value;
              }(),
              ...);
        },
        def.options);
  }
}

/// Column name of a mapped member, without configuring the registry.
template <auto M>
std::string column_name_of() {
  std::string name(util::member_name<M>());
  util::apply([&](const auto&... part) { (find_column_name<M>(part, name), ...); },
             mapping<retort::detail::class_of<M>>.parts);
  return name;
}


}  // namespace orm

/// A typed column of a mapped class, for query expressions: `col<&User::username> == "alice"`.
template <auto M>
inline const sql::expr<detail::column_type<detail::member_of<M>>> col =
    sql::column_ref<detail::column_type<detail::member_of<M>>>(orm::table_name_of<detail::class_of<M>>(),
                                                               orm::column_name_of<M>());

}  // namespace retort
