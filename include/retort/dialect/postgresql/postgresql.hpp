// PostgreSQL backend: the dialect (how PostgreSQL spells SQL) and the entry
// point that registers the libpq driver under the "postgresql" URL scheme.
// The driver lives in src/dialect/postgresql/driver.cpp, the only file that
// includes libpq-fe.h.
#pragma once

#include "retort/sql/dialect.hpp"

namespace retort::postgresql {

class dialect final : public sql::dialect {
 public:
  std::string_view name() const override { return "postgresql"; }
  bool is_reserved(std::string_view word) const override;
  void placeholder(std::string& out, std::size_t index) const override;
  std::string type_name(const sql::type& t) const override;
  std::string autoincrement_type(const sql::type& t) const override;
  bool supports_returning() const override { return true; }
  bool text_holds_nul() const override { return false; }
  bool prefers_multirow_insert() const override { return true; }
  std::size_t max_parameters() const override { return 65535; }
  bool offset_requires_limit() const override { return false; }
  bool has_ilike() const override { return true; }
  bool alters_foreign_keys() const override { return true; }
  bool native_enum() const override { return true; }
  std::string create_enum(const sql::enum_info& e, bool if_not_exists) const override;
  std::string unless_constraint_exists(std::string_view table, std::string_view name,
                                       std::string statement) const override;
};

/// Registers the libpq driver for "postgresql://" (and "postgres://") URLs. Idempotent.
void register_backend();

}  // namespace retort::postgresql
