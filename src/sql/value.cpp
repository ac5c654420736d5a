// Conversions between value kinds. Lenient where a database's storage differs
// from the declared type (SQLite returns INTEGER for BOOLEAN, TEXT for DATE),
// strict otherwise: an impossible conversion raises ArgumentError.
#include "retort/sql/value.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <string>

#include "retort/util/error.hpp"

namespace retort::sql {

void value::copy_from(const value& o) {
  switch (o.kind_) {
    case value_kind::text: ::new (&u_.s) std::string(o.u_.s); break;
    case value_kind::binary: ::new (&u_.bin) blob(o.u_.bin); break;
    case value_kind::decimal: ::new (&u_.num) numeric(o.u_.num); break;
    case value_kind::json: ::new (&u_.json) json_text(o.u_.json); break;
    case value_kind::enum_label: ::new (&u_.label) enum_label(o.u_.label); break;
    default: std::memcpy(u_.raw.b, o.u_.raw.b, sizeof(trivial_bytes)); break;
  }
}

void value::move_from(value&& o) noexcept {
  switch (o.kind_) {
    case value_kind::text: ::new (&u_.s) std::string(std::move(o.u_.s)); break;
    case value_kind::binary: ::new (&u_.bin) blob(std::move(o.u_.bin)); break;
    case value_kind::decimal: ::new (&u_.num) numeric(std::move(o.u_.num)); break;
    case value_kind::json: ::new (&u_.json) json_text(std::move(o.u_.json)); break;
    case value_kind::enum_label: ::new (&u_.label) enum_label(std::move(o.u_.label)); break;
    default: std::memcpy(u_.raw.b, o.u_.raw.b, sizeof(trivial_bytes)); break;
  }
}

void value::destroy() noexcept {
  switch (kind_) {
    case value_kind::text: u_.s.~basic_string(); break;
    case value_kind::binary: u_.bin.~blob(); break;
    case value_kind::decimal: u_.num.~numeric(); break;
    case value_kind::json: u_.json.~json_text(); break;
    case value_kind::enum_label: u_.label.~enum_label(); break;
    default: break;
  }
}

void value::assign(const value& o) {
  if (kind_ == o.kind_) {  // both hold heap storage of one kind: reuse it
    switch (kind_) {
      case value_kind::text: u_.s = o.u_.s; return;
      case value_kind::binary: u_.bin = o.u_.bin; return;
      case value_kind::decimal: u_.num = o.u_.num; return;
      case value_kind::json: u_.json = o.u_.json; return;
      case value_kind::enum_label: u_.label = o.u_.label; return;
      default: break;
    }
  }
  value copy(o);  // may throw; *this is untouched until it has succeeded
  *this = std::move(copy);
}

bool value::operator==(const value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case value_kind::null: return true;
    case value_kind::boolean: return u_.b == o.u_.b;
    case value_kind::integer: return u_.i == o.u_.i;
    case value_kind::real: return u_.d == o.u_.d;
    case value_kind::text: return u_.s == o.u_.s;
    case value_kind::binary: return u_.bin == o.u_.bin;
    case value_kind::decimal: return u_.num == o.u_.num;
    case value_kind::date: return u_.day == o.u_.day;
    case value_kind::date_time: return u_.time == o.u_.time;
    case value_kind::json: return u_.json == o.u_.json;
    case value_kind::uuid: return u_.id == o.u_.id;
    case value_kind::enum_label: return u_.label == o.u_.label;
    case value_kind::date_time_tz: return u_.tz == o.u_.tz;
  }
  return false;
}

namespace {

const char* kind_label(value_kind k) {
  switch (k) {
    case value_kind::null: return "NULL";
    case value_kind::boolean: return "boolean";
    case value_kind::integer: return "integer";
    case value_kind::real: return "real";
    case value_kind::text: return "text";
    case value_kind::binary: return "binary";
    case value_kind::decimal: return "decimal";
    case value_kind::date: return "date";
    case value_kind::date_time: return "date_time";
    case value_kind::json: return "json";
    case value_kind::uuid: return "uuid";
    case value_kind::enum_label: return "enum label";
    case value_kind::date_time_tz: return "date_time_tz";
  }
  return "?";
}

[[noreturn]] void bad(const value& v, const char* wanted) {
  throw ArgumentError(std::string("cannot convert ") + kind_label(v.kind()) + " value " + v.repr() + " to " +
                      wanted);
}

}  // namespace

bool value::as_bool() const {
  if (auto* b = get_if<bool>()) return *b;
  if (auto* i = get_if<std::int64_t>()) return *i != 0;
  if (auto* s = get_if<std::string>()) {
    if (*s == "t" || *s == "true" || *s == "1") return true;
    if (*s == "f" || *s == "false" || *s == "0") return false;
  }
  bad(*this, "bool");
}

