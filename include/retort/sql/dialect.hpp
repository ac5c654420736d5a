// How SQL is spelled for one database: identifier quoting, placeholders, type
// names, DDL details. Pure spelling: no I/O. Each database folder implements it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "retort/sql/schema.hpp"
#include "retort/sql/value.hpp"

namespace retort::sql {

class dialect {
 public:
  virtual ~dialect() = default;

  /// "sqlite", "postgresql".
  virtual std::string_view name() const = 0;
  /// Whether `word` (lower-case) is reserved and must be quoted as an identifier.
  virtual bool is_reserved(std::string_view word) const = 0;
  /// Appends the placeholder for the `index`-th parameter (1-based).
  virtual void placeholder(std::string& out, std::size_t index) const = 0;
  /// Column type as DDL spells it (VARCHAR(50), BYTEA, ...).
  virtual std::string type_name(const type& t) const = 0;
  /// Type of an autoincrementing integer primary key column (SQLite: INTEGER; PostgreSQL: SERIAL).
  virtual std::string autoincrement_type(const type& t) const = 0;
  /// Whether INSERT/UPDATE/DELETE ... RETURNING is available.
  virtual bool supports_returning() const = 0;
  /// Whether flush should batch inserts as one multi-row INSERT ... RETURNING.
  virtual bool prefers_multirow_insert() const = 0;
  /// Most bound parameters one statement may carry.
  virtual std::size_t max_parameters() const = 0;
  /// SQLite cannot say OFFSET without LIMIT (it needs LIMIT -1).
  virtual bool offset_requires_limit() const = 0;
  /// Whether a text value may contain a NUL byte (PostgreSQL's text cannot).
  virtual bool text_holds_nul() const { return true; }
  /// Whether a transaction's BEGIN waits for its first statement that is not a
  /// SELECT (pysqlite's transaction control, which SQLAlchemy's SQLite users
  /// see): reads before the first write run outside a transaction, so a
  /// session that reads and then writes never holds a stale read snapshot that
  /// SQLite refuses to turn into a write ("database is locked").
  virtual bool defers_begin() const { return false; }

  /// Raises DataError naming `table`.`column` (either may be empty) when `v` is
  /// text this database cannot store whole: a NUL byte in PostgreSQL text.
  /// Called before the value is sent; blobs keep NUL bytes.
  void check_text(const value& v, std::string_view table, std::string_view column) const;
  /// Whether ILIKE exists (PostgreSQL); elsewhere ilike() compiles to lower(x) LIKE lower(y).
  virtual bool has_ilike() const = 0;
  /// Whether a foreign key can be added to an existing table (ALTER TABLE ... ADD
  /// CONSTRAINT): create_all then adds the keys of tables that refer to each other
  /// after creating them. SQLite cannot, and needs not: it checks references only at write.
  virtual bool alters_foreign_keys() const { return false; }
  /// `statement` (an ALTER TABLE adding constraint `name` to `table`), made a no-op
  /// when the constraint exists already (for create_all's "only what is missing").
  virtual std::string unless_constraint_exists(std::string_view table, std::string_view name,
                                               std::string statement) const {
    (void)table;
    (void)name;
    return statement;
  }

  /// Whether an enum stored by name is a type of its own (PostgreSQL's CREATE
  /// TYPE ... AS ENUM) that create_all creates before the tables and drop_all
  /// drops after them; elsewhere it is VARCHAR.
  virtual bool native_enum() const { return false; }
  /// CREATE TYPE for `e` (native_enum() only); `if_not_exists` makes it a no-op when the type exists.
  virtual std::string create_enum(const enum_info& e, bool if_not_exists) const {
    (void)e;
    (void)if_not_exists;
    return {};
  }

  /// Quotes `identifier` if it is reserved, not all lower-case, or not a plain word.
  std::string quote(std::string_view identifier) const;
  /// Appends `identifier`, quoted if needed.
  void append_identifier(std::string& out, std::string_view identifier) const;
};

}  // namespace retort::sql
