// fmt formatters for the engine's URLs and log levels (libfmt-dev).
// Header-only and opt-in: only code that includes it needs fmt.
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "retort/engine/log.hpp"
#include "retort/engine/url.hpp"
#include "retort/sql/fmt.hpp"

/// A URL with its password shown as "***" (url::render()): safe for logs.
template <>
struct fmt::formatter<retort::engine::url, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(const retort::engine::url& u, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view, char>::format(u.render(), ctx);
  }
};

/// "debug", "info", "warning", "error".
template <>
struct fmt::formatter<retort::logging::level, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(retort::logging::level l, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view, char>::format(retort::logging::name(l), ctx);
  }
};
