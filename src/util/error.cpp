// Message rendering for the error hierarchy.
#include "retort/util/error.hpp"

#include <utility>

namespace retort {

std::string describe(const database_error_info& info) {
  std::string out = info.message;
  auto part = [&](const char* label, const std::string& v) {
    if (!v.empty()) out += std::string(" [") + label + ": " + v + "]";
  };
  part("table", info.table);
  part("column", info.column);
  part("constraint", info.constraint);
  part("sqlstate", info.sqlstate);
  part("SQL", info.statement);
  return out;
}

DatabaseError::DatabaseError(database_error_info info)
    : Error(describe(info)), info_(std::move(info)) {}

}  // namespace retort
