// URL parsing, percent-decoding of credentials and options.
#include "retort/engine/url.hpp"

#include <cctype>

#include "retort/util/error.hpp"

namespace retort::engine {

namespace {

[[noreturn]] void bad(std::string_view text, const std::string& why) {
  throw ArgumentError("invalid database URL '" + std::string(text) + "': " + why);
}

std::string decode(std::string_view s, std::string_view whole) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
        bad(whole, "bad percent-escape");
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

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

url url::parse(std::string_view text) {
  url u;
  auto sep = text.find("://");
  if (sep == std::string_view::npos || sep == 0) bad(text, "expected 'scheme://...'");
  auto scheme = text.substr(0, sep);
  for (char c : scheme)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '_'))
      bad(text, "scheme '" + std::string(scheme) + "' has invalid characters");
  auto plus = scheme.find('+');
  u.backend_ = std::string(scheme.substr(0, plus));
  if (u.backend_.empty()) bad(text, "scheme '" + std::string(scheme) + "' names no backend");
  if (plus != std::string_view::npos) u.driver_ = std::string(scheme.substr(plus + 1));
  auto rest = text.substr(sep + 3);

  auto q = rest.find('?');
  if (q != std::string_view::npos) {
    auto query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    while (!query.empty()) {
      auto amp = query.find('&');
      auto pair = query.substr(0, amp);
      auto eq = pair.find('=');
      if (eq == std::string_view::npos || eq == 0) bad(text, "query option '" + std::string(pair) + "' needs key=value");
      u.query_[decode(pair.substr(0, eq), text)] = decode(pair.substr(eq + 1), text);
      if (amp == std::string_view::npos) break;
      query = query.substr(amp + 1);
    }
  }

  auto slash = rest.find('/');
  auto netloc = rest.substr(0, slash);
  if (slash != std::string_view::npos) u.database_ = decode(rest.substr(slash + 1), text);

  auto at = netloc.rfind('@');
  if (at != std::string_view::npos) {
    auto cred = netloc.substr(0, at);
    netloc = netloc.substr(at + 1);
    auto colon = cred.find(':');
    u.username_ = decode(cred.substr(0, colon), text);
    if (colon != std::string_view::npos) u.password_ = decode(cred.substr(colon + 1), text);
  }
  std::string_view host = netloc;
  std::string_view port;
  bool has_port = false;
  if (netloc.starts_with('[')) {  // IPv6 literal
    auto close = netloc.find(']');
    if (close == std::string_view::npos) bad(text, "unclosed '[' in host");
    host = netloc.substr(1, close - 1);
    auto after = netloc.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') bad(text, "unexpected text after IPv6 host");
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
    if (!digits) bad(text, "port '" + std::string(port) + "' is not a number");
    u.port_ = std::stoi(std::string(port));
    if (*u.port_ < 1 || *u.port_ > 65535) bad(text, "port " + std::string(port) + " is out of range");
  }
  if (!host.empty()) u.host_ = decode(host, text);
  return u;
}

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
  if (!database_.empty() || !query_.empty()) out += "/" + encode(database_, "/:@");
  char joiner = '?';
  for (const auto& [k, v] : query_) {
    out += joiner + encode(k) + "=" + encode(v);
    joiner = '&';
  }
  return out;
}

}  // namespace retort::engine
