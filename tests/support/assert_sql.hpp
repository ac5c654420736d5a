// The SQL-assertion kit (SQLAlchemy's testing/assertsql.py): ORM and scenario
// tests state the statements they expect once, in a neutral spelling, and
// compare them with what a statement_recorder saw on either database.
//
// The neutral spelling is SQLite's: `?` placeholders and bare identifiers.
// Recorded SQL is normalised before comparing: PostgreSQL's `$1..$n` become
// `?`, and an identifier the dialect quoted because it is reserved (`"user"`)
// is bare again; string literals are left alone. So
//
//   EXPECT_SQL(rec, {compiled_sql("UPDATE user SET username = ? WHERE user.id = ?").params({"alicia", 1})});
//
// passes on SQLite (`UPDATE user SET ...`) and on PostgreSQL
// (`UPDATE "user" SET username = $1 WHERE "user".id = $2`). Where the SQL truly
// differs per database, say so with dialect_sql() or conditional(caps()...).
//
// A failed assertion prints the reason, the expected statements and every
// recorded one (normalised, raw where it differs, parameters, batch size).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/backend.hpp"

namespace retort::testing {

/// What each database does, as the tests depend on it: one table instead of
/// `postgres() ? ... : ...` scattered through the tests. The dialect-level rows
/// are checked against sql::dialect in assert_sql_test.cpp, so the table cannot
/// drift from the code; the rest describe the database servers themselves.
struct capabilities {
  // How Retort's dialects spell and batch SQL (sql::dialect).
  bool insert_returning;           ///< flush reads generated keys with INSERT ... RETURNING (else the driver's last id)
  bool multirow_insert_returning;  ///< flush batches INSERTs of one shape as multi-row INSERT ... RETURNING
                                   ///< (else executemany: one recorded statement, batch = rows)
  bool returning;                  ///< the dialect compiles RETURNING at all
  bool ilike;                      ///< ILIKE exists (else lower(x) LIKE lower(y))
  bool offset_requires_limit;      ///< OFFSET needs a LIMIT (SQLite: LIMIT -1)
  bool text_holds_nul;             ///< text keeps a NUL byte (else DataError before sending)
  std::size_t max_parameters;      ///< bound parameters per statement
  // What the database itself does.
  bool savepoints;                  ///< SAVEPOINT / ROLLBACK TO SAVEPOINT
  bool text_validates_utf8;         ///< invalid UTF-8 in text is refused (22021)
  bool like_backslash_escape;       ///< LIKE escapes with a backslash unless told otherwise
  bool named_unique_constraints;    ///< IntegrityError::constraint() is the constraint's name (else "UNIQUE")
  bool file_locks;                  ///< one database file, locked by readers and writers
  bool serializable_conflicts;      ///< SERIALIZABLE detects write skew at COMMIT (40001)
  bool server_backends;             ///< a server process per connection, which can be terminated
};

/// The capability row of `b`.
const capabilities& caps(backend b);

/// The normalised, dialect-neutral form of `sql`: `$n` placeholders become
/// `?`, double-quoted identifiers that are plain words become bare, runs of
/// white space become one space. Text inside '...' literals is kept as is.
std::string normalize_sql(std::string_view sql);

/// One rule of an expected statement list: a single statement, or a group
/// (all_of, dialect_sql, conditional). Build with the functions below; the
/// builder methods apply to single statements only.
class sql_rule {
 public:
  struct impl;
  explicit sql_rule(std::shared_ptr<const impl> p) : impl_(std::move(p)) {}

  /// The statement's parameters must be exactly these (for an executemany,
  /// its first parameter row: what statement_recorder keeps).
  sql_rule params(std::vector<sql::value> values) const;
  /// The statement must run with `rows` parameter rows (executemany; 1 otherwise).
  sql_rule batch(std::size_t rows) const;
  /// Appends " RETURNING <columns>" on databases whose flush reads generated
  /// keys back that way (caps().insert_returning), for an INSERT written once.
  sql_rule returning(std::string columns) const;

  const impl& get() const { return *impl_; }

 private:
  std::shared_ptr<const impl> impl_;
};

/// The rule builders live in an inline namespace, so a test file can take just
/// them: `using namespace retort::testing::sql_rules;`.
inline namespace sql_rules {

/// Exactly this statement (after normalising both sides). CompiledSQL.
sql_rule compiled_sql(std::string neutral_sql);
/// A statement that starts with `prefix` ("ROLLBACK TO SAVEPOINT").
sql_rule starts_with(std::string prefix);
/// A statement with this verb on this table, whatever its columns and clauses:
/// INSERT INTO t, UPDATE t, DELETE FROM t, SELECT ... FROM t. For tests that
/// assert only the order of statements. An empty `table` matches any table.
sql_rule verb_table(std::string verb, std::string table = {});
/// The rules, each matching statements that follow one another, in any order
/// (AllOf). Its members must be single statements (or resolve to them).
sql_rule all_of(std::vector<sql_rule> rules);

/// The statements per database, where the SQL genuinely differs. DialectSQL.
struct per_dialect {
  std::vector<sql_rule> sqlite;
  std::vector<sql_rule> postgres;
};
sql_rule dialect_sql(per_dialect rules);
/// `then` if `condition` holds, else `otherwise` (Conditional); the condition
/// is usually a capability: conditional(caps().multirow_insert_returning, ...).
sql_rule conditional(bool condition, std::vector<sql_rule> then, std::vector<sql_rule> otherwise = {});

/// `n` copies of `row` joined by ", ", each `{}` in it replaced by the copy's
/// 0-based index: the VALUES list of a multi-row INSERT.
std::string repeat_rows(std::size_t n, std::string_view row);

}  // namespace sql_rules

/// Success when the statements `rec` recorded are exactly `expected`, in
/// order, none left over. The backend is the recorder's.
::testing::AssertionResult assert_sql(const statement_recorder& rec, const std::vector<sql_rule>& expected);
/// How many recorded statements match `rule` (a single statement).
std::size_t count_matching(const statement_recorder& rec, const sql_rule& rule);

}  // namespace retort::testing

/// EXPECT_SQL(rec, {compiled_sql("..."), verb_table("INSERT", "post")}): the
/// gtest assertion over assert_sql(); ASSERT_SQL stops the test on failure.
#define EXPECT_SQL(rec, ...) EXPECT_TRUE(::retort::testing::assert_sql((rec), __VA_ARGS__))
#define ASSERT_SQL(rec, ...) ASSERT_TRUE(::retort::testing::assert_sql((rec), __VA_ARGS__))
