// JSON of mapped objects through the mapper (compiled once for every class),
// and JSON values checked and bound onto column members.
#include "retort/web/json.hpp"

#include <cmath>

#include "retort/orm/mapper.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/validation.hpp"

namespace retort::web::detail {

namespace {

std::string base64(const retort::blob& b) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < b.size(); i += 3) {
    const unsigned v = (b[i] << 16) | (b[i + 1] << 8) | b[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += alphabet[(v >> s) & 63];
  }
  if (i < b.size()) {
    const unsigned v = (b[i] << 16) | (i + 1 < b.size() ? b[i + 1] << 8 : 0);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < b.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// ISO 8601 as Python's isoformat() writes it ("2026-12-02T14:30:00.123456").
std::string iso(retort::date_time t) {
  auto s = sql::format_date_time(t);
  if (auto space = s.find(' '); space != std::string::npos) s[space] = 'T';
  return s;
}

nlohmann::json value_json(const sql::value& v) {
  switch (v.kind()) {
    case sql::value_kind::null: return nullptr;
    case sql::value_kind::boolean: return v.as_bool();
    case sql::value_kind::integer: return v.as_int();
    case sql::value_kind::real: return v.as_double();
    case sql::value_kind::text: return v.text();
    case sql::value_kind::binary: return base64(v.bytes());
    case sql::value_kind::decimal: return v.as_numeric().text;
    case sql::value_kind::date: return sql::format_date(v.as_date());
    case sql::value_kind::date_time: return iso(v.as_date_time());
    case sql::value_kind::date_time_tz: {  // isoformat() of an aware datetime: "...T14:30:00.123456+05:30"
      auto s = sql::format_date_time_tz(v.as_date_time_tz());
      if (auto space = s.find(' '); space != std::string::npos) s[space] = 'T';
      return s;
    }
    case sql::value_kind::uuid: return v.as_uuid().str();
    case sql::value_kind::enum_label: return v.label();
    // The document itself, not its text (a stored document is valid JSON; anything else stays a string).
    case sql::value_kind::json: {
      auto doc = nlohmann::json::parse(v.json(), nullptr, false);
      return doc.is_discarded() ? nlohmann::json(v.json()) : doc;
    }
  }
  return nullptr;
}

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

[[noreturn]] void wrong(std::string_view attribute, std::string problem) {
  bad_request(std::string(attribute), std::move(problem));
}

sql::value to_value(const orm::column_property& c, std::string_view attribute, const nlohmann::json& v) {
  using sql::type_kind;
  const auto kind = c.column.sql_type.kind;
  if (v.is_null()) {
    if (!c.column.nullable) wrong(attribute, "must not be null");
    return {};
  }
  switch (kind) {
    case type_kind::integer:
    case type_kind::big_integer:
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
        wrong(attribute, "is out of range");
      if (!v.is_number_integer()) wrong(attribute, "must be an integer");
      if (kind == type_kind::integer && (v.get<std::int64_t>() > INT32_MAX || v.get<std::int64_t>() < INT32_MIN))
        wrong(attribute, "is out of range");
      return sql::value(v.get<std::int64_t>());
    case type_kind::string:
    case type_kind::text: {
      if (!v.is_string()) wrong(attribute, "must be a string");
      auto s = v.get<std::string>();
      const auto limit = c.column.sql_type.length;
      if (kind == type_kind::string && limit > 0 && utf8_length(s) > static_cast<std::size_t>(limit))
        wrong(attribute, "must be at most " + std::to_string(limit) + " characters");
      return sql::value(std::move(s));
    }
    case type_kind::boolean:
      if (!v.is_boolean()) wrong(attribute, "must be true or false");
      return sql::value(v.get<bool>());
    case type_kind::float_:
    case type_kind::double_:
      if (!v.is_number() || !std::isfinite(v.get<double>())) wrong(attribute, "must be a number");
      return sql::value(v.get<double>());
    case type_kind::numeric:
      if (v.is_number_integer()) return sql::value(retort::numeric{std::to_string(v.get<std::int64_t>())});
      if (v.is_number()) return sql::value(retort::numeric{v.dump()});
      if (v.is_string()) {
        const auto s = v.get<std::string>();
        char* end = nullptr;
        (void)std::strtod(s.c_str(), &end);
        if (s.empty() || *end != '\0') wrong(attribute, "must be a decimal number");
        return sql::value(retort::numeric{s});
      }
      wrong(attribute, "must be a decimal number");
    case type_kind::date:
      if (v.is_string())
        if (auto d = sql::parse_date(v.get<std::string>())) return sql::value(*d);
      wrong(attribute, "must be a date (YYYY-MM-DD)");
    case type_kind::date_time:
      if (v.is_string() && c.column.sql_type.timezone) {
        if (auto t = sql::parse_date_time_tz(v.get<std::string>())) return sql::value(*t);
      } else if (v.is_string()) {
        if (auto t = sql::parse_date_time(v.get<std::string>())) return sql::value(*t);
      }
      wrong(attribute, "must be a date and time (ISO 8601)");
    case type_kind::large_binary:
      wrong(attribute, "is binary and cannot be set from JSON");
    case type_kind::json: return sql::value(sql::json_text{v.dump()});  // any document
    case type_kind::uuid:
      if (v.is_string())
        if (auto u = retort::uuid::parse(v.get<std::string>())) return sql::value(*u);
      wrong(attribute, "must be a UUID");
    case type_kind::enumeration: {
      const auto* e = c.column.sql_type.enumeration;
      if (v.is_string() && e) {
        auto name = v.get<std::string>();
        for (std::size_t i = 0; i < e->count; ++i)
          if (e->label(i) == name) return sql::value(sql::enum_label{std::move(name)});
      }
      wrong(attribute, "must be one of: " + (e ? e->names() : std::string()));
    }
  }
  wrong(attribute, "has an unsupported type");
}

}  // namespace

nlohmann::json columns_json(const orm::mapper& m, const void* object) {
  auto out = nlohmann::json::object();
  for (const auto& c : m.columns) {
    if (c.deferred && !c.deferred(const_cast<void*>(object))->is_loaded()) continue;
    out[c.attribute] = value_json(c.get(object));
  }
  return out;
}

void set_column_from_json(const orm::mapper& m, void* object, std::string_view attribute, const nlohmann::json& v) {
  const auto* c = m.find_column(attribute);
  if (!c) throw ArgumentError("retort::web::from_json: " + m.class_name + "." + std::string(attribute) + " is not a mapped column");
  auto value = to_value(*c, attribute, v);
  if (c->validator) {
    try {
      value = orm::validate_column(m, attribute, object, value);
    } catch (const ValidationError& e) {  // the request's fault: 400 naming the field
      wrong(attribute, e.reason().empty() ? "is not valid" : e.reason());
    }
  }
  c->set(object, value);
}

nlohmann::json page_json(const orm::page_numbers& p) {
  auto opt = [](std::optional<std::int64_t> v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"page", p.page},          {"per_page", p.per_page},   {"total", opt(p.total)},
          {"pages", p.pages()},      {"has_prev", p.has_prev()}, {"has_next", p.has_next()},
          {"prev_num", opt(p.prev_num())}, {"next_num", opt(p.next_num())},
          {"first", p.first()},      {"last", p.last()}};
}

}  // namespace retort::web::detail