std::int64_t value::as_int() const {
  if (auto* i = get_if<std::int64_t>()) return *i;
  if (auto* b = get_if<bool>()) return *b ? 1 : 0;
  if (auto* d = get_if<double>()) {
    // In range first: converting a double beyond int64 (or inf, NaN) is undefined.
    if (*d >= -0x1p63 && *d < 0x1p63 && std::trunc(*d) == *d) return static_cast<std::int64_t>(*d);
  }
  if (auto* s = get_if<std::string>()) {
    try {
      std::size_t used = 0;
      auto r = std::stoll(*s, &used);
      if (used == s->size()) return r;
    } catch (const std::exception&) {
    }
  }
  bad(*this, "integer");
}

double value::as_double() const {
  if (auto* d = get_if<double>()) return *d;
  if (auto* i = get_if<std::int64_t>()) return static_cast<double>(*i);
  const std::string* text = get_if<std::string>();
  if (auto* n = get_if<numeric>()) text = &n->text;
  if (text) {
    // The whole text, as as_int() does: "12abc" is not 12.
    try {
      std::size_t used = 0;
      double r = std::stod(*text, &used);
      if (used == text->size()) return r;
    } catch (const std::exception&) {
    }
  }
  bad(*this, "double");
}

const std::string& value::text() const {
  if (auto* s = get_if<std::string>()) return *s;
  bad(*this, "text");
}

std::string value::as_string() const {
  if (auto* s = get_if<std::string>()) return *s;
  if (auto* j = get_if<json_text>()) return j->text;
  if (auto* l = get_if<enum_label>()) return l->name;
  if (auto* u = get_if<retort::uuid>()) return u->str();
  if (auto* t = get_if<retort::date_time_tz>()) return format_date_time_tz(*t);
  if (is_null()) bad(*this, "string");
  if (auto* b = get_if<blob>()) return std::string(b->begin(), b->end());
  return repr();
}

const std::string& value::json() const {
  if (auto* j = get_if<json_text>()) return j->text;
  if (auto* s = get_if<std::string>()) return *s;
  bad(*this, "JSON");
}

const std::string& value::label() const {
  if (auto* l = get_if<enum_label>()) return l->name;
  if (auto* s = get_if<std::string>()) return *s;
  bad(*this, "an enum label");
}

retort::uuid value::as_uuid() const {
  if (auto* u = get_if<retort::uuid>()) return *u;
  if (auto* s = get_if<std::string>()) {
    if (auto u = retort::uuid::parse(*s)) return *u;
  }
  if (auto* b = get_if<blob>(); b && b->size() == 16) {
    retort::uuid u;
    for (std::size_t i = 0; i < 16; ++i) u.bytes[i] = (*b)[i];
    return u;
  }
  bad(*this, "uuid");
}

retort::date_time_tz value::as_date_time_tz() const {
  if (auto* t = get_if<retort::date_time_tz>()) return *t;
  if (auto* t = get_if<retort::date_time>()) return {*t, std::chrono::minutes{0}};
  if (auto* s = get_if<std::string>()) {
    if (auto t = parse_date_time_tz(*s)) return *t;
  }
  bad(*this, "date_time_tz");
}

const blob& value::bytes() const {
  if (auto* b = get_if<blob>()) return *b;
  bad(*this, "binary");
}

numeric value::as_numeric() const {
  if (auto* n = get_if<numeric>()) return *n;
  if (auto* s = get_if<std::string>()) return numeric{*s};
  if (auto* i = get_if<std::int64_t>()) return numeric{std::to_string(*i)};
  if (auto* d = get_if<double>()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", *d);
    return numeric{buf};
  }
  bad(*this, "numeric");
}

retort::date value::as_date() const {
  if (auto* d = get_if<retort::date>()) return *d;
  if (auto* s = get_if<std::string>()) {
    if (auto d = parse_date(*s)) return *d;
  }
  bad(*this, "date");
}

retort::date_time value::as_date_time() const {
  if (auto* t = get_if<retort::date_time>()) return *t;
  if (auto* t = get_if<retort::date_time_tz>()) return t->utc;
  if (auto* s = get_if<std::string>()) {
    if (auto t = parse_date_time(*s)) return *t;
  }
  bad(*this, "date_time");
}

