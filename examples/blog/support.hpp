// What the blog's handlers share (pages.cpp, api.cpp, blog.cpp): the signed-in
// user, input checks that answer 400 naming the field, tags by name, and the
// JSON shapes of the models. Private to examples/blog.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>
#include <retort/web/web.hpp>

#include "blog.hpp"

namespace blog::detail {

/// What every handler reaches: the db, the templates, the options.
struct env {
  env(retort::web::sqlalchemy& d, const options& o) : db(d), opts(o), views(o.templates) {}
  retort::web::sqlalchemy& db;
  options opts;
  retort::web::templates views;
};

void register_pages(retort::web::app& app, const std::shared_ptr<env>& e);
void register_api(retort::web::app& app, const std::shared_ptr<env>& e);

// Column limits, as the models declare them (checked here so that both
// databases answer the same 400: SQLite does not enforce a VARCHAR's length).
inline constexpr std::size_t username_max = 50;
inline constexpr std::size_t email_max = 120;
inline constexpr std::size_t title_max = 100;
inline constexpr std::size_t tag_max = 50;
/// Tags one post may have.
inline constexpr std::size_t tags_per_post_max = 10;

/// The user the `user_id` cookie names (one SELECT, once per request), or null:
/// no cookie, a malformed one, or a user that no longer exists.
retort::ptr<User> current_user(env& e, const retort::web::request& req);

/// The number of UTF-8 code points of `s`, or none when it is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view s);
/// `s` without leading and trailing ASCII white space.
std::string trim(std::string_view s);
/// A text field: valid UTF-8, trimmed, not empty, at most `max_chars` code
/// points (0: no limit). Otherwise a 400 naming `field`.
std::string checked_text(std::string_view field, std::string_view value, std::size_t max_chars);
/// A username: 1-50 of letters, digits, '_', '-', '.' (it appears in URLs and pages).
std::string checked_username(std::string_view value);
/// An e-mail address: at most 120 characters, one '@' with text on both sides, no spaces.
std::string checked_email(std::string_view value);
/// A tag name, lower-cased: 1-50 of letters, digits, '-', '_', '+', '#', '.'.
/// A 400 naming `field` otherwise.
std::string checked_tag(std::string_view field, std::string_view value);
/// Tag names from a comma-separated form field, checked, without repeats, in order.
std::vector<std::string> tag_names_from_text(std::string_view field, std::string_view text);

/// Posts newest first, with their authors (joined) and tags (selectin); any
/// other relationship raises if touched. A page of it is three statements:
/// the posts, their tags, the count.
retort::query<Post> newest_posts(env& e);
/// ASCII letters lower-cased (tag names are stored so).
std::string lower_ascii(std::string s);

/// The tags of these names: the existing ones in one SELECT, the others
/// created (added to the session, inserted at the next flush).
std::vector<retort::ptr<Tag>> tags_named(retort::session& s, const std::vector<std::string>& names);

/// The text of an integer field of a JSON body: absent is none (`required`
/// false) or a 400; a value that is not an integer fitting an int is a 400.
std::optional<int> json_int(const nlohmann::json& body, std::string_view field, bool required);
/// A string field of a JSON body, as json_int.
std::optional<std::string> json_string(const nlohmann::json& body, std::string_view field, bool required);

/// "2026-12-02 14:03" (UTC) for the pages.
std::string display_time(const retort::date_time& t);
/// ISO 8601 ("2026-12-02T14:03:05Z") for the JSON API and <time datetime>.
std::string iso_time(const retort::date_time& t);

}  // namespace blog::detail
