// The handlers' shared helpers (support.hpp): the signed-in user, input checks
// answering 400 with the field's name, tags by name, times for the pages.
#include "support.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>

namespace blog::detail {

using retort::web::bad_request;

namespace {

/// The request's signed-in user, looked up once.
struct signed_in {
  bool looked_up = false;
  retort::ptr<User> user;
};

bool is_name_char(char c, std::string_view extra) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         extra.find(c) != std::string_view::npos;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

retort::ptr<User> current_user(env& e, const retort::web::request& req) {
  auto* ctx = retort::web::request_context::current();
  signed_in* memo = ctx ? &ctx->ext<signed_in>() : nullptr;
  if (memo && memo->looked_up) return memo->user;
  retort::ptr<User> user;
  if (auto it = req.cookies.find("user_id"); it != req.cookies.end()) {
    int id = 0;
    const auto& v = it->second;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
    if (ec == std::errc{} && end == v.data() + v.size() && id > 0) user = e.db.session().get<User>(id);
  }
  if (memo) {
    memo->looked_up = true;
    memo->user = user;
  }
  return user;
}

std::optional<std::size_t> utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > s.size()) return std::nullopt;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    // NUL cannot be stored in PostgreSQL text: refuse it on both databases.
    if (cp == 0) return std::nullopt;
    i += len;
  }
  return n;
}

std::string trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string checked_text(std::string_view field, std::string_view value, std::size_t max_chars) {
  auto t = trim(value);
  const auto n = utf8_length(t);
  if (!n) bad_request(std::string(field), "must be valid UTF-8 text");
  if (*n == 0) bad_request(std::string(field), "must not be empty");
  if (max_chars > 0 && *n > max_chars)
    bad_request(std::string(field), "must be at most " + std::to_string(max_chars) + " characters");
  return t;
}

std::string checked_username(std::string_view value) {
  auto t = checked_text("username", value, username_max);
  if (!std::all_of(t.begin(), t.end(), [](char c) { return is_name_char(c, "_-."); }))
    bad_request("username", "may contain only letters, digits, '_', '-' and '.'");
  return t;
}

std::string checked_email(std::string_view value) {
  auto t = checked_text("email", value, email_max);
  const auto at = t.find('@');
  if (at == 0 || at == std::string::npos || at + 1 == t.size() || t.find('@', at + 1) != std::string::npos ||
      t.find_first_of(" \t") != std::string::npos)
    bad_request("email", "must be an e-mail address (name@host)");
  return t;
}

std::string checked_tag(std::string_view field, std::string_view value) {
  auto t = lower_ascii(checked_text(field, value, tag_max));
  if (!std::all_of(t.begin(), t.end(), [](char c) { return is_name_char(c, "-_+#."); }))
    bad_request(std::string(field), "a tag may contain only letters, digits, '-', '_', '+', '#' and '.'");
  return t;
}

std::vector<std::string> tag_names_from_text(std::string_view field, std::string_view text) {
  std::vector<std::string> names;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto part = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (part.empty()) continue;
    auto name = checked_tag(field, part);
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  if (names.size() > tags_per_post_max)
    bad_request(std::string(field), "at most " + std::to_string(tags_per_post_max) + " tags");
  return names;
}

retort::query<Post> newest_posts(env& e) {
  auto q = e.db.query<Post>();
  q.order_by(retort::col<&Post::created_at>.desc())
      .order_by(retort::col<&Post::id>.desc())
      .options(retort::joinedload<&Post::author>(), retort::selectinload<&Post::tags>(), retort::raiseload_all());
  return q;
}

std::string lower_ascii(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ascii_lower);
  return s;
}

std::vector<retort::ptr<Tag>> tags_named(retort::session& s, const std::vector<std::string>& names) {
  std::vector<retort::ptr<Tag>> out;
  if (names.empty()) return out;
  auto existing = s.query<Tag>().where(retort::col<&Tag::name>.in_(names)).all();
  for (const auto& name : names) {
    auto it = std::find_if(existing.begin(), existing.end(), [&](const auto& t) { return t->name == name; });
    out.push_back(it != existing.end() ? *it : s.add(Tag{.name = name}));
  }
  return out;
}

std::optional<int> json_int(const nlohmann::json& body, std::string_view field, bool required) {
  auto it = body.find(std::string(field));
  if (it == body.end() || it->is_null()) {
    if (required) bad_request(std::string(field), "is required");
    return std::nullopt;
  }
  if (!it->is_number_integer()) bad_request(std::string(field), "must be an integer");
  if (it->is_number_unsigned()) {
    const auto u = it->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) bad_request(std::string(field), "is out of range");
    return static_cast<int>(u);
  }
  const auto v = it->get<std::int64_t>();
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    bad_request(std::string(field), "is out of range");
  return static_cast<int>(v);
}

std::optional<std::string> json_string(const nlohmann::json& body, std::string_view field, bool required) {
  auto it = body.find(std::string(field));
  if (it == body.end() || it->is_null()) {
    if (required) bad_request(std::string(field), "is required");
    return std::nullopt;
  }
  if (!it->is_string()) bad_request(std::string(field), "must be a string");
  return it->get<std::string>();
}

namespace {

std::string two(unsigned v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); }

struct civil {
  std::string date, hh, mm, ss;
};

civil split(const retort::date_time& t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::seconds>(t - day)};
  return {std::to_string(static_cast<int>(ymd.year())) + "-" + two(static_cast<unsigned>(ymd.month())) + "-" +
              two(static_cast<unsigned>(ymd.day())),
          two(static_cast<unsigned>(hms.hours().count())), two(static_cast<unsigned>(hms.minutes().count())),
          two(static_cast<unsigned>(hms.seconds().count()))};
}

}  // namespace

std::string display_time(const retort::date_time& t) {
  const auto c = split(t);
  return c.date + " " + c.hh + ":" + c.mm;
}

std::string iso_time(const retort::date_time& t) {
  const auto c = split(t);
  return c.date + "T" + c.hh + ":" + c.mm + ":" + c.ss + "Z";
}

}  // namespace blog::detail
