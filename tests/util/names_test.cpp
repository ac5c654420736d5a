// Names from the compiler and snake_case table names.
#include <gtest/gtest.h>

#include "retort/util/names.hpp"

namespace {

struct PostTag {
  int post_id;
};
namespace inner {
struct OrderItem {};
}  // namespace inner

TEST(names, snake_case_follows_flask_sqlalchemy) {
  using retort::util::snake_case;
  EXPECT_EQ(snake_case("User"), "user");
  EXPECT_EQ(snake_case("PostTag"), "post_tag");
  EXPECT_EQ(snake_case("HTTPRequest"), "http_request");
  EXPECT_EQ(snake_case("ns::OrderItem"), "order_item");
  EXPECT_EQ(snake_case("already_snake"), "already_snake");
  EXPECT_EQ(snake_case("Address2"), "address2");
}

TEST(names, type_and_member_names_come_from_the_compiler) {
  EXPECT_EQ(retort::util::type_name<PostTag>(), "PostTag");
  EXPECT_EQ(retort::util::type_name<inner::OrderItem>(), "OrderItem");
  EXPECT_EQ(retort::util::member_name<&PostTag::post_id>(), "post_id");
}

}  // namespace
