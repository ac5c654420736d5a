// Identifier quoting shared by all dialects: quote only where needed, so SQL
// stays readable in logs and tests, and always where the name is reserved.
#include "retort/sql/dialect.hpp"

#include <string>

#include "retort/util/error.hpp"

namespace retort::sql {

namespace {
bool plain_word(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}
}  // namespace

void dialect::append_identifier(std::string& out, std::string_view identifier) const {
  // Both databases read SQL text only up to a NUL byte: the statement would end
  // inside this identifier.
  if (identifier.find('\0') != std::string_view::npos)
    throw ArgumentError("identifier \"" + std::string(identifier.substr(0, identifier.find('\0'))) +
                        "\\0...\" contains a NUL byte");
  if (plain_word(identifier) && !is_reserved(identifier)) {
    out += identifier;
    return;
  }
  out += '"';
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string dialect::quote(std::string_view identifier) const {
  std::string out;
  append_identifier(out, identifier);
  return out;
}

}  // namespace retort::sql
