// Message rendering for the error hierarchy.
#include "retort/util/error.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>
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

std::string error_class_name(const std::exception& e) {
  const char* mangled = typeid(e).name();
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> demangled(abi::__cxa_demangle(mangled, nullptr, nullptr, &status),
                                                         &std::free);
  std::string name = status == 0 && demangled ? demangled.get() : mangled;
  // Namespaces off, template arguments kept: the last "::" outside angle brackets.
  std::size_t depth = 0, start = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '<') ++depth;
    if (name[i] == '>' && depth) --depth;
    if (depth == 0 && name.compare(i, 2, "::") == 0) start = i + 2;
  }
  return name.substr(start);
}

}  // namespace retort
