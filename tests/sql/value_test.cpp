// sql::value conversions and value_traits.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

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

// Regressions: the first two found by tests/fuzz/fuzz_sqlite_values, the dates
// read while writing its round-trip check (inputs named in each).

TEST(value, as_int_of_a_real_beyond_int64_is_refused_not_undefined) {
  // Input: REAL -1.7976931348623157e308 (UBSan: outside the range of 'long').
  EXPECT_THROW(value(-1.7976931348623157e308).as_int(), retort::ArgumentError);
  EXPECT_THROW(value(0x1p63).as_int(), retort::ArgumentError);
  EXPECT_THROW(value(HUGE_VAL).as_int(), retort::ArgumentError);
  EXPECT_THROW(value(NAN).as_int(), retort::ArgumentError);
  EXPECT_EQ(value(-0x1p63).as_int(), INT64_MIN);
  EXPECT_EQ(value(9007199254740992.0).as_int(), 9007199254740992);
}

TEST(value, as_double_of_text_that_is_no_number_is_an_argument_error) {
  // Input: numeric "abc" (std::invalid_argument from std::stod escaped).
  EXPECT_THROW(value(retort::numeric{"abc"}).as_double(), retort::ArgumentError);
  EXPECT_THROW(value(retort::numeric{""}).as_double(), retort::ArgumentError);
  EXPECT_THROW(value("12abc").as_double(), retort::ArgumentError);  // was 12: the rest dropped
  EXPECT_DOUBLE_EQ(value("-2.5e3").as_double(), -2500.0);
  EXPECT_TRUE(std::isnan(value(retort::numeric{"NaN"}).as_double()));  // PostgreSQL's numeric NaN
}

TEST(value, dates_parse_the_whole_text_or_nothing) {
  using namespace std::chrono;
  using retort::sql::format_date;
  using retort::sql::parse_date;
  using retort::sql::parse_date_time;
  EXPECT_EQ(parse_date("2020-257-01"), std::nullopt);    // was 2020-01-01: the month wrapped in a byte
  EXPECT_EQ(parse_date("2020-01-257"), std::nullopt);    // the day likewise
  EXPECT_EQ(parse_date("99999-1-1"), std::nullopt);      // was the year -31073
  EXPECT_EQ(parse_date("0044-03-15 BC"), std::nullopt);  // was 44 AD
  EXPECT_EQ(parse_date("2020-01-01xyz"), std::nullopt);
  EXPECT_EQ(parse_date("2020-1-5"), 2020y / January / 5);
  for (retort::date d : {year{10000} / January / 1, year{-1} / March / 1, year{0} / February / 29,
                         year{32767} / December / 31, year{-32767} / January / 1}) {
    EXPECT_EQ(parse_date(format_date(d)), d) << format_date(d);  // 10000-01-01 did not parse back
  }
  auto noon = sys_days{2020y / January / 1} + hours{12};
  EXPECT_EQ(parse_date_time("2020-1-1 12:00:00"), noon);  // was 02:00: the hour was read from offset 11
  EXPECT_EQ(parse_date_time("2020-01-01T12:00:00Z"), noon);
  EXPECT_EQ(parse_date_time("2020-01-01 12:00"), noon);
  EXPECT_EQ(parse_date_time("2020-01-01 11:59:59.9999996"), noon);  // rounded to the microsecond
  EXPECT_EQ(parse_date_time("2020-01-01 12:00:00.5"), noon + milliseconds{500});
  EXPECT_EQ(parse_date_time("2020-01-01 12:99:99"), std::nullopt);   // was 13:40:39
  EXPECT_EQ(parse_date_time("2020-01-01 2147483647:00"), std::nullopt);  // could overflow the sum
  EXPECT_EQ(parse_date_time("2020-01-01 12:00:00+05:00"), std::nullopt);  // an offset is not ignored
  EXPECT_EQ(parse_date_time("2020-01-01 12:00:00 BC"), std::nullopt);
  EXPECT_THROW(value("2020-257-01").as_date(), retort::ArgumentError);
}

