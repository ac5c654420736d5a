// SQLite backend: the dialect (how SQLite spells SQL) and the entry point that
// registers the driver under the "sqlite" URL scheme. The driver itself lives
// in src/dialect/sqlite/driver.cpp, the only file that includes sqlite3.h.
#pragma once

#include "retort/sql/dialect.hpp"

namespace retort::sqlite {

class dialect final : public sql::dialect {
 public:
  std::string_view name() const override { return "sqlite"; }
  bool is_reserved(std::string_view word) const override;
  void placeholder(std::string& out, std::size_t index) const override;
  std::string type_name(const sql::type& t) const override;
  std::string autoincrement_type(const sql::type& t) const override;
  bool supports_returning() const override { return true; }
  bool prefers_multirow_insert() const override { return false; }
  std::size_t max_parameters() const override { return 32766; }
  bool offset_requires_limit() const override { return true; }
  bool defers_begin() const override { return true; }
  bool has_ilike() const override { return false; }
};

/// Registers the SQLite driver for "sqlite://" URLs. Idempotent.
void register_backend();

}  // namespace retort::sqlite
