// The default text form of a mapped object (retort::repr<T>'s default),
// Flask-SQLAlchemy 3.0's Model.__repr__ on Retort's instance state:
//     transient -> "(transient id)", pending -> "(pending id)", else ", ".join(map(str, identity))
#include "retort/orm/repr.hpp"

#include <charconv>
#include <cstdint>
#include <string>
#include <variant>

#include "retort/orm/mapper.hpp"

namespace retort::orm {

namespace {

/// Python's str() of a key value: text unquoted, True/False, None.
std::string str_of(const sql::value& v) {
  struct visitor {
    std::string operator()(std::monostate) const { return "None"; }
    std::string operator()(bool b) const { return b ? "True" : "False"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);  // shortest round trip, as Python's repr(float)
      std::string s(buf, ec == std::errc() ? end : buf);
      if (s.find_first_not_of("-0123456789") == std::string::npos) s += ".0";  // 1.0, not 1
      return s;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const blob& b) const { return sql::value(b).repr(); }
    std::string operator()(const numeric& n) const { return n.text; }
    std::string operator()(retort::date d) const { return sql::format_date(d); }
    std::string operator()(retort::date_time t) const {
      auto s = sql::format_date_time(t);
      if (s.ends_with(".000000")) s.resize(s.size() - 7);  // Python leaves zero microseconds out
      return s;
    }
    std::string operator()(const sql::json_text& j) const { return j.text; }
    std::string operator()(const retort::uuid& u) const { return u.str(); }  // str(uuid)
    std::string operator()(const sql::enum_label& l) const { return l.name; }
    std::string operator()(retort::date_time_tz t) const { return sql::format_date_time_tz(t); }
  };
  return v.visit(visitor{});
}

}  // namespace

std::string default_repr(const instance_state* s) {
  if (!s) return "None";
  std::string out = "<";
  out += s->owner_mapper ? s->owner_mapper->class_name : "object";
  out += ' ';
  // Without an identity (never flushed, or made transient again by a rollback)
  // the object is known by its address, as Python's id(self).
  bool pending = s->status == status::pending;
  if (pending || s->status == status::transient || !s->has_identity()) {
    out += pending ? "(pending " : "(transient ";
    out += std::to_string(reinterpret_cast<std::uintptr_t>(s->object));
    out += ')';
  } else {
    for (std::size_t i = 0; i < s->key.size(); ++i) out += (i ? ", " : "") + str_of(s->key[i]);
  }
  return out + '>';
}

}  // namespace retort::orm
