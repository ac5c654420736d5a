// Statements and parameters as text for logs and messages (echo, fmt's "{}");
// values are shown, never spliced into the SQL that runs.
#include <string>

#include "retort/sql/compiler.hpp"

namespace retort::sql {

namespace {

constexpr std::size_t max_chars = 300;  // SQLAlchemy's _repr_base.max_chars

/// `pos` moved back to the first byte of a UTF-8 sequence, so a cut never splits a character.
std::size_t char_start(const std::string& s, std::size_t pos) {
  while (pos > 0 && pos < s.size() && (static_cast<unsigned char>(s[pos]) & 0xC0) == 0x80) --pos;
  return pos;
}

/// A value's repr, its middle replaced as SQLAlchemy's logs do when it is long.
std::string shortened(const value& v) {
  auto r = v.repr();
  if (r.size() <= max_chars) return r;
  std::size_t half = max_chars / 2;
  auto head = char_start(r, half);
  auto tail = char_start(r, r.size() - half);
  std::size_t omitted = 0;  // characters, not bytes
  for (auto i = head; i < tail; ++i) omitted += (static_cast<unsigned char>(r[i]) & 0xC0) != 0x80;
  return r.substr(0, head) + " ... (" + std::to_string(omitted) + " characters truncated) ... " + r.substr(tail);
}

}  // namespace

std::string describe_params(std::span<const value> params) {
  std::string out = "(";
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i) out += ", ";
    out += shortened(params[i]);
  }
  return out + ")";
}

std::string describe(const compiled& c) {
  if (c.params.empty()) return c.sql;
  return c.sql + "  " + describe_params(c.params);
}

}  // namespace retort::sql
