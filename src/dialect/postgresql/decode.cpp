// PostgreSQL's text output forms decoded (see decode.hpp). Moved out of
// driver.cpp unchanged, but for PQunescapeBytea, which is re-stated here so
// that this file needs no libpq.
#include "dialect/postgresql/decode.hpp"

#include <cstdlib>
#include <string>

namespace retort::postgresql::detail {

namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

/// PQunescapeBytea's escape branch (libpq fe-exec.c), rule for rule: "\\" is a
/// backslash, "\ooo" (first digit 0-3) an octal byte, a backslash before anything
/// else is dropped, and the text ends at its first NUL (libpq takes strlen).
blob unescape_bytea(std::string_view s) {
  s = s.substr(0, s.find('\0'));
  auto first_octal = [](char c) { return c >= '0' && c <= '3'; };
  auto octal = [](char c) { return c >= '0' && c <= '7'; };
  blob out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      out.push_back(static_cast<std::uint8_t>(s[i++]));
      continue;
    }
    ++i;
    if (i < s.size() && s[i] == '\\') {
      out.push_back(static_cast<std::uint8_t>(s[i++]));
    } else if (i + 2 < s.size() && first_octal(s[i]) && octal(s[i + 1]) && octal(s[i + 2])) {
      out.push_back(static_cast<std::uint8_t>((s[i] - '0') * 64 + (s[i + 1] - '0') * 8 + (s[i + 2] - '0')));
      i += 3;
    }
  }
  return out;
}

/// The offset "HH[:MM[:SS]]" (PostgreSQL prints minutes and seconds only when
/// they are not zero), the whole text; nullopt otherwise.
std::optional<std::chrono::seconds> utc_offset(std::string_view s) {
  int part[3] = {0, 0, 0};
  std::size_t i = 0;
  for (int k = 0; k < 3; ++k) {
    if (k > 0 && (i == s.size() || s[i++] != ':')) return std::nullopt;
    if (i + 2 > s.size() || s[i] < '0' || s[i] > '9' || s[i + 1] < '0' || s[i + 1] > '9') return std::nullopt;
    part[k] = (s[i] - '0') * 10 + (s[i + 1] - '0');
    i += 2;
    if (i == s.size()) break;
  }
  if (i != s.size() || part[1] > 59 || part[2] > 59) return std::nullopt;
  return std::chrono::hours{part[0]} + std::chrono::minutes{part[1]} + std::chrono::seconds{part[2]};
}

}  // namespace

blob decode_bytea(std::string_view s) {
  blob out;
  if (s.starts_with("\\x")) {
    out.reserve((s.size() - 2) / 2);
    for (std::size_t i = 2; i + 1 < s.size(); i += 2)
      out.push_back(static_cast<std::uint8_t>(hex(s[i]) * 16 + hex(s[i + 1])));
    return out;
  }
  return unescape_bytea(s);
}



// Strict: sscanf took any numbers after the last sign ("+99999999" overflowed
// the sum, "+05:30 BC" dropped the era); what does not parse stays text.
std::optional<retort::date_time> parse_timestamptz(std::string_view s) {
  auto sign = s.find_last_of("+-");
  if (sign == std::string_view::npos || sign < 19) return sql::parse_date_time(s);
  auto local = sql::parse_date_time(s.substr(0, sign));
  auto offset = utc_offset(s.substr(sign + 1));
  if (!local || !offset) return std::nullopt;
  return s[sign] == '+' ? *local - *offset : *local + *offset;
}

sql::value decode(const char* text, int length, unsigned int type) {
  std::string_view s(text, static_cast<std::size_t>(length));
  switch (type) {
    case int2_oid:
    case int4_oid:
    case int8_oid: return sql::value(static_cast<std::int64_t>(std::strtoll(text, nullptr, 10)));
    case float4_oid:
    case float8_oid: return sql::value(std::strtod(text, nullptr));
    case bool_oid: return sql::value(s == "t");
    case numeric_oid: return sql::value(numeric{std::string(s)});
    case bytea_oid: return sql::value(decode_bytea(s));
    case date_oid:
      if (auto d = sql::parse_date(s)) return sql::value(*d);
      break;
    case timestamp_oid:
      if (auto t = sql::parse_date_time(s)) return sql::value(*t);
      break;
    case timestamptz_oid:
      // The instant in UTC, whatever the session's TimeZone printed it in (a
      // date_time_tz member reads it with offset +00:00).
      if (auto t = parse_timestamptz(s)) return sql::value(*t);
      break;
    case json_oid:
    case jsonb_oid: return sql::value(sql::json_text{std::string(s)});
    case uuid_oid:
      if (auto u = retort::uuid::parse(s)) return sql::value(*u);
      break;
    default: break;
  }
  return sql::value(std::string(s));
}

}  // namespace retort::postgresql::detail
