// Test support: the databases every engine and ORM test runs against, and a
// statement recorder for asserting emitted SQL (with support/assert_sql.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "retort/engine/engine.hpp"

namespace retort::testing {

enum class backend { sqlite, postgres };

/// Both backends, for INSTANTIATE_TEST_SUITE_P.
std::vector<backend> all_backends();
/// "sqlite" / "postgres": the suffix of parameterized test names (ctest filters on it).
std::string backend_name(backend b);
/// For INSTANTIATE_TEST_SUITE_P's name generator.
std::string backend_param_name(const ::testing::TestParamInfo<backend>& info);

/// The URL of an empty database on `b`, new for each call: SQLite, a fresh file in a
/// temporary directory; PostgreSQL, a fresh schema on $RETORT_TEST_POSTGRES_URL
/// (selected through the URL's `options=-csearch_path=...`).
/// Returns "" when PostgreSQL is not configured (the caller skips; under CI=true it fails).
std::string fresh_url(backend b);

/// Registers both drivers (the ORM's database does this itself).
void register_backends();

/// Whether this is a CI run (CI set, and not to "0" or "false"): a missing server
/// fails instead of skipping.
bool under_ci();

/// std::system(command), but the child inherits none of this process's file
/// descriptors beyond 0-2. For pg_ctl start: the server would otherwise keep
/// whatever the test inherited - a `flock` lock held around the test run, for
/// one, stays held for as long as that server lives.
int run_without_inherited_fds(const std::string& command);

/// Records the statements an engine runs, leaving out transaction control.
/// Assert on what it saw with support/assert_sql.hpp (EXPECT_SQL, count_matching).
class statement_recorder {
 public:
  explicit statement_recorder(engine::engine& e, bool include_control = false);
  ~statement_recorder();
  statement_recorder(const statement_recorder&) = delete;
  statement_recorder& operator=(const statement_recorder&) = delete;

  struct entry {
    std::string sql;
    std::vector<sql::value> params;
    std::size_t batch;
  };
  const std::vector<entry>& entries() const { return entries_; }
  std::size_t count() const { return entries_.size(); }
  std::vector<std::string> sql() const;
  /// The database the recorded engine talks to.
  backend database() const { return backend_; }
  void clear() { entries_.clear(); }

 private:
  engine::engine engine_;
  backend backend_;
  std::uint64_t id_;
  std::vector<entry> entries_;
};

}  // namespace retort::testing

/// Skips (or under CI fails) a PostgreSQL test when no server is configured.
/// The text a skipped PostgreSQL test prints; ctest's SKIP_REGULAR_EXPRESSION
/// matches it (tests/CMakeLists.txt), so no failure message may contain it.
#define RETORT_NO_SERVER_SKIP "[retort-skip: no PostgreSQL server configured]"

/// Skips (or under CI fails) a PostgreSQL test when no server is configured.
#define RETORT_REQUIRE_URL(url)                                                                  \
  do {                                                                                            \
    if ((url).empty()) {                                                                          \
      if (retort::testing::under_ci()) FAIL() << "CI is set but RETORT_TEST_POSTGRES_URL is empty"; \
      GTEST_SKIP() << RETORT_NO_SERVER_SKIP " set RETORT_TEST_POSTGRES_URL, or run scripts/test";  \
    }                                                                                             \
  } while (0)
