// The URL map: rule parsing and matching (werkzeug's converters: default,
// int, path). Paths arrive decoded; a segment never holds a '/'.
#include "router.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "retort/util/error.hpp"

namespace retort::web::detail {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.starts_with('/')) path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

bool fits_int64_digits(std::string_view s) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::vector<router::segment> router::parse(std::string_view rule) {
  if (!rule.starts_with('/'))
    throw ArgumentError("retort::web::app::route: the rule '" + std::string(rule) + "' must start with '/'");
  std::vector<segment> out;
  for (auto part : split_path(rule)) {
    if (!out.empty() && out.back().type == kind::path)
      throw ArgumentError("retort::web::app::route: in '" + std::string(rule) + "', <path:...> must be last");
    if (!part.starts_with('<')) {
      if (part.find_first_of("<>") != std::string_view::npos)
        throw ArgumentError("retort::web::app::route: in '" + std::string(rule) + "', a segment '" + std::string(part) +
                            "' mixes text and an argument");
      out.push_back({kind::literal, std::string(part)});
      continue;
    }
    if (!part.ends_with('>') || part.size() < 3)
      throw ArgumentError("retort::web::app::route: in '" + std::string(rule) + "', '" + std::string(part) +
                          "' is not <name> or <converter:name>");
    auto inner = part.substr(1, part.size() - 2);
    segment s{kind::string, std::string(inner)};
    if (auto colon = inner.find(':'); colon != std::string_view::npos) {
      const auto conv = inner.substr(0, colon);
      s.text = std::string(inner.substr(colon + 1));
      if (conv == "int")
        s.type = kind::integer;
      else if (conv == "path")
        s.type = kind::path;
      else if (conv != "string")
        throw ArgumentError("retort::web::app::route: in '" + std::string(rule) + "', the converter '" +
                            std::string(conv) + "' is unknown (string, int, path)");
    }
    if (s.text.empty())
      throw ArgumentError("retort::web::app::route: in '" + std::string(rule) + "', an argument has no name");
    out.push_back(std::move(s));
  }
  return out;
}

void router::add(std::string_view rule, std::initializer_list<std::string_view> methods, app::handler h) {
  auto it = std::find_if(rules_.begin(), rules_.end(), [&](const rule_entry& r) { return r.rule == rule; });
  if (it == rules_.end()) {
    rule_entry r;
    r.rule = std::string(rule);
    r.segments = parse(rule);
    r.literals = static_cast<std::size_t>(
        std::count_if(r.segments.begin(), r.segments.end(), [](const segment& s) { return s.type == kind::literal; }));
    rules_.push_back(std::move(r));
    it = rules_.end() - 1;
  }
  for (auto m : methods) {
    if (!it->handlers.emplace(std::string(m), h).second)
      throw ArgumentError("retort::web::app::route: " + std::string(m) + " " + std::string(rule) +
                          " has a handler already");
  }
}

bool router::matches(const rule_entry& r, const std::vector<std::string_view>& parts, std::string_view path,
                     std::map<std::string, std::string, std::less<>>& args) {
  const auto& segs = r.segments;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const auto& s = segs[i];
    if (s.type == kind::path) {
      if (i >= parts.size()) return false;
      // The rest of the path from this segment on, slashes included.
      const auto offset = static_cast<std::size_t>(parts[i].data() - path.data());
      const auto rest = path.substr(offset);
      if (rest.empty()) return false;
      args[s.text] = std::string(rest);
      return true;
    }
    if (i >= parts.size()) return false;
    const auto part = parts[i];
    switch (s.type) {
      case kind::literal:
        if (part != s.text) return false;
        break;
      case kind::string:
        if (part.empty()) return false;
        args[s.text] = std::string(part);
        break;
      case kind::integer:
        if (!fits_int64_digits(part)) return false;
        args[s.text] = std::string(part);
        break;
      case kind::path:
        break;
    }
  }
  return parts.size() == segs.size();
}

std::optional<router::match> router::find(std::string_view path, std::string_view method) const {
  const auto parts = split_path(path);
  const rule_entry* best = nullptr;
  std::map<std::string, std::string, std::less<>> best_args;
  for (const auto& r : rules_) {
    std::map<std::string, std::string, std::less<>> args;
    if (!matches(r, parts, path, args)) continue;
    if (best && r.literals <= best->literals) continue;
    best = &r;
    best_args = std::move(args);
  }
  if (!best) return std::nullopt;
  match m;
  m.view_args = std::move(best_args);
  auto h = best->handlers.find(method);
  if (h == best->handlers.end() && method == "HEAD") h = best->handlers.find(std::string_view("GET"));
  if (h != best->handlers.end()) {
    m.handler = &h->second;
    return m;
  }
  for (const auto& [name, fn] : best->handlers) {
    (void)fn;
    if (!m.allowed.empty()) m.allowed += ", ";
    m.allowed += name;
  }
  return m;
}

}  // namespace retort::web::detail
