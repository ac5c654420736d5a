// Conversions between value kinds. Lenient where a database's storage differs
// from the declared type (SQLite returns INTEGER for BOOLEAN, TEXT for DATE),
// strict otherwise: an impossible conversion raises ArgumentError.
#include "retort/sql/value.hpp"

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "retort/util/error.hpp"

namespace retort::sql {

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
  }
  return "?";
}

[[noreturn]] void bad(const value& v, const char* wanted) {
  throw ArgumentError(std::string("cannot convert ") + kind_label(v.kind()) + " value " + v.repr() + " to " +
                      wanted);
}

}  // namespace

bool value::as_bool() const {
  if (auto* b = std::get_if<bool>(&v_)) return *b;
  if (auto* i = std::get_if<std::int64_t>(&v_)) return *i != 0;
  if (auto* s = std::get_if<std::string>(&v_)) {
    if (*s == "t" || *s == "true" || *s == "1") return true;
    if (*s == "f" || *s == "false" || *s == "0") return false;
  }
  bad(*this, "bool");
}

std::int64_t value::as_int() const {
  if (auto* i = std::get_if<std::int64_t>(&v_)) return *i;
  if (auto* b = std::get_if<bool>(&v_)) return *b ? 1 : 0;
  if (auto* d = std::get_if<double>(&v_)) {
    // In range first: converting a double beyond int64 (or inf, NaN) is undefined.
    if (*d >= -0x1p63 && *d < 0x1p63 && std::trunc(*d) == *d) return static_cast<std::int64_t>(*d);
  }
  if (auto* s = std::get_if<std::string>(&v_)) {
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
  if (auto* d = std::get_if<double>(&v_)) return *d;
  if (auto* i = std::get_if<std::int64_t>(&v_)) return static_cast<double>(*i);
  const std::string* text = std::get_if<std::string>(&v_);
  if (auto* n = std::get_if<numeric>(&v_)) text = &n->text;
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
  if (auto* s = std::get_if<std::string>(&v_)) return *s;
  bad(*this, "text");
}

std::string value::as_string() const {
  if (auto* s = std::get_if<std::string>(&v_)) return *s;
  if (is_null()) bad(*this, "string");
  if (auto* b = std::get_if<blob>(&v_)) return std::string(b->begin(), b->end());
  return repr();
}

const blob& value::bytes() const {
  if (auto* b = std::get_if<blob>(&v_)) return *b;
  bad(*this, "binary");
}

numeric value::as_numeric() const {
  if (auto* n = std::get_if<numeric>(&v_)) return *n;
  if (auto* s = std::get_if<std::string>(&v_)) return numeric{*s};
  if (auto* i = std::get_if<std::int64_t>(&v_)) return numeric{std::to_string(*i)};
  if (auto* d = std::get_if<double>(&v_)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.15g", *d);
    return numeric{buf};
  }
  bad(*this, "numeric");
}

retort::date value::as_date() const {
  if (auto* d = std::get_if<retort::date>(&v_)) return *d;
  if (auto* s = std::get_if<std::string>(&v_)) {
    if (auto d = parse_date(*s)) return *d;
  }
  bad(*this, "date");
}

retort::date_time value::as_date_time() const {
  if (auto* t = std::get_if<retort::date_time>(&v_)) return *t;
  if (auto* s = std::get_if<std::string>(&v_)) {
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
  };
  return std::visit(visitor{}, v_);
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

}  // namespace retort::sql
