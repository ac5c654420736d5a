// The PostgreSQL driver's cell decoders (src/dialect/postgresql/decode.cpp),
// without a server: bytea against libpq's own unescaping, and what the strict
// date and offset parsing changed (inputs named in each).
#include <gtest/gtest.h>
#include <libpq-fe.h>  // a test: libpq is the reference for bytea

#include <cstring>

#include "dialect/postgresql/decode.hpp"

namespace {

namespace pg = retort::postgresql::detail;
using retort::sql::value;
using retort::sql::value_kind;

value decode(const std::string& s, unsigned int oid) { return pg::decode(s.c_str(), static_cast<int>(s.size()), oid); }

TEST(postgresql_decode, bytea_is_unescaped_as_libpq_does) {
  for (const char* s : {"", "abc", "\\\\", "a\\\\b", "\\001\\377", "\\400", "\\08", "\\x", "\\", "x\\", "\\\\x41",
                        "\\x0aff", "\\xDEADbeef", "\\1234"}) {
    std::size_t n = 0;
    unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(s), &n);
    ASSERT_NE(raw, nullptr);
    retort::blob expected(raw, raw + n);
    PQfreemem(raw);
    EXPECT_EQ(pg::decode_bytea(s), expected) << s;
  }
}

TEST(postgresql_decode, timestamptz_offsets_are_taken_off) {
  using namespace std::chrono;
  auto t = sys_days{2020y / January / 1} + hours{3} + minutes{4} + seconds{5};
  EXPECT_EQ(decode("2020-01-01 08:34:05+05:30", pg::timestamptz_oid), value(t));
  EXPECT_EQ(decode("2019-12-31 19:04:05-08", pg::timestamptz_oid), value(t));
  EXPECT_EQ(decode("2020-01-01 03:04:05.25+00", pg::timestamptz_oid), value(t + milliseconds{250}));
  EXPECT_EQ(decode("1900-01-01 00:00:00+00:19:32", pg::timestamptz_oid).kind(), value_kind::date_time);
}

TEST(postgresql_decode, text_that_is_not_understood_stays_text) {
  // Inputs: "...+99999999" (the offset overflowed the sum), "...+05:30 BC" and
  // "0044-03-15 BC" (the era was dropped: a BC value came back as AD).
  for (const char* s : {"2020-01-01 03:04:05+99999999", "2020-01-01 03:04:05+05:30 BC", "infinity", "-infinity"})
    EXPECT_EQ(decode(s, pg::timestamptz_oid), value(s)) << s;
  EXPECT_EQ(decode("0044-03-15 BC", pg::date_oid), value("0044-03-15 BC"));
  EXPECT_EQ(decode("0044-03-15 12:00:00 BC", pg::timestamp_oid), value("0044-03-15 12:00:00 BC"));
  EXPECT_EQ(decode("10000-01-01", pg::date_oid).kind(), value_kind::date);  // five-digit years are dates
}

}  // namespace
