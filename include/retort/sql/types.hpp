// SQL column types as data: what a column holds, independent of any database.
// Dialects spell them (INTEGER, VARCHAR(50), BYTEA, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace retort::sql {

/// The enumerators of an enum stored by name (value.hpp's enum_names): the
/// labels a column may hold and, on PostgreSQL, the native ENUM type's name.
struct enum_info {
  std::string_view (*class_name)();  ///< the C++ enum's name, without namespaces; null for a runtime enum
  const char* type_name;        ///< the ENUM type's name, or null: the class name lower-cased (SQLAlchemy's)
  std::size_t count;
  std::string_view (*label_of)(std::size_t i);  ///< a mapped enum's labels; null for a runtime enum
  /// A runtime enum's labels (`count` of them): one reflected from a database
  /// or read from a migration file, which owns the strings.
  const std::string* labels = nullptr;
  /// The i-th label.
  std::string_view label(std::size_t i) const { return label_of ? label_of(i) : std::string_view(labels[i]); }
  /// The ENUM type's name: type_name, or class_name lower-cased without separators.
  std::string sql_name() const;
  /// The labels joined by ", " ("draft, published"), for messages.
  std::string names() const;
};

enum class type_kind : std::uint8_t {
  integer,
  big_integer,
  string,  ///< VARCHAR(length); length 0 means unbounded
  text,
  boolean,
  float_,
  double_,
  numeric,  ///< NUMERIC(precision, scale)
  date,
  date_time,  ///< TIMESTAMP; with `timezone`, TIMESTAMP WITH TIME ZONE
  large_binary,
  json,         ///< JSONB on PostgreSQL, TEXT on SQLite
  uuid,         ///< UUID on PostgreSQL, CHAR(32) on SQLite
  enumeration,  ///< a native ENUM on PostgreSQL (`enumeration`), VARCHAR(length) on SQLite
};

/// A column type. Literal type, so mappings can hold it in `constexpr` data.
struct type {
  type_kind kind = type_kind::integer;
  int length = 0;
  int precision = 0;
  int scale = 0;
  bool timezone = false;                  ///< date_time: with time zone (DateTime(timezone=True))
  const enum_info* enumeration = nullptr;  ///< enumeration: the labels

  constexpr bool operator==(const type&) const = default;
  /// Whether a foreign key of this type may reference a column of `other`.
  constexpr bool compatible_with(const type& other) const {
    auto integral = [](type_kind k) { return k == type_kind::integer || k == type_kind::big_integer; };
    auto textual = [](type_kind k) { return k == type_kind::string || k == type_kind::text; };
    if (integral(kind) && integral(other.kind)) return true;
    if (textual(kind) && textual(other.kind)) return true;
    return kind == other.kind;
  }
};

/// Human-readable name of a type kind ("Integer", "String", ...), for messages.
std::string_view kind_name(type_kind kind);

}  // namespace retort::sql

namespace retort {
// SQLAlchemy's spellings, for use in mappings: `retort::String(50)`, `retort::Text`.
// NOLINTBEGIN(readability-identifier-naming)
inline constexpr sql::type Integer{sql::type_kind::integer};
inline constexpr sql::type BigInteger{sql::type_kind::big_integer};
inline constexpr sql::type Text{sql::type_kind::text};
inline constexpr sql::type Boolean{sql::type_kind::boolean};
inline constexpr sql::type Float{sql::type_kind::float_};
inline constexpr sql::type Double{sql::type_kind::double_};
inline constexpr sql::type Date{sql::type_kind::date};
inline constexpr sql::type DateTime{sql::type_kind::date_time};
inline constexpr sql::type LargeBinary{sql::type_kind::large_binary};
/// DateTime(timezone=True): TIMESTAMP WITH TIME ZONE (a retort::date_time_tz member's default).
inline constexpr sql::type DateTimeTZ{sql::type_kind::date_time, 0, 0, 0, true};
inline constexpr sql::type JSON{sql::type_kind::json};
inline constexpr sql::type Uuid{sql::type_kind::uuid};
constexpr sql::type String(int length = 0) { return sql::type{sql::type_kind::string, length}; }
constexpr sql::type Numeric(int precision = 18, int scale = 2) {
  return sql::type{sql::type_kind::numeric, 0, precision, scale};
}
// NOLINTEND(readability-identifier-naming)
}  // namespace retort
