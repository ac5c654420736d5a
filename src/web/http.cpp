// Requests, responses and HTTP errors: parsing of query strings, forms and
// cookies, and the response factories. No server library here.
#include "retort/web/http.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace retort::web {

namespace {

std::string error_message(int status, const std::string& description, const std::string& field) {
  std::string m = std::to_string(status) + " " + std::string(reason_phrase(status));
  if (!field.empty()) m += ": " + field;
  if (!description.empty()) m += (field.empty() ? ": " : " ") + description;
  return m;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
  return v;
}

}  // namespace

http_error::http_error(int status, std::string description, std::string field)
    : Error(error_message(status, description, field)),
      status_(status),
      description_(std::move(description)),
      field_(std::move(field)) {}

void abort(int status, std::string description) { throw http_error(status, std::move(description)); }

void bad_request(std::string field, std::string problem) {
  auto description = field.empty() ? std::move(problem) : "'" + field + "' " + problem;
  throw http_error(400, std::move(description), std::move(field));
}

std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

bool header_less::operator()(std::string_view a, std::string_view b) const noexcept {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

std::optional<std::string> request::header(std::string_view name) const {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string request::mimetype() const {
  auto ct = header("Content-Type");
  if (!ct) return {};
  std::string_view v = *ct;
  v = trim(v.substr(0, v.find(';')));
  return lower(v);
}

template <>
std::string request::arg<std::string>(std::string_view name) const {
  auto it = view_args.find(name);
  if (it == view_args.end())
    throw ArgumentError("retort::web::request::arg: the route of " + path + " has no argument '" + std::string(name) +
                        "'");
  return it->second;
}

template <>
std::int64_t request::arg<std::int64_t>(std::string_view name) const {
  const auto text = arg<std::string>(name);
  auto v = parse_int(text);
  // The router only matches <int:...> on digits that fit; a plain <name> read as an int is a 404, as a
  // path that does not convert.
  if (!v) throw http_error(404, "'" + std::string(name) + "' is not a number");
  return *v;
}

template <>
int request::arg<int>(std::string_view name) const {
  const auto v = arg<std::int64_t>(name);
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
    throw http_error(404, "'" + std::string(name) + "' is out of range");
  return static_cast<int>(v);
}

std::optional<std::string> request::query(std::string_view name) const {
  auto it = args.find(name);
  if (it == args.end()) return std::nullopt;
  return it->second;
}

std::int64_t request::query_int(std::string_view name, std::int64_t fallback) const {
  auto v = query(name);
  if (!v) return fallback;
  auto n = parse_int(*v);
  return n ? *n : fallback;
}

std::optional<std::string> request::form_value(std::string_view name) const {
  auto it = form.find(name);
  if (it == form.end()) return std::nullopt;
  return it->second;
}

std::string request::required_form(std::string_view name) const {
  auto v = form_value(name);
  if (!v) bad_request(std::string(name), "is required");
  if (trim(*v).empty()) bad_request(std::string(name), "must not be empty");
  return *v;
}

const nlohmann::json& request::json() const {
  if (json_) return *json_;
  if (mimetype() != "application/json") throw http_error(415, "the body must be application/json");
  try {
    json_ = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is where parsing stopped; nlohmann's own text quotes the input, so it is not shown.
    throw http_error(400, "malformed JSON body at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::exception&) {
    // out_of_range: a number too large for a double (1e999).
    throw http_error(400, "malformed JSON body: a number is out of range");
  }
  return *json_;
}

bool request::wants_json() const {
  if (path == "/api" || path.starts_with("/api/")) return true;
  if (mimetype() == "application/json") return true;
  auto accept = header("Accept");
  if (!accept) return false;
  const auto a = lower(*accept);
  const auto json_at = a.find("application/json");
  const auto html_at = a.find("text/html");
  return json_at != std::string::npos && (html_at == std::string::npos || json_at < html_at);
}

response response::json(const nlohmann::json& j, int status) {
  response r;
  r.status = status;
  // Invalid UTF-8 in a model's text is replaced, never an exception while answering.
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.content_type = "application/json";
  return r;
}

response response::html(std::string body, int status) {
  response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

response response::text(std::string body, int status) {
  response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = "text/plain; charset=utf-8";
  return r;
}

response response::redirect(std::string location, int status) {
  response r;
  r.status = status;
  r.headers.emplace("Location", std::move(location));
  r.body = {};
  return r;
}

response response::no_content() {
  response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

response& response::set_cookie(std::string_view name, std::string_view value) {
  headers.emplace("Set-Cookie", std::string(name) + "=" + url_encode(value) + "; Path=/; HttpOnly; SameSite=Lax");
  return *this;
}

std::string url_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '+' && plus_is_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += digits[u >> 4];
      out += digits[u & 15];
    }
  }
  return out;
}

params parse_urlencoded(std::string_view s) {
  params out;
  while (!s.empty()) {
    const auto amp = s.find('&');
    const auto pair = s.substr(0, amp);
    s = amp == std::string_view::npos ? std::string_view{} : s.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos)
      out.emplace(url_decode(pair, true), std::string{});
    else
      out.emplace(url_decode(pair.substr(0, eq), true), url_decode(pair.substr(eq + 1), true));
  }
  return out;
}

std::map<std::string, std::string, std::less<>> parse_cookies(std::string_view header) {
  std::map<std::string, std::string, std::less<>> out;
  while (!header.empty()) {
    const auto semi = header.find(';');
    const auto pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    auto value = trim(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    out.emplace(std::string(trim(pair.substr(0, eq))), url_decode(value, false));
  }
  return out;
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace retort::web
