// URL parsing, percent-decoding of credentials and options. Errors show the
// URL with its password masked ("***", as SQLAlchemy's URL.__repr__ does),
// and never quote a piece of the text that lies inside the password.
#include "retort/engine/url.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "retort/util/error.hpp"

namespace retort::engine {

namespace {

/// Where the credentials end: the last '@' before the first '/' or '?'; failing
/// that, as SQLAlchemy's pattern has it, the first '@' after a "user:" that
/// precedes any '/', so a password may hold an unencoded '/' (not a '?').
std::size_t credentials_end(std::string_view rest) {
  auto slash = rest.find('/'), qmark = rest.find('?');
  auto end = std::min(slash, qmark);
  auto at = rest.substr(0, end).rfind('@');
  if (at != std::string_view::npos) return at;
  auto colon = rest.find(':');
  if (colon >= end) return std::string_view::npos;
  at = rest.find('@', colon);
  return at < qmark ? at : std::string_view::npos;
}

}  // namespace

namespace detail {

/// Parses one URL text; knows which parts of it are secret.
class url_parser {
 public:
  explicit url_parser(std::string_view text) : text_(text) { find_secrets(); }

  url parse();

 private:
  /// The spans of text_ an error may not show: the password, and the value of
  /// a `password=` query option. Found before parsing, and more widely than the
  /// parser looks: everything between "user:" and the last '@' of the text.
  void find_secrets() {
    auto sep = text_.find("://");
    if (sep == std::string_view::npos) return;
    auto rest_at = sep + 3;
    auto rest = text_.substr(rest_at);
    auto colon = rest.find(':');
    auto at = rest.rfind('@');
    if (colon != std::string_view::npos && colon < rest.find('/') && at != std::string_view::npos && at > colon)
      secrets_.emplace_back(rest_at + colon + 1, rest_at + at);
    for (auto pos = text_.find("password=", rest_at); pos != std::string_view::npos;
         pos = text_.find("password=", pos + 1)) {
      auto value = pos + 9;
      secrets_.emplace_back(value, std::min(text_.find('&', value), text_.size()));
    }
  }

  bool secret(std::size_t begin, std::size_t end) const {
    for (auto [b, e] : secrets_)
      if (begin < e && b < end) return true;
    return false;
  }

  /// `piece` (a view into the text) quoted for a message, or "***" if it overlaps a secret.
  std::string quote(std::string_view piece) const {
    auto begin = static_cast<std::size_t>(piece.data() - text_.data());
    return "'" + (secret(begin, begin + std::max<std::size_t>(piece.size(), 1)) ? "***" : std::string(piece)) + "'";
  }

  /// The whole text with its secrets masked.
  std::string shown() const {
    std::string out;
    std::size_t pos = 0;
    auto spans = secrets_;
    std::sort(spans.begin(), spans.end());
    for (auto [b, e] : spans) {
      if (b < pos) b = pos;
      if (e <= b) continue;
      out.append(text_.substr(pos, b - pos));
      out += "***";
      pos = e;
    }
    out.append(text_.substr(pos));
    return out;
  }

  [[noreturn]] void bad(const std::string& why) const {
    throw ArgumentError("invalid database URL '" + shown() + "': " + why);
  }

  /// Percent-decodes `s`, the URL's `part` ("password", "database", ...); a NUL
  /// byte would silently cut the value short in every C API below, so it is refused.
  std::string decode(std::string_view s, const char* part) const {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%') {
        if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
            !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
          bad(std::string("bad percent-escape in the ") + part);
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i];
      }
      if (!out.empty() && out.back() == '\0') bad(std::string("the ") + part + " contains a NUL byte (%00)");
    }
    return out;
  }

  void parse_query(url& u, std::string_view query) const;
  void parse_host(url& u, std::string_view netloc) const;

  std::string_view text_;
  std::vector<std::pair<std::size_t, std::size_t>> secrets_;
};

