// Conversions between value kinds. Lenient where a database's storage differs
// from the declared type (SQLite returns INTEGER for BOOLEAN, TEXT for DATE),
// strict otherwise: an impossible conversion raises ArgumentError.
#include "retort/sql/value.hpp"

#include <cmath>
#include <cstdio>
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
    if (std::trunc(*d) == *d) return static_cast<std::int64_t>(*d);
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
  if (auto* n = std::get_if<numeric>(&v_)) return std::stod(n->text);
  if (auto* s = std::get_if<std::string>(&v_)) {
    try {
      return std::stod(*s);
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

std::optional<retort::date> parse_date(std::string_view text) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::string s(text.substr(0, 10));
  if (std::sscanf(s.c_str(), "%d-%u-%u", &y, &m, &d) != 3) return std::nullopt;
  retort::date out{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!out.ok()) return std::nullopt;
  return out;
}

std::optional<retort::date_time> parse_date_time(std::string_view text) {
  using namespace std::chrono;
  auto d = parse_date(text);
  if (!d) return std::nullopt;
  retort::date_time out = sys_days{*d};
  if (text.size() <= 10) return out;
  std::string rest(text.substr(11));
  int hh = 0, mm = 0;
  double ss = 0;
  if (std::sscanf(rest.c_str(), "%d:%d:%lf", &hh, &mm, &ss) < 2) return std::nullopt;
  out += hours{hh} + minutes{mm} + microseconds{static_cast<std::int64_t>(std::llround(ss * 1'000'000))};
  return out;
}

}  // namespace retort::sql