std::string value::repr() const {
  struct visitor {
    std::string operator()(std::monostate) const { return "NULL"; }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const { return "'" + s + "'"; }
    std::string operator()(const blob& b) const { return "<" + std::to_string(b.size()) + " bytes>"; }
    std::string operator()(const numeric& n) const { return n.text; }
    std::string operator()(retort::date d) const { return "'" + format_date(d) + "'"; }
    std::string operator()(retort::date_time t) const { return "'" + format_date_time(t) + "'"; }
    std::string operator()(const json_text& j) const { return "'" + j.text + "'"; }
    std::string operator()(const retort::uuid& u) const { return "'" + u.str() + "'"; }
    std::string operator()(const enum_label& l) const { return "'" + l.name + "'"; }
    std::string operator()(retort::date_time_tz t) const { return "'" + format_date_time_tz(t) + "'"; }
  };
  return visit(visitor{});
}

std::string format_date(retort::date d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

std::string format_date_time(retort::date_time t) {
  using namespace std::chrono;
  auto day = floor<days>(t);
  hh_mm_ss<microseconds> tod{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s %02ld:%02ld:%02ld.%06ld", format_date(year_month_day{day}).c_str(),
                static_cast<long>(tod.hours().count()), static_cast<long>(tod.minutes().count()),
                static_cast<long>(tod.seconds().count()), static_cast<long>(tod.subseconds().count()));
  return buf;
}

namespace {

/// Reads 1 to `max_digits` decimal digits at s[i] (advancing i); nullopt if there are none.
std::optional<int> digits(std::string_view s, std::size_t& i, std::size_t max_digits) {
  std::size_t start = i;
  int n = 0;
  while (i < s.size() && i - start < max_digits && s[i] >= '0' && s[i] <= '9') n = n * 10 + (s[i++] - '0');
  if (i == start) return std::nullopt;
  return n;
}

bool skip(std::string_view s, std::size_t& i, char c) {
  if (i >= s.size() || s[i] != c) return false;
  ++i;
  return true;
}

/// "[-]Y-M-D" at the start of `s`: year -32767..32767 (format_date writes at
/// least four digits, PostgreSQL five past 9999), month and day of one or two
/// digits, a real calendar day. `i` is left after the day.
std::optional<retort::date> date_prefix(std::string_view s, std::size_t& i) {
  bool negative = skip(s, i, '-');
  auto y = digits(s, i, 6);
  if (!y || !skip(s, i, '-')) return std::nullopt;
  auto m = digits(s, i, 2);
  if (!m || !skip(s, i, '-')) return std::nullopt;
  auto d = digits(s, i, 2);
  if (!d || *y > 32767) return std::nullopt;
  retort::date out{std::chrono::year{negative ? -*y : *y}, std::chrono::month{static_cast<unsigned>(*m)},
                   std::chrono::day{static_cast<unsigned>(*d)}};
  if (!out.ok()) return std::nullopt;
  return out;
}

}  // namespace

// Strict on purpose: the whole text or nothing. sscanf("%d-%u-%u") took
// "2020-257-01" for January (month 257 wraps in a byte), 99999 for a year of
// -31073, and "0044-03-15 BC" for the year 44 AD; text that is not a date
// stays text.
std::optional<retort::date> parse_date(std::string_view text) {
  std::size_t i = 0;
  auto d = date_prefix(text, i);
  if (!d || i != text.size()) return std::nullopt;
  return d;
}

/// "<date>", or "<date> HH:MM[:SS[.fraction]][Z]" with ' ' or 'T' between; a
/// fraction past microseconds is rounded to the nearest one.
std::optional<retort::date_time> parse_date_time(std::string_view text) {
  using namespace std::chrono;
  std::size_t i = 0;
  auto d = date_prefix(text, i);
  if (!d) return std::nullopt;
  retort::date_time out = sys_days{*d};
  if (i == text.size()) return out;
  if (!skip(text, i, ' ') && !skip(text, i, 'T')) return std::nullopt;
  auto hh = digits(text, i, 2);
  if (!hh || *hh > 23 || !skip(text, i, ':')) return std::nullopt;
  auto mm = digits(text, i, 2);
  if (!mm || *mm > 59) return std::nullopt;
  int ss = 0;
  std::int64_t micros = 0;
  if (skip(text, i, ':')) {
    auto s = digits(text, i, 2);
    if (!s || *s > 59) return std::nullopt;
    ss = *s;
    if (skip(text, i, '.')) {
      std::size_t n = 0;
      bool round_up = false;
      for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++n) {
        if (n < 6) micros = micros * 10 + (text[i] - '0');
        else if (n == 6) round_up = text[i] >= '5';  // the first digit past microseconds rounds
      }
      if (n == 0) return std::nullopt;
      for (; n < 6; ++n) micros *= 10;
      if (round_up) ++micros;
    }
  }
  skip(text, i, 'Z');  // UTC, which a date_time is
  if (i != text.size()) return std::nullopt;
  return out + hours{*hh} + minutes{*mm} + seconds{ss} + microseconds{micros};
}

