// The error hierarchy and how database errors describe themselves.
#include <gtest/gtest.h>

#include "retort/util/error.hpp"

namespace {

TEST(errors, database_errors_are_errors) {
  retort::database_error_info info{"UNIQUE constraint failed", "user", "username", "UNIQUE", "2067", "INSERT ..."};
  try {
    throw retort::IntegrityError(info);
  } catch (const retort::DatabaseError& e) {
    EXPECT_EQ(e.table(), "user");
    EXPECT_EQ(e.column(), "username");
    EXPECT_EQ(e.constraint(), "UNIQUE");
  }
  EXPECT_THROW(throw retort::NoResultFound("x"), retort::InvalidRequestError);
  EXPECT_THROW(throw retort::PendingRollbackError("x"), retort::Error);
  EXPECT_THROW(throw retort::ConfigurationError("x"), retort::Error);
}

TEST(errors, describe_names_every_known_part) {
  retort::database_error_info info{"boom", "post", "title", "NOT NULL", "23502", "INSERT INTO post"};
  auto text = retort::describe(info);
  EXPECT_EQ(text, "boom [table: post] [column: title] [constraint: NOT NULL] [sqlstate: 23502] [SQL: INSERT INTO post]");
  EXPECT_EQ(retort::describe({"only message", "", "", "", "", ""}), "only message");
}

}  // namespace
