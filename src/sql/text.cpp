// Parsing a text()'s named parameters once, compiling to a dialect's placeholders.
#include "retort/sql/text.hpp"

#include <algorithm>

#include "retort/util/error.hpp"

namespace retort::sql {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

text::text(std::string sql) : sql_(std::move(sql)) {
  if (sql_.find('\0') != std::string::npos) throw ArgumentError("text(): the SQL contains a NUL byte");
  std::string literal;
  for (std::size_t i = 0; i < sql_.size(); ++i) {
    const char c = sql_[i];
    if (c == '\'' || c == '"') {  // a quoted literal or identifier: copied whole ('' and "" stay inside)
      std::size_t j = i + 1;
      for (;; ++j) {
        if (j >= sql_.size())
          throw ArgumentError(std::string("text(): unterminated ") + (c == '\'' ? "string literal" : "quoted identifier") +
                              " starting at offset " + std::to_string(i));
        if (sql_[j] == c) {
          if (j + 1 < sql_.size() && sql_[j + 1] == c) {
            ++j;
            continue;
          }
          break;
        }
      }
      literal.append(sql_, i, j - i + 1);
      i = j;
      continue;
    }
    if (c == '\\' && i + 1 < sql_.size() && sql_[i + 1] == ':') {  // \: is a literal colon
      literal += ':';
      ++i;
      continue;
    }
    if (c == ':' && i + 1 < sql_.size() && sql_[i + 1] == ':') {  // a cast: x::int
      literal += "::";
      ++i;
      continue;
    }
    const bool starts = c == ':' && (i == 0 || !word_char(sql_[i - 1])) && i + 1 < sql_.size() &&
                        word_char(sql_[i + 1]);
    if (!starts) {
      literal += c;
      continue;
    }
    std::size_t j = i + 1;
    while (j < sql_.size() && word_char(sql_[j])) ++j;
    std::string name = sql_.substr(i + 1, j - i - 1);
    auto it = std::find(names_.begin(), names_.end(), name);
    std::size_t index = static_cast<std::size_t>(it - names_.begin());
    if (it == names_.end()) names_.push_back(std::move(name));
    pieces_.push_back({std::move(literal), index});
    literal.clear();
    i = j - 1;
  }
  pieces_.push_back({std::move(literal), std::string::npos});
  values_.resize(names_.size());
}

text& text::bind(const std::string& name, value v) {
  auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end())
    throw ArgumentError("text(): this statement has no bound parameter named '" + name + "'" +
                        (names_.empty() ? std::string(" (it has none)") : ""));
  values_[static_cast<std::size_t>(it - names_.begin())] = std::move(v);
  return *this;
}

text& text::bind(const named_values& values) {
  for (const auto& [name, v] : values) bind(name, v);
  return *this;
}

compiled text::compile(const dialect& d) const {
  std::string missing;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (!values_[i]) missing += (missing.empty() ? "'" : ", '") + names_[i] + "'";
  if (!missing.empty()) throw ArgumentError("text(): a value is required for bound parameter " + missing);
  compiled out;
  out.sql.reserve(sql_.size() + 8);
  for (const auto& p : pieces_) {
    out.sql += p.literal;
    if (p.param == std::string::npos) break;
    d.placeholder(out.sql, out.params.size() + 1);
    out.params.push_back(*values_[p.param]);
  }
  return out;
}

}  // namespace retort::sql
