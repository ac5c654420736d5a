// Reflection: what a database's catalog says its schema is (SQLAlchemy's
// Inspector). Tables, columns (type, nullability, default), primary keys,
// foreign keys with their actions, unique constraints, indexes and CHECK
// constraints, as the same sql::table data the mappings produce, so a
// reflected schema compares with a model set's and compiles back to DDL.
// Each backend reads its own catalog (SQLite's PRAGMAs and sqlite_schema,
// PostgreSQL's pg_catalog) through a reflector it registers by dialect name.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "retort/sql/schema.hpp"

namespace retort::engine {

class connection;
class engine;

/// A native enum type (PostgreSQL's CREATE TYPE ... AS ENUM): name and labels in order.
struct reflected_enum {
  std::string name{};
  std::vector<std::string> labels{};
};

/// One backend's catalog queries. Implementations live with their dialect
/// (src/dialect/<name>/reflect.cpp) and are registered by dialect name.
class reflector {
 public:
  virtual ~reflector() = default;
  /// The user tables, sorted by name (no internal tables: sqlite_*, pg_catalog, ...).
  virtual std::vector<std::string> table_names(connection& c) const = 0;
  /// Whether a user table `name` exists.
  virtual bool has_table(connection& c, std::string_view name) const = 0;
  /// The table `name`: columns in their order, each with `type_text` (the
  /// catalog's spelling), `sql_type` (the closest retort type), nullability,
  /// server default text, primary key and autoincrement; foreign keys, unique
  /// constraints, indexes (not those backing a constraint) and CHECKs with
  /// their names. Raises NoSuchTableError when there is no such table.
  virtual sql::table table(connection& c, std::string_view name) const = 0;
  /// The native enum types (empty where the backend has none).
  virtual std::vector<reflected_enum> enums(connection& c) const { (void)c; return {}; }
};

/// Makes `r` the reflector for engines whose dialect is named `dialect_name`.
void register_reflector(const std::string& dialect_name, std::shared_ptr<const reflector> r);

/// SQLAlchemy's inspect(engine): reflection over one connection.
class inspector {
 public:
  /// Reads through `c` (inside its transaction, if one is open). Raises
  /// ArgumentError when no reflector is registered for the connection's dialect.
  explicit inspector(connection& c);

  std::vector<std::string> table_names() const;
  bool has_table(std::string_view name) const;
  /// One table; NoSuchTableError naming it when absent.
  sql::table table(std::string_view name) const;
  /// Every user table (or only those named), as metadata.
  sql::metadata reflect() const;
  sql::metadata reflect(const std::vector<std::string>& only) const;
  std::vector<reflected_enum> enums() const;

 private:
  connection* conn_;
  std::shared_ptr<const reflector> impl_;
};

}  // namespace retort::engine
