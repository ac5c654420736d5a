// Private: the column an ORM statement's value names, for dml.cpp (UPDATE's
// values()) and bulk_insert.cpp (value rows, an upsert's SET).
#pragma once

#include <string_view>

#include "retort/orm/mapper.hpp"

namespace retort::orm {

/// The column `name` stands for: a member name, else a column name (SQLAlchemy's
/// `values({"fullname": ...})` accepts either); null when it is neither.
inline const column_property* assignment_target(const mapper& m, std::string_view name) {
  if (auto* c = m.find_column(name)) return c;
  for (const auto& c : m.columns)
    if (c.column.name == name) return &c;
  return nullptr;
}

}  // namespace retort::orm
