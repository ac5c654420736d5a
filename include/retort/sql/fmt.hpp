// fmt formatters for SQL values and compiled statements, for logs (libfmt-dev).
// Header-only and opt-in: only code that includes it needs fmt.
//
//     fmt::print("{}\n", sql::compile(stmt, dialect));  // SELECT ... WHERE user.id = ?  (1)
//     fmt::print("{}\n", sql::value("it's"));           // 'it's'
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "retort/sql/compiler.hpp"
#include "retort/sql/value.hpp"
#include "retort/util/fmt.hpp"

/// A value as logs show it (value::repr(): text quoted, NULL, blobs as "<n bytes>").
template <>
struct fmt::formatter<retort::sql::value, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(const retort::sql::value& v, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view, char>::format(v.repr(), ctx);
  }
};

/// A compiled statement with its parameters, as echo prints it (sql::describe):
/// "<sql>  (<params>)". The text that runs keeps its placeholders.
template <>
struct fmt::formatter<retort::sql::compiled, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(const retort::sql::compiled& c, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view, char>::format(retort::sql::describe(c), ctx);
  }
};
