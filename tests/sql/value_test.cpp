// sql::value conversions and value_traits.
#include <gtest/gtest.h>

#include "retort/sql/value.hpp"
#include "retort/util/error.hpp"

namespace {

using retort::sql::value;
using retort::sql::value_kind;

TEST(value, construction_picks_the_kind) {
  EXPECT_EQ(value(5).kind(), value_kind::integer);
  EXPECT_EQ(value("x").kind(), value_kind::text);
  EXPECT_EQ(value(true).kind(), value_kind::boolean);
  EXPECT_EQ(value(2.5).kind(), value_kind::real);
  EXPECT_TRUE(value().is_null());
  EXPECT_TRUE(value(std::nullopt).is_null());
}

TEST(value, lenient_conversions_for_database_storage) {
  EXPECT_TRUE(value(std::int64_t{1}).as_bool());
  EXPECT_FALSE(value("f").as_bool());
  EXPECT_TRUE(value("t").as_bool());
  EXPECT_EQ(value(3.0).as_int(), 3);
  EXPECT_EQ(value("42").as_int(), 42);
  EXPECT_DOUBLE_EQ(value(retort::numeric{"12.50"}).as_double(), 12.5);
  EXPECT_EQ(value(12.5).as_numeric().text, "12.5");
  EXPECT_EQ(value(7).as_numeric().text, "7");
}

TEST(value, bad_conversions_raise_argument_error) {
  EXPECT_THROW(value("abc").as_int(), retort::ArgumentError);
  EXPECT_THROW(value(2.5).as_int(), retort::ArgumentError);
  EXPECT_THROW(value().as_string(), retort::ArgumentError);
  EXPECT_THROW(value(1).bytes(), retort::ArgumentError);
  EXPECT_THROW(value("2024-13-45").as_date(), retort::ArgumentError);
}

TEST(value, dates_and_timestamps_round_trip_as_iso_text) {
  using namespace std::chrono;
  retort::date d = 2024y / February / 29;
  EXPECT_EQ(retort::sql::format_date(d), "2024-02-29");
  EXPECT_EQ(value("2024-02-29").as_date(), d);
  retort::date_time t = sys_days{d} + hours{23} + minutes{59} + seconds{58} + microseconds{999999};
  EXPECT_EQ(retort::sql::format_date_time(t), "2024-02-29 23:59:58.999999");
  EXPECT_EQ(value("2024-02-29 23:59:58.999999").as_date_time(), t);
  EXPECT_EQ(value("2024-02-29 23:59:58").as_date_time(), sys_days{d} + hours{23} + minutes{59} + seconds{58});
  EXPECT_EQ(value("2024-02-29").as_date_time(), retort::date_time(sys_days{d}));
}

TEST(value, traits_map_members_to_values_and_back) {
  using retort::sql::value_traits;
  EXPECT_TRUE(value_traits<std::optional<int>>::to(std::nullopt).is_null());
  EXPECT_EQ(value_traits<std::optional<int>>::from(value()), std::nullopt);
  EXPECT_EQ(value_traits<std::optional<int>>::from(value(4)), 4);
  EXPECT_EQ(value_traits<int>::sql_type.kind, retort::sql::type_kind::integer);
  EXPECT_EQ(value_traits<std::int64_t>::sql_type.kind, retort::sql::type_kind::big_integer);
  EXPECT_EQ(value_traits<bool>::from(value(std::int64_t{0})), false);
  EXPECT_EQ(value_traits<retort::blob>::from(value(retort::blob{1, 2})), (retort::blob{1, 2}));
  EXPECT_EQ(retort::sql::to_value("lit").text(), "lit");
}

TEST(value, repr_is_for_logs) {
  EXPECT_EQ(value("a").repr(), "'a'");
  EXPECT_EQ(value().repr(), "NULL");
  EXPECT_EQ(value(retort::blob{1, 2, 3}).repr(), "<3 bytes>");
}

}  // namespace

namespace {

TEST(value, same_value_agrees_with_value_traits) {
  using retort::sql::same_value;
  using retort::sql::value;
  EXPECT_TRUE(same_value(std::string("a"), value("a")));
  EXPECT_FALSE(same_value(std::string("a"), value("b")));
  EXPECT_FALSE(same_value(std::string("1"), value(1)));
  EXPECT_TRUE(same_value(7, value(7)));
  EXPECT_FALSE(same_value(7, value(7.0)));
  EXPECT_TRUE(same_value(true, value(true)));
  EXPECT_TRUE(same_value(std::optional<int>(), value()));
  EXPECT_FALSE(same_value(std::optional<int>(3), value()));
  EXPECT_TRUE(same_value(std::optional<std::string>("x"), value("x")));
  EXPECT_TRUE(same_value(2.5, value(2.5)));
  EXPECT_TRUE(same_value(retort::blob{1}, value(retort::blob{1})));
}

}  // namespace
