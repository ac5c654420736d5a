// JSON columns of nlohmann::json members (SQLAlchemy's JSON type): `jsonb` on
// PostgreSQL, TEXT on SQLite. Its own header, so that only the code that maps
// a JSON member compiles nlohmann's.
//
//   #include <retort/sql/json.hpp>
//   struct Event { int id = 0; nlohmann::json payload; };
//   retort::column<&Event::payload>()   // JSONB / TEXT, NOT NULL; std::optional<nlohmann::json> for NULL
//
// A document changed in place (`event->payload["seen"] = true`) is written by
// the next flush: the session compares the document with the one it loaded.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "retort/sql/value.hpp"
#include "retort/util/error.hpp"

namespace retort::sql {

[[noreturn]] void json_not_a_document(const value& v, const char* why);

/// nlohmann::json and its ordered_json: written as compact text (`dump()`), read
/// by parsing what the column holds. A JSON `null` document is the text
/// "null"; an empty std::optional is SQL NULL (SQLAlchemy's none_as_null=False
/// for a None document, JSON.NULL / null() for the SQL NULL).
template <class J>
  requires nlohmann::detail::is_basic_json<J>::value
struct value_traits<J> {
  static constexpr type sql_type{type_kind::json};
  static value to(const J& j) {
    try {
      return value(json_text{j.dump()});
    } catch (const nlohmann::json::exception& e) {  // a string that is not UTF-8
      throw ArgumentError(std::string("a JSON document cannot be written: ") + e.what());
    }
  }
  static J from(const value& v) {
    if (v.kind() != value_kind::json && v.kind() != value_kind::text) json_not_a_document(v, "not text");
    try {
      return J::parse(v.json());
    } catch (const nlohmann::json::exception& e) {
      json_not_a_document(v, e.what());
    }
  }
};

}  // namespace retort::sql
