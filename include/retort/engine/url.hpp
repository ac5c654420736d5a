// Database URLs in SQLAlchemy's syntax:
//   sqlite://                  in-memory        sqlite:///relative.db   sqlite:////absolute.db
//   postgresql://user:pass@host:port/db?connect_timeout=5
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace retort::engine {

namespace detail {
class url_parser;
}

class url {
 public:
  /// Parses `text`; raises ArgumentError naming the URL (its password shown as
  /// "***") and what is wrong, also for a NUL byte (`%00`) in any decoded part.
  static url parse(std::string_view text);

  const std::string& backend() const noexcept { return backend_; }  ///< "sqlite", "postgresql"
  const std::string& driver() const noexcept { return driver_; }    ///< after '+', may be empty
  const std::string& username() const noexcept { return username_; }
  const std::string& password() const noexcept { return password_; }
  const std::string& host() const noexcept { return host_; }
  std::optional<int> port() const noexcept { return port_; }
  const std::string& database() const noexcept { return database_; }
  const std::map<std::string, std::string>& query() const noexcept { return query_; }
  /// A query option, or `fallback`.
  std::string option(const std::string& key, const std::string& fallback = "") const;

  /// The URL back as text; the password (also a `password=` option) shown as
  /// "***" unless `hide_password` is false.
  std::string render(bool hide_password = true) const;

  url& set_database(std::string db) { database_ = std::move(db); return *this; }
  url& set_option(std::string key, std::string v) { query_[std::move(key)] = std::move(v); return *this; }

 private:
  friend class detail::url_parser;
  std::string backend_, driver_, username_, password_, host_, database_;
  std::optional<int> port_;
  std::map<std::string, std::string> query_;
};

}  // namespace retort::engine
