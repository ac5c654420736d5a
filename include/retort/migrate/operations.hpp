// Migration operations (Alembic's `op.*`): one class per kind of schema
// change, each with the same duties - change an in-memory schema, spell the
// statements for a dialect, write its line of a revision file. The runner,
// autogenerate and the revision files only ever talk to this interface.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/sql/dialect.hpp"
#include "retort/sql/schema.hpp"

namespace retort::migrate {

/// A database's schema as a migration sees it: its tables (by name, in the
/// order they were created or reflected) and its native enum types.
class schema {
 public:
  schema() = default;
  /// A copy of `m`'s tables.
  explicit schema(const sql::metadata& m);

  const sql::table* find(std::string_view name) const;
  /// The table `name`; MigrationError naming it (and `what` needs it) when absent.
  const sql::table& at(std::string_view name, std::string_view what) const;
  /// Adds `t`; MigrationError when a table of that name exists.
  void add(sql::table t);
  /// Replaces the table of `t`'s name (which must exist).
  void replace(sql::table t);
  void remove(std::string_view name);
  const std::vector<sql::table>& tables() const noexcept { return tables_; }
  /// The tables as metadata (for create_all-style ordering).
  sql::metadata metadata() const;

  /// Native enum types by name, with their labels.
  std::map<std::string, std::vector<std::string>> enums{};
  /// Whether any column of any table uses the enum type `name`.
  bool uses_enum(std::string_view name) const;

 private:
  std::vector<sql::table> tables_{};
};

/// What an ALTER COLUMN changes; an empty member leaves that property alone.
struct column_change {
  std::optional<std::string> new_name{};
  std::optional<sql::type> type{};
  std::optional<std::string> type_text{};  ///< with `type`: a verbatim spelling (reflected types)
  std::optional<bool> nullable{};
  /// A new server default: a value sets it, an empty optional inside drops it.
  std::optional<std::optional<std::string>> server_default{};
};

/// One step of a revision.
class operation {
 public:
  virtual ~operation() = default;
  /// The table it changes ("" for execute).
  virtual const std::string& table() const = 0;
  /// Applies the change to `s`. Raises MigrationError when it does not fit
  /// (a column that is not there, a table that exists already).
  virtual void apply(schema& s) const = 0;
  /// Whether `d` cannot make this change in place, so that the table is
  /// rebuilt (SQLite: create a new table, copy, drop, rename; Alembic's batch mode).
  virtual bool needs_rebuild(const sql::dialect& d) const {
    (void)d;
    return false;
  }
  /// The statements that make the change in place on `d`, given the schema
  /// before it (not called when needs_rebuild(d)).
  virtual std::vector<std::string> statements(const sql::dialect& d, const schema& before) const = 0;
  /// Appends its text form (one line, or a block for create_table), indented by `indent`.
  virtual void write(std::string& out, std::string_view indent) const = 0;
  /// A one-line description for progress output and errors ("add column user.bio").
  virtual std::string describe() const = 0;
  /// Whether it drops data (a table or a column): autogenerate's report names these.
  virtual bool destructive() const { return false; }
  /// A column rename it makes (old name, new name), for a rebuild's row copy.
  virtual std::optional<std::pair<std::string, std::string>> renamed_column() const { return std::nullopt; }
};

using operation_ptr = std::shared_ptr<const operation>;

/// The operations, as Alembic's op module names them.
namespace op {
operation_ptr create_table(sql::table t);
operation_ptr drop_table(std::string table);
operation_ptr rename_table(std::string table, std::string new_name);
operation_ptr add_column(std::string table, sql::column c);
operation_ptr drop_column(std::string table, std::string column);
operation_ptr alter_column(std::string table, std::string column, column_change change);
operation_ptr create_index(std::string table, sql::index i);
operation_ptr drop_index(std::string table, std::string name);
operation_ptr add_unique(std::string table, sql::unique_constraint u);
/// By name, or (name empty) by its columns.
operation_ptr drop_unique(std::string table, sql::unique_constraint u);
operation_ptr add_foreign_key(std::string table, sql::foreign_key fk);
/// By name, or (name empty) by its columns and referenced table.
operation_ptr drop_foreign_key(std::string table, sql::foreign_key fk);
operation_ptr add_check(std::string table, sql::check_constraint c);
operation_ptr drop_check(std::string table, std::string name);
/// SQL written by the developer (a data migration): run as given.
operation_ptr execute(std::string sql);
}  // namespace op

/// The statements a sequence of operations runs on `d`, starting from schema
/// `s` (which ends as the schema after them). Consecutive operations on one
/// table that `d` cannot make in place are grouped into one rebuild of the
/// table; `rebuilt` (when given) receives the names of the rebuilt tables.
std::vector<std::string> plan_statements(const std::vector<operation_ptr>& ops, const sql::dialect& d, schema& s,
                                         std::vector<std::string>* rebuilt = nullptr);

/// The statements that rebuild table `before` as `after` on `d` (SQLite's
/// batch mode): CREATE the new table under a temporary name, copy the rows
/// of the columns both have (`renamed` maps old column names to new ones),
/// DROP the old table, RENAME the new one, recreate its indexes.
std::vector<std::string> rebuild_table(const sql::table& before, const sql::table& after,
                                       const std::map<std::string, std::string>& renamed, const sql::dialect& d);

/// Parses the text form of a block of operations (the lines of a revision
/// file's upgrade or downgrade section). `where` names the file for errors;
/// `first_line` is the block's first line number in it. Raises MigrationError
/// naming file and line.
std::vector<operation_ptr> parse_operations(std::string_view text, std::string_view where, int first_line);

/// A column's text form (`bio String(200) not_null default "''"`), and back.
std::string write_column(const sql::column& c);
/// The text form of a type (`String(50)`, `Numeric(10, 2)`, `Enum(status, "a", "b")`, `Type("inet")`).
std::string write_type(const sql::type& t, const std::string& type_text);

/// The enum type a column uses, or "" (a mapped enum's SQL name, or a reflected one's type).
std::string enum_of(const sql::column& c);
/// An enum_info for labels read at run time; the same (name, labels) gives the same pointer, which lives as long as the program.
const sql::enum_info* runtime_enum(const std::string& name, const std::vector<std::string>& labels);

}  // namespace retort::migrate
