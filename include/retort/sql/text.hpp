// Textual SQL with named parameters (SQLAlchemy's `text()`):
// `sql::text("SELECT id FROM users WHERE name = :name").bind("name", "alice")`.
// `:name` becomes the dialect's placeholder (`?`, `$1`) and its value is bound,
// never spliced; `::` (a PostgreSQL cast), `\:` (a literal colon), a colon
// after a letter or digit (`12:30`) and anything inside '...' or "..." are left
// as they are. `columns<Ts...>()` types the result's columns for
// session.execute; the ORM loads objects from it with `from_statement`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retort/sql/compiler.hpp"
#include "retort/sql/value.hpp"

namespace retort::sql {

template <class... Ts>
class typed_text;

/// Named values for a text(): `{{"name", "alice"}, {"age", 30}}`.
using named_values = std::vector<std::pair<std::string, value>>;

class text {
 public:
  /// Parses the parameters; ArgumentError for a NUL byte or an unterminated quote.
  explicit text(std::string sql);

  /// The value of `:name` (SQLAlchemy's `bindparams(name=...)`); ArgumentError
  /// when the text has no such parameter. A later bind of the same name replaces it.
  text& bind(const std::string& name, value v);
  text& bind(const named_values& values);

  /// The result's column types, in order (`text(...).columns(...)`): session.execute gives typed rows.
  template <class... Ts>
  typed_text<Ts...> columns() const {
    return typed_text<Ts...>(*this);
  }

  const std::string& sql() const noexcept { return sql_; }
  /// The parameter names, each once, in order of first appearance.
  const std::vector<std::string>& parameter_names() const noexcept { return names_; }

  /// The dialect's SQL and the values in placeholder order; ArgumentError naming
  /// every parameter left without a value.
  compiled compile(const dialect& d) const;

 private:
  struct piece {
    std::string literal;  ///< SQL text before the parameter
    std::size_t param;    ///< index into names_, or npos for the tail
  };
  std::string sql_;
  std::vector<piece> pieces_;
  std::vector<std::string> names_;
  std::vector<std::optional<value>> values_;  ///< per name
};

/// A text() with typed result columns.
template <class... Ts>
class typed_text {
 public:
  explicit typed_text(text t) : text_(std::move(t)) {}
  typed_text& bind(const std::string& name, value v) {
    text_.bind(name, std::move(v));
    return *this;
  }
  typed_text& bind(const named_values& values) {
    text_.bind(values);
    return *this;
  }
  const text& statement() const noexcept { return text_; }

 private:
  text text_;
};

inline compiled compile(const text& t, const dialect& d) { return t.compile(d); }

}  // namespace retort::sql
