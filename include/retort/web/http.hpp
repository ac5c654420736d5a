// A request and a response as handlers see them (Flask's request and Response),
// and http_error / abort (werkzeug's HTTPException / abort). Independent of the
// HTTP server library: src/web/server.cpp translates cpp-httplib's types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "retort/util/error.hpp"

namespace retort::web {

/// An HTTP error a handler raises (werkzeug's HTTPException): the app turns it
/// into a response with this status, as JSON or HTML (app::errorhandler
/// overrides). `description` is shown to the client; `field` names the form or
/// JSON field at fault (a 400), and is added to a JSON error body.
class http_error : public retort::Error {
 public:
  http_error(int status, std::string description, std::string field = {});
  int status() const noexcept { return status_; }
  const std::string& description() const noexcept { return description_; }
  const std::string& field() const noexcept { return field_; }

 private:
  int status_;
  std::string description_;
  std::string field_;
};

/// Raises http_error (Flask's abort(404, description=...)).
[[noreturn]] void abort(int status, std::string description = {});
/// A 400 naming the field at fault: `bad_request("title", "must not be empty")`.
[[noreturn]] void bad_request(std::string field, std::string problem);

/// The standard reason phrase of a status ("Not Found"); "Error" when unknown.
std::string_view reason_phrase(int status) noexcept;

/// Names compare case-insensitively, as HTTP header names do.
struct header_less {
  bool operator()(std::string_view a, std::string_view b) const noexcept;
  using is_transparent = void;
};
using headers = std::multimap<std::string, std::string, header_less>;
using params = std::multimap<std::string, std::string, std::less<>>;

/// The request being handled (Flask's `request`). Built by the server (or by
/// app::test_request) and valid for the handler's call.
class request {
 public:
  std::string method;       ///< "GET", "POST", ...
  std::string path;         ///< the path, decoded, without the query string
  std::string query_string; ///< the raw query string, without '?'
  web::headers headers;
  std::string body;
  std::string remote_addr;
  /// The route's converted path arguments, by name (`/users/<int:id>`: "id").
  std::map<std::string, std::string, std::less<>> view_args;
  /// The query string's parameters (request.args), decoded.
  params args;
  /// An application/x-www-form-urlencoded body's fields (request.form), decoded.
  params form;
  /// The request's cookies.
  std::map<std::string, std::string, std::less<>> cookies;

  /// A header's value, or none.
  std::optional<std::string> header(std::string_view name) const;
  /// The media type of Content-Type without parameters, lower case ("application/json").
  std::string mimetype() const;
  /// A path argument (`/users/<int:id>`): `req.arg<std::int64_t>("id")`. A name
  /// the route does not have is an ArgumentError (a programming error, 500).
  template <class T = std::string>
  T arg(std::string_view name) const;
  /// request.args.get(name, default, type=int): a missing or malformed value is
  /// `fallback`, as Flask's.
  std::optional<std::string> query(std::string_view name) const;
  std::int64_t query_int(std::string_view name, std::int64_t fallback) const;
  /// A form field, or none (request.form.get).
  std::optional<std::string> form_value(std::string_view name) const;
  /// A form field that must be present and not blank: else a 400 naming it
  /// (request.form[name], whose KeyError Flask answers with 400).
  std::string required_form(std::string_view name) const;
  /// The body as JSON (request.get_json()): a 400 when the body is not JSON
  /// (naming the byte where it fails), a 415 when the Content-Type is not
  /// application/json (Flask 2.2's get_json answers 400 there; 415 says why).
  /// Parsed once per request.
  const nlohmann::json& json() const;
  /// Whether the client asked for JSON: a path under /api, an application/json
  /// body, or an Accept header preferring it. Error responses follow it.
  bool wants_json() const;

 private:
  mutable std::optional<nlohmann::json> json_;
};

template <>
std::string request::arg<std::string>(std::string_view name) const;
template <>
std::int64_t request::arg<std::int64_t>(std::string_view name) const;
template <>
int request::arg<int>(std::string_view name) const;

/// What a handler returns (Flask's Response).
class response {
 public:
  int status = 200;
  std::string body;
  std::string content_type = "text/html; charset=utf-8";
  web::headers headers;

  /// A JSON response (Flask's jsonify).
  static response json(const nlohmann::json& j, int status = 200);
  static response html(std::string body, int status = 200);
  static response text(std::string body, int status = 200);
  /// A redirect (Flask's redirect(url), 302 by default; 303 after a POST).
  static response redirect(std::string location, int status = 302);
  /// 204 No Content.
  static response no_content();

  /// Sets a cookie (HttpOnly, SameSite=Lax, Path=/).
  response& set_cookie(std::string_view name, std::string_view value);
};

/// Percent-decodes a URL component ('+' is a space when `plus_is_space`).
/// Malformed escapes are kept as they are, as werkzeug does.
std::string url_decode(std::string_view s, bool plus_is_space);
/// Percent-encodes a URL component.
std::string url_encode(std::string_view s);
/// Parses "a=1&b=2" (a query string or a urlencoded form) into decoded pairs.
params parse_urlencoded(std::string_view s);
/// Parses a Cookie header.
std::map<std::string, std::string, std::less<>> parse_cookies(std::string_view header);
/// HTML-escapes text (&, <, >, ", ').
std::string html_escape(std::string_view s);

}  // namespace retort::web
