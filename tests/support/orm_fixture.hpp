// Base fixture of ORM tests: a fresh database per test on the parameter's
// backend, with every fixture table created, a statement recorder, and the
// SQL-assertion kit (EXPECT_SQL, compiled_sql, ...; support/assert_sql.hpp).
#pragma once

#include <memory>
#include <optional>

#include "support/assert_sql.hpp"
#include "support/backend.hpp"
#include "support/models.hpp"

namespace retort::testing {

class orm_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    db_.emplace(url_);
    db_->create_all();
  }
  void TearDown() override {
    recorder_.reset();
    db_.reset();
  }

  retort::database& db() { return *db_; }
  retort::session session() { return db_->session(); }
  /// Starts recording statements (transaction control left out).
  statement_recorder& record() {
    recorder_ = std::make_unique<statement_recorder>(db_->engine());
    return *recorder_;
  }
  bool postgres() const { return GetParam() == backend::postgres; }
  /// What this test's database does (support/assert_sql.hpp); prefer it to postgres().
  const capabilities& caps() const { return testing::caps(GetParam()); }

  std::string url_;
  std::optional<retort::database> db_;
  std::unique_ptr<statement_recorder> recorder_;
};

}  // namespace retort::testing

#define RETORT_ORM_SUITE(name) \
  INSTANTIATE_TEST_SUITE_P(, name, ::testing::ValuesIn(retort::testing::all_backends()), retort::testing::backend_param_name)
