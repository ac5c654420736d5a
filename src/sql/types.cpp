// Names of SQL type kinds for error messages; an enum type's SQL name.
#include "retort/sql/types.hpp"

namespace retort::sql {

std::string_view kind_name(type_kind kind) {
  switch (kind) {
    case type_kind::integer: return "Integer";
    case type_kind::big_integer: return "BigInteger";
    case type_kind::string: return "String";
    case type_kind::text: return "Text";
    case type_kind::boolean: return "Boolean";
    case type_kind::float_: return "Float";
    case type_kind::double_: return "Double";
    case type_kind::numeric: return "Numeric";
    case type_kind::date: return "Date";
    case type_kind::date_time: return "DateTime";
    case type_kind::large_binary: return "LargeBinary";
    case type_kind::json: return "JSON";
    case type_kind::uuid: return "Uuid";
    case type_kind::enumeration: return "Enum";
  }
  return "?";
}

std::string enum_info::sql_name() const {
  if (type_name) return type_name;
  std::string out;
  if (!class_name) return out;
  for (char c : class_name())
    if (c >= 'A' && c <= 'Z') out += static_cast<char>(c - 'A' + 'a');
    else out += c;
  return out;
}

std::string enum_info::names() const {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out += ", ";
    out += label(i);
  }
  return out;
}

}  // namespace retort::sql