std::string format_date_time_tz(retort::date_time_tz t) {
  auto minutes = t.offset.count();
  char sign = minutes < 0 ? '-' : '+';
  if (minutes < 0) minutes = -minutes;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", sign, static_cast<long>(minutes / 60), static_cast<long>(minutes % 60));
  return format_date_time(t.local()) + buf;
}

std::optional<retort::date_time_tz> parse_date_time_tz(std::string_view text) {
  using namespace std::chrono;
  // The offset starts at the last sign after the time ("2026-01-02 03:04:05+05:30");
  // a sign in the date part (position < 10) is not one.
  auto sign = text.find_last_of("+-");
  if (sign == std::string_view::npos || sign < 11) {
    auto t = parse_date_time(text);  // no offset, or "Z": UTC
    if (!t) return std::nullopt;
    return retort::date_time_tz{*t, minutes{0}};
  }
  auto local = parse_date_time(text.substr(0, sign));
  if (!local) return std::nullopt;
  std::string_view off = text.substr(sign + 1);
  std::size_t i = 0;
  auto hh = digits(off, i, 2);
  if (!hh || i != 2) return std::nullopt;
  int mm = 0, ss = 0;
  if (i < off.size()) {
    skip(off, i, ':');
    auto m = digits(off, i, 2);
    if (!m || *m > 59) return std::nullopt;
    mm = *m;
    if (i < off.size()) {  // PostgreSQL prints seconds of a historical offset ("+00:53:28")
      if (!skip(off, i, ':')) return std::nullopt;
      auto s = digits(off, i, 2);
      if (!s || *s > 59) return std::nullopt;
      ss = *s;
    }
  }
  if (i != off.size() || *hh > 23) return std::nullopt;
  auto offset = hours{*hh} + minutes{mm} + seconds{ss};
  if (text[sign] == '-') offset = -offset;
  // A date_time_tz keeps whole minutes; the instant is exact.
  return retort::date_time_tz{*local - offset, duration_cast<minutes>(offset)};
}

[[noreturn]] void json_not_a_document(const value& v, const char* why) {
  throw ArgumentError("a JSON column holds " + v.repr() + ", which is not a JSON document (" + why + ")");
}

[[noreturn]] void unknown_enum_label(const enum_info& e, std::string_view label) {
  throw LookupError("'" + std::string(label) + "' is not among the defined enum values. Enum name: " + e.sql_name() +
                    ". Possible values: " + e.names());
}

[[noreturn]] void unknown_enum_value(const enum_info& e, long long value) {
  throw LookupError(std::string(e.class_name()) + "(" + std::to_string(value) +
                    ") has no name in retort::enum_names<" + std::string(e.class_name()) +
                    ">, so it is not among the defined enum values. Enum name: " + e.sql_name() +
                    ". Possible values: " + e.names());
}

}  // namespace retort::sql

namespace retort {

namespace {
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string uuid::hex() const {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (std::size_t i = 0; i < 16; ++i) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 0xF];
  }
  return out;
}

std::string uuid::str() const {
  auto h = hex();
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

std::optional<uuid> uuid::parse(std::string_view text) {
  if (text.starts_with("urn:uuid:")) text.remove_prefix(9);
  if (text.size() >= 2 && text.front() == '{' && text.back() == '}') text = text.substr(1, text.size() - 2);
  std::string h;
  if (text.size() == 36) {
    for (std::size_t i = 0; i < 36; ++i) {
      bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash != (text[i] == '-')) return std::nullopt;
      if (!dash) h += text[i];
    }
  } else if (text.size() == 32) {
    h = std::string(text);
  } else {
    return std::nullopt;
  }
  uuid u;
  for (std::size_t i = 0; i < 16; ++i) {
    int hi = hex_digit(h[2 * i]), lo = hex_digit(h[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    u.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return u;
}

uuid uuid4() {
  // One generator per thread, seeded from the OS once: UUIDs are identifiers, not secrets.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  uuid u;
  for (std::size_t i = 0; i < 16; i += 8) {
    auto r = gen();
    for (std::size_t k = 0; k < 8; ++k) u.bytes[i + k] = static_cast<std::uint8_t>(r >> (8 * k));
  }
  u.bytes[6] = static_cast<std::uint8_t>((u.bytes[6] & 0x0F) | 0x40);  // version 4
  u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  return u;
}

}  // namespace retort
