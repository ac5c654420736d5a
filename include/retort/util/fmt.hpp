// fmt formatters for Retort's errors (libfmt-dev; libstdc++ 12 has no <format>).
// Header-only and opt-in: only code that includes it needs fmt.
//
//     catch (const retort::Error& e) { log->error("flush failed: {}", e); }
//     // "flush failed: IntegrityError: UNIQUE constraint failed: user.username [table: user] ..."
#pragma once

#include <concepts>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "retort/util/error.hpp"

/// Any retort::Error (or subclass) as "<class>: <what()>", the last line of a
/// Python traceback; format specs are a string's ("{:>60}").
template <class E>
  requires std::derived_from<E, retort::Error>
struct fmt::formatter<E, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(const E& e, FormatContext& ctx) const -> decltype(ctx.out()) {
    std::string text = retort::error_class_name(e) + ": " + e.what();
    return fmt::formatter<std::string_view, char>::format(text, ctx);
  }
};
