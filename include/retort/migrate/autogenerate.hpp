// Autogenerate (Alembic's `revision --autogenerate`): compare a model set's
// tables with the database's reflected schema and produce the operations
// that take the database to the models, and back. What cannot be told apart
// safely (a rename without a hint, a changed primary key, changed enum
// labels) is reported in `notes`, never guessed.
#pragma once

#include <string>
#include <vector>

#include "retort/migrate/operations.hpp"

namespace retort::engine {
class connection;
}

namespace retort::migrate {

/// A rename the comparison cannot see: table `table`'s column `from` is now
/// `to`; with `table` empty, table `from` is now table `to`.
struct rename_hint {
  std::string table{};
  std::string from{};
  std::string to{};
};

struct compare_options {
  std::vector<rename_hint> renames{};
  /// Compare server defaults (after normalising the database's spelling:
  /// casts and parentheses off). Alembic's compare_server_default is off by
  /// default; Retort's is on, because a default is part of the schema.
  bool compare_server_default = true;
  /// Tables neither side's changes touch (the version table).
  std::vector<std::string> ignore_tables{"retort_version"};
};

struct comparison {
  std::vector<operation_ptr> upgrade{};    ///< database -> models
  std::vector<operation_ptr> downgrade{};  ///< models -> database
  /// What the operations lose or could not decide, one sentence each.
  std::vector<std::string> notes{};
  bool empty() const noexcept { return upgrade.empty(); }
};

/// The operations that change `database` into `target` (and back) on `d`.
comparison compare(const schema& database, const schema& target, const sql::dialect& d,
                   const compare_options& options = {});
/// The same, with the models' metadata as the target.
comparison compare(const schema& database, const sql::metadata& models, const sql::dialect& d,
                   const compare_options& options = {});

/// The schema of the database `c` is connected to: every user table and native enum.
schema reflect_schema(engine::connection& c);

/// A type as a database spells it, normalised for comparison
/// ("character varying(50)" and "VARCHAR(50)" are both "varchar(50)").
std::string normalize_type(std::string_view spelled);
/// A server default as the database returns it, normalised for comparison
/// ("'x'::character varying" is "'x'").
std::string normalize_default(std::string_view sql);

}  // namespace retort::migrate