url url_parser::parse() {
  url u;
  auto sep = text_.find("://");
  if (sep == std::string_view::npos || sep == 0) bad("expected 'scheme://...'");
  auto scheme = text_.substr(0, sep);
  for (char c : scheme)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '_'))
      bad("scheme " + quote(scheme) + " has invalid characters");
  auto plus = scheme.find('+');
  auto backend = std::string(scheme.substr(0, plus));
  if (backend.empty()) bad("scheme " + quote(scheme) + " names no backend");
  auto driver = plus == std::string_view::npos ? std::string() : std::string(scheme.substr(plus + 1));
  auto rest = text_.substr(sep + 3);

  std::string username, password;
  if (auto at = credentials_end(rest); at != std::string_view::npos) {
    auto cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto colon = cred.find(':');
    username = decode(cred.substr(0, colon), "user name");
    if (colon != std::string_view::npos) password = decode(cred.substr(colon + 1), "password");
  }
  u.backend_ = std::move(backend);
  u.driver_ = std::move(driver);
  u.username_ = std::move(username);
  u.password_ = std::move(password);

  auto q = rest.find('?');
  if (q != std::string_view::npos) {
    parse_query(u, rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  auto slash = rest.find('/');
  if (slash != std::string_view::npos) u.set_database(decode(rest.substr(slash + 1), "database"));
  parse_host(u, rest.substr(0, slash));
  return u;
}

void url_parser::parse_query(url& u, std::string_view query) const {
  while (!query.empty()) {
    auto amp = query.find('&');
    auto pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) bad("query option " + quote(pair) + " needs key=value");
    auto key = decode(pair.substr(0, eq), "query option name");
    u.query_[key] = (decode(pair.substr(eq + 1), ("value of query option " + key).c_str()));
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
}

void url_parser::parse_host(url& u, std::string_view netloc) const {
  std::string_view host = netloc;
  std::string_view port;
  bool has_port = false;
  if (netloc.starts_with('[')) {  // IPv6 literal
    auto close = netloc.find(']');
    if (close == std::string_view::npos) bad("unclosed '[' in host");
    host = netloc.substr(1, close - 1);
    auto after = netloc.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') bad("unexpected text after IPv6 host");
      port = after.substr(1);
      has_port = true;
    }
  } else if (auto colon = netloc.rfind(':'); colon != std::string_view::npos) {
    host = netloc.substr(0, colon);
    port = netloc.substr(colon + 1);
    has_port = true;
  }
  if (has_port) {
    bool digits = !port.empty() && port.size() <= 5;
    for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (!digits) bad("port " + quote(port) + " is not a number");
    int number = std::stoi(std::string(port));
    if (number < 1 || number > 65535) bad("port " + quote(port) + " is out of range");
    u.port_ = number;
  }
  if (!host.empty()) u.host_ = decode(host, "host");
}

}  // namespace detail

namespace {

/// Percent-encodes all but unreserved characters and those in `keep`.
std::string encode(std::string_view s, std::string_view keep = {}) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool unreserved = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

url url::parse(std::string_view text) { return detail::url_parser(text).parse(); }

std::string url::option(const std::string& key, const std::string& fallback) const {
  auto it = query_.find(key);
  return it == query_.end() ? fallback : it->second;
}

std::string url::render(bool hide_password) const {
  std::string out = backend_;
  if (!driver_.empty()) out += "+" + driver_;
  out += "://";
  if (!username_.empty() || !password_.empty()) {  // "://:secret@host" has a password and no user
    out += encode(username_);
    if (!password_.empty()) out += ":" + (hide_password ? std::string("***") : encode(password_));
    out += "@";
  }
  // Every part encoded so that it parses back the same: a socket directory as
  // host is "%2Frun%2Fpostgresql", a '?' in a file name "%3F".
  if (host_.find(':') != std::string::npos) out += "[" + encode(host_, ":") + "]";
  else out += encode(host_);
  if (port_) out += ":" + std::to_string(*port_);
  // '@' stays encoded: the parser takes the last '@' before a '?' as the end of the credentials.
  if (!database_.empty() || !query_.empty()) out += "/" + encode(database_, "/:");
  char joiner = '?';
  for (const auto& [k, v] : query_) {
    out += joiner + encode(k) + "=" + (hide_password && k == "password" ? std::string("***") : encode(v));
    joiner = '&';
  }
  return out;
}

}  // namespace retort::engine
