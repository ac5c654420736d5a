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
    // A NUL would end the statement text where the drivers read it as a C string.
    if (c == '\0')
      throw ArgumentError("identifier contains a NUL byte: '" + std::string(identifier.substr(0, identifier.find('\0'))) +
                          "\\0...'");
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

namespace retort::sql {

void dialect::check_text(const value& v, std::string_view table, std::string_view column) const {
  if (text_holds_nul() || v.kind() != value_kind::text) return;
  auto at = v.text().find('\0');
  if (at == std::string::npos) return;
  database_error_info info;
  info.message = "a text value contains a NUL byte (at offset " + std::to_string(at) + "), which " +
                 std::string(name()) + " text cannot store; it was not sent (store binary data in a blob column)";
  info.table = std::string(table);
  info.column = std::string(column);
  info.sqlstate = "22021";  // character_not_in_repertoire, what the server itself reports for 0x00
  throw DataError(std::move(info));
}

}  // namespace retort::sql