namespace {

// sql::value is a tagged union (docs/performance.md, "Compile time"): copies,
// moves and assignments between every pair of kinds keep what std::variant did.
std::vector<value> one_of_each_kind() {
  using namespace std::chrono;
  return {value(),
          value(true),
          value(42),
          value(2.5),
          value(std::string(100, 'x')),  // longer than the small-string buffer
          value(retort::blob{1, 2, 3}),
          value(retort::numeric{"12.50"}),
          value(retort::date{year{2026}, month{12}, day{3}}),
          value(retort::date_time{sys_days{year{2026} / 12 / 3}} + microseconds{5}),
          value(retort::sql::json_text{R"({"a": 1})"}),
          value(*retort::uuid::parse("12345678-1234-5678-1234-567812345678")),
          value(retort::sql::enum_label{"draft"}),
          value(retort::date_time_tz::at(retort::date_time{sys_days{year{2026} / 12 / 3}}, minutes{90}))};
}

}  // namespace

TEST(value, every_kind_copies_moves_and_compares_like_a_variant) {
  const auto kinds = one_of_each_kind();
  ASSERT_EQ(kinds.size(), 13u);
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(kinds[i].kind()), i);
    value copy(kinds[i]);
    EXPECT_EQ(copy, kinds[i]);
    value moved(std::move(copy));
    EXPECT_EQ(moved, kinds[i]);
    EXPECT_EQ(moved.repr(), kinds[i].repr());
    for (std::size_t j = 0; j < kinds.size(); ++j) {
      EXPECT_EQ(kinds[i] == kinds[j], i == j) << kinds[i].repr() << " vs " << kinds[j].repr();
      value target(kinds[j]);
      target = kinds[i];  // copy-assign over every other kind
      EXPECT_EQ(target, kinds[i]);
      value source(kinds[i]);
      value other(kinds[j]);
      other = std::move(source);  // move-assign over every other kind
      EXPECT_EQ(other, kinds[i]);
    }
  }
}

TEST(value, assignment_to_itself_and_from_a_moved_from_value) {
  value v(std::string(64, 'a'));
  const value& same = v;
  v = same;
  EXPECT_EQ(v.text(), std::string(64, 'a'));
  value w(std::move(v));
  EXPECT_EQ(w.text(), std::string(64, 'a'));
  v = w;  // a moved-from value takes a new one
  EXPECT_EQ(v, w);
  // Text over text reuses the buffer; the value is the new one's.
  value t(std::string(80, 'b'));
  t = value(std::string(10, 'c'));
  EXPECT_EQ(t.text(), std::string(10, 'c'));
}

TEST(value, get_if_and_visit_see_the_held_kind) {
  value i(7);
  ASSERT_NE(i.get_if<std::int64_t>(), nullptr);
  EXPECT_EQ(*i.get_if<std::int64_t>(), 7);
  EXPECT_EQ(i.get_if<std::string>(), nullptr);
  value s("hi");
  EXPECT_EQ(*s.get_if<std::string>(), "hi");
  auto name = [](const auto& held) -> std::string {
    using H = std::decay_t<decltype(held)>;
    if constexpr (std::is_same_v<H, std::monostate>) return "null";
    else if constexpr (std::is_same_v<H, std::string>) return "text";
    else if constexpr (std::is_same_v<H, std::int64_t>) return "integer";
    else return "other";
  };
  EXPECT_EQ(value().visit(name), "null");
  EXPECT_EQ(s.visit(name), "text");
  EXPECT_EQ(i.visit(name), "integer");
  EXPECT_EQ(value(1.5).visit(name), "other");
}

TEST(value, an_aware_timestamp_compares_its_instant) {
  using namespace std::chrono;
  auto utc = retort::date_time{sys_days{year{2026} / 12 / 3}};
  EXPECT_EQ(value(retort::date_time_tz{utc, minutes{0}}), value(retort::date_time_tz{utc, minutes{60}}));
  EXPECT_NE(value(retort::date_time_tz{utc, minutes{0}}), value(utc));  // another kind
}
