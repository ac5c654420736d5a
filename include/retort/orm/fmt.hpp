// fmt formatters for mapped objects (libfmt-dev): fmt::format("{}", user) gives
// Flask-SQLAlchemy's "<User 1>" (retort::repr<T>, retort/orm/repr.hpp, decides
// the text; specialise it to change it). Header-only and opt-in.
#pragma once

#include <string_view>

#include <fmt/format.h>

#include "retort/engine/fmt.hpp"
#include "retort/orm/repr.hpp"

/// ptr<T>, one<T> and many<T>: retort::to_string(x); format specs are a string's.
template <class T>
struct fmt::formatter<retort::ptr<T>, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(const retort::ptr<T>& p, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view, char>::format(retort::to_string(p), ctx);
  }
};

template <class T>
struct fmt::formatter<retort::one<T>, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(const retort::one<T>& r, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view, char>::format(retort::to_string(r), ctx);
  }
};

template <class T>
struct fmt::formatter<retort::many<T>, char> : fmt::formatter<std::string_view, char> {
  template <class FormatContext>
  auto format(const retort::many<T>& c, FormatContext& ctx) const -> decltype(ctx.out()) {
    return fmt::formatter<std::string_view, char>::format(retort::to_string(c), ctx);
  }
};
