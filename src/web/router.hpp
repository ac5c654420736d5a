// The URL map (werkzeug's Map and Rule): rules with converters, matched
// against a request path. Private to src/web; app.cpp owns one.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/web/app.hpp"

namespace retort::web::detail {

class router {
 public:
  /// Adds `h` for `methods` on `rule`. A malformed rule (an unknown converter,
  /// an unclosed '<', a <path:...> not last) or a rule+method added twice is an ArgumentError.
  void add(std::string_view rule, std::initializer_list<std::string_view> methods, app::handler h);

  struct match {
    const app::handler* handler = nullptr;  ///< null: the path matched, the method did not (405)
    std::map<std::string, std::string, std::less<>> view_args;
    std::string allowed;  ///< the Allow header of a 405
  };
  /// The route for a path and method, or none when no rule matches the path (404).
  /// HEAD is served by GET's handler. Among several rules matching a path,
  /// the one with the most static segments wins (werkzeug sorts rules so).
  std::optional<match> find(std::string_view path, std::string_view method) const;

 private:
  enum class kind { literal, string, integer, path };
  struct segment {
    kind type = kind::literal;
    std::string text;  ///< the literal, or the argument's name
  };
  struct rule_entry {
    std::string rule;
    std::vector<segment> segments;
    std::size_t literals = 0;
    std::map<std::string, app::handler, std::less<>> handlers;  ///< by method
  };
  static std::vector<segment> parse(std::string_view rule);
  static bool matches(const rule_entry& r, const std::vector<std::string_view>& parts, std::string_view path,
                      std::map<std::string, std::string, std::less<>>& args);
  std::vector<rule_entry> rules_;
};

}  // namespace retort::web::detail
