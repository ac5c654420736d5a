// Typed SQL expressions. `expr<T>` is a thin typed handle over an immutable,
// type-erased expression tree (`node`); all compilation happens in compiled
// code (compiler.cpp). Literals become bound parameters, always.
#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <string>
#include <utility>
#include <vector>

#include "retort/sql/value.hpp"

namespace retort::sql {

class select;
struct node;
using node_ptr = std::shared_ptr<const node>;

enum class node_kind : std::uint8_t {
  column,    ///< [table.]name
  bind,      ///< a bound parameter
  binary,    ///< lhs op rhs
  prefix,    ///< op operand  (NOT, -)
  postfix,   ///< operand op  (IS NULL, IS NOT NULL)
  function,  ///< name(args) ; name(*) when args is empty and op is "count"
  label,     ///< operand AS name
  in_list,   ///< operand [NOT] IN (args); empty args render as a false (true for NOT IN) predicate
  between,   ///< operand [NOT] BETWEEN a AND b
  ordering,  ///< operand ASC|DESC
  subquery,  ///< (SELECT ...)
  exists,    ///< [NOT] EXISTS (SELECT ...)
  star,      ///< *
  like,      ///< operand [NOT] LIKE|ILIKE ['%' ||] pattern [|| '%'] [ESCAPE 'c']
};

/// Where a like node adds `%` around its pattern: contains() both, startswith() after, endswith() before.
enum class like_wildcards : std::uint8_t { none = 0, before = 1, after = 2, both = 3 };

/// One node of an expression tree. Immutable once built.
struct node {
  node_kind kind;
  std::string text;   ///< column name, operator, function name, label, "ASC"/"DESC"
  std::string table;  ///< qualifier of a column (table name or alias); may be empty
  std::string source; ///< column: the table an alias qualifier stands for (empty: the qualifier is the table)
  value bound;        ///< the parameter of a bind node
  std::vector<node_ptr> args;
  std::shared_ptr<const select> query;  ///< subquery / exists
  bool negated = false;
  char escape = '\0';  ///< like: the ESCAPE character, '\0' for none
  like_wildcards wildcards = like_wildcards::none;  ///< like
  /// column: its alias belongs to the statement the expression ends up in, never
  /// to an enclosing one (a many-to-many contains()'s association row): an
  /// EXISTS built around it (has(), any()) lists the alias in its own FROM.
  bool private_alias = false;
};

/// An untyped expression: what statements store and the compiler reads.
class expression {
 public:
  expression() = default;
  explicit expression(node_ptr n) : node_(std::move(n)) {}

  const node_ptr& get() const noexcept { return node_; }
  explicit operator bool() const noexcept { return node_ != nullptr; }

  expression asc() const;
  expression desc() const;
  expression label(std::string name) const;

 protected:
  node_ptr node_;
};

namespace detail {
node_ptr make_column(std::string table, std::string name);
/// A column of `alias`, an alias of `table` (the ORM infers `table AS alias` for FROM from it).
node_ptr make_aliased_column(std::string alias, std::string table, std::string name);
node_ptr make_bind(value v);
node_ptr make_binary(const node_ptr& lhs, std::string op, const node_ptr& rhs);
node_ptr make_prefix(std::string op, const node_ptr& operand);
node_ptr make_postfix(const node_ptr& operand, std::string op);
node_ptr make_function(std::string name, std::vector<node_ptr> args);
node_ptr make_in(const node_ptr& operand, std::vector<node_ptr> items, bool negated);
node_ptr make_in_subquery(const node_ptr& operand, std::shared_ptr<const select> q, bool negated);
node_ptr make_between(const node_ptr& operand, const node_ptr& lo, const node_ptr& hi, bool negated);
node_ptr make_subquery(std::shared_ptr<const select> q);
node_ptr make_exists(std::shared_ptr<const select> q, bool negated);
node_ptr make_star();
/// A like node; `op` is "LIKE" or "ILIKE". Raises ArgumentError for an escape
/// that is not one printable ASCII character other than % and _.
node_ptr make_like(const node_ptr& operand, std::string op, bool negated, std::string pattern,
                   std::optional<char> escape, like_wildcards wildcards = like_wildcards::none);
/// `value` with `%`, `_` and `escape` itself preceded by `escape` (SQLAlchemy's autoescape).
std::string escape_like(std::string_view value, char escape);
/// contains() / startswith() / endswith(): `value` matched literally when `autoescape`, with ESCAPE '/'.
node_ptr make_match(const node_ptr& operand, std::string value, bool autoescape, like_wildcards wildcards);
}  // namespace detail

template <class T>
class expr;

namespace detail {
template <class T>
struct unoptional {
  using type = T;
};
template <class T>
struct unoptional<std::optional<T>> {
  using type = T;
};
template <class T>
using sql_base_t = typename unoptional<std::remove_cvref_t<T>>::type;

enum class value_category : std::uint8_t { exact, boolean, number, text };
/// How SQL compares values of a C++ type: numbers with numbers, text with text,
/// the other types (dates, blobs) only with themselves. NULL-ness does not count.
template <class T>
constexpr value_category category_of() {
  using B = sql_base_t<T>;
  if constexpr (std::is_same_v<B, bool>)
    return value_category::boolean;
  else if constexpr (std::is_arithmetic_v<B> || std::is_same_v<B, numeric>)
    return value_category::number;
  else if constexpr (std::is_convertible_v<const B&, std::string_view>)
    return value_category::text;
  else
    return value_category::exact;
}
template <class V>
V value_of_expr(const expr<V>*);
template <class U>
struct operand_value {
  using type = U;  // a literal
};
template <class U>
  requires requires(const U* u) { value_of_expr(u); }
struct operand_value<U> {
  using type = decltype(value_of_expr(static_cast<const U*>(nullptr)));  // expr<V> or derived from it
};
}  // namespace detail

/// Whether `U` (a literal, or an expression) may stand beside an `expr<T>`: the
/// same kind of value (an `int` column against `"x"` is a compile error). An
/// untyped `expression` may stand anywhere.
template <class T, class U>
concept operand_of = std::is_same_v<U, expression> ||
                     (detail::category_of<T>() == detail::category_of<typename detail::operand_value<U>::type>() &&
                      (detail::category_of<T>() != detail::value_category::exact ||
                       std::is_same_v<detail::sql_base_t<T>,
                                      detail::sql_base_t<typename detail::operand_value<U>::type>>));

/// A typed expression: `T` is the C++ type of the value it yields.
template <class T>
class expr : public expression {
 public:
  expr() = default;
  explicit expr(node_ptr n) : expression(std::move(n)) {}

  expr<bool> is_null() const { return expr<bool>(detail::make_postfix(node_, "IS NULL")); }
  expr<bool> is_not_null() const { return expr<bool>(detail::make_postfix(node_, "IS NOT NULL")); }
  /// `x LIKE ?`: `%` and `_` in `pattern` are wildcards.
  expr<bool> like(std::string pattern) const {
    return expr<bool>(detail::make_binary(node_, "LIKE", detail::make_bind(value(std::move(pattern)))));
  }
  expr<bool> not_like(std::string pattern) const {
    return expr<bool>(detail::make_binary(node_, "NOT LIKE", detail::make_bind(value(std::move(pattern)))));
  }
  /// `x LIKE ? ESCAPE '/'`: in `pattern`, `escape` before `%`, `_` or itself
  /// makes it literal (SQLAlchemy: `like(pattern, escape="/")`).
  /// Example: `name.like("100/%%", '/')` matches text starting "100%".
  expr<bool> like(std::string pattern, char escape) const {
    return expr<bool>(detail::make_like(node_, "LIKE", false, std::move(pattern), escape));
  }
  expr<bool> not_like(std::string pattern, char escape) const {
    return expr<bool>(detail::make_like(node_, "LIKE", true, std::move(pattern), escape));
  }
  /// Case-insensitive LIKE: `x ILIKE ?` on PostgreSQL, `lower(x) LIKE lower(?)` elsewhere.
  expr<bool> ilike(std::string pattern) const {
    return expr<bool>(detail::make_like(node_, "ILIKE", false, std::move(pattern), std::nullopt));
  }
  expr<bool> ilike(std::string pattern, char escape) const {
    return expr<bool>(detail::make_like(node_, "ILIKE", false, std::move(pattern), escape));
  }
  expr<bool> not_ilike(std::string pattern) const {
    return expr<bool>(detail::make_like(node_, "ILIKE", true, std::move(pattern), std::nullopt));
  }
  expr<bool> not_ilike(std::string pattern, char escape) const {
    return expr<bool>(detail::make_like(node_, "ILIKE", true, std::move(pattern), escape));
  }
  /// `x LIKE '%' || ? || '%'` (SQLAlchemy's `contains`). With `autoescape`, `%`,
  /// `_` and `/` in `s` match themselves (`ESCAPE '/'`); without, `%` and `_`
  /// in `s` are wildcards. `s` is always a bound parameter.
  expr<bool> contains(std::string s, bool autoescape = false) const {
    return expr<bool>(detail::make_match(text_node(), std::move(s), autoescape, like_wildcards::both));
  }
  /// `x LIKE ? || '%'`; `autoescape` as for contains().
  expr<bool> startswith(std::string s, bool autoescape = false) const {
    return expr<bool>(detail::make_match(text_node(), std::move(s), autoescape, like_wildcards::after));
  }
  /// `x LIKE '%' || ?`; `autoescape` as for contains().
  expr<bool> endswith(std::string s, bool autoescape = false) const {
    return expr<bool>(detail::make_match(text_node(), std::move(s), autoescape, like_wildcards::before));
  }
  /// `x IN (a, b, ...)`; an empty list is a predicate that is always false.
  template <class U>
  expr<bool> in_(const std::vector<U>& items) const {
    return expr<bool>(detail::make_in(node_, binds(items), false));
  }
  template <class U>
  expr<bool> in_(std::initializer_list<U> items) const {
    return in_(std::vector<U>(items));
  }
  /// `in_({})`: without this, `{}` would pick the subquery overload.
  expr<bool> in_(std::initializer_list<detail::sql_base_t<T>> items) const {
    return in_(std::vector<detail::sql_base_t<T>>(items));
  }
  /// `x NOT IN (a, b, ...)`; an empty list is always true.
  template <class U>
  expr<bool> not_in(const std::vector<U>& items) const {
    return expr<bool>(detail::make_in(node_, binds(items), true));
  }
  template <class U>
  expr<bool> not_in(std::initializer_list<U> items) const {
    return not_in(std::vector<U>(items));
  }
  expr<bool> not_in(std::initializer_list<detail::sql_base_t<T>> items) const {
    return not_in(std::vector<detail::sql_base_t<T>>(items));
  }
  /// `x IN (SELECT ...)` / `x NOT IN (SELECT ...)`.
  expr<bool> in_(const select& q) const;
  expr<bool> not_in(const select& q) const;
  template <class A, class B>
  expr<bool> between(const A& lo, const B& hi) const {
    return expr<bool>(detail::make_between(node_, operand(lo), operand(hi), false));
  }
  expr<T> label(std::string name) const { return expr<T>(expression::label(std::move(name)).get()); }

  /// A value or expression as an operand of this expression's type.
  template <class U>
  static node_ptr operand(const U& v) {
    static_assert(operand_of<T, U>,
                  "retort::sql: this operand's type does not match the expression's (compare numbers with numbers, "
                  "text with text, dates with dates)");
    if constexpr (std::is_base_of_v<expression, U>)
      return v.get();
    else
      return detail::make_bind(to_value(v));
  }

 private:
  const node_ptr& text_node() const {
    static_assert(detail::category_of<T>() == detail::value_category::text,
                  "retort::sql: contains/startswith/endswith need a text expression");
    return node_;
  }
  template <class U>
  static std::vector<node_ptr> binds(const std::vector<U>& items) {
    static_assert(operand_of<T, U>, "retort::sql: the list's element type does not match the expression's");
    std::vector<node_ptr> out;
    out.reserve(items.size());
    for (const auto& i : items) out.push_back(detail::make_bind(to_value(i)));
    return out;
  }
};

template <class T>
struct expr_type {
  using type = T;
};
template <class T>
struct expr_type<expr<T>> {
  using type = T;
};

// Comparisons: expr <op> expr-or-literal, and literal <op> expr for the
// ordering operators. `literal == expr` is left out on purpose: C++20 would
// consider it as a rewritten `expr == literal`, whose result must be bool.
#define RETORT_COMPARISON(op, sqlop)                                             \
  template <class T, class U>                                                    \
  expr<bool> operator op(const expr<T>& a, const U& b) {                         \
    return expr<bool>(detail::make_binary(a.get(), sqlop, expr<T>::operand(b))); \
  }
#define RETORT_REVERSED_COMPARISON(op, sqlop)                                    \
  template <class U, class T>                                                    \
    requires(!std::is_base_of_v<expression, U>)                                  \
  expr<bool> operator op(const U& a, const expr<T>& b) {                         \
    return expr<bool>(detail::make_binary(expr<T>::operand(a), sqlop, b.get())); \
  }
RETORT_COMPARISON(==, "=")
RETORT_COMPARISON(!=, "!=")
RETORT_COMPARISON(<, "<")
RETORT_COMPARISON(<=, "<=")
RETORT_COMPARISON(>, ">")
RETORT_COMPARISON(>=, ">=")
RETORT_REVERSED_COMPARISON(<, "<")
RETORT_REVERSED_COMPARISON(<=, "<=")
RETORT_REVERSED_COMPARISON(>, ">")
RETORT_REVERSED_COMPARISON(>=, ">=")
#undef RETORT_COMPARISON
#undef RETORT_REVERSED_COMPARISON

#define RETORT_ARITHMETIC(op, sqlop)                                                          \
  template <class T, class U>                                                                 \
  expr<T> operator op(const expr<T>& a, const U& b) {                                         \
    static_assert(detail::category_of<T>() == detail::value_category::number,                 \
                  "retort::sql: arithmetic needs a numeric expression");                      \
    return expr<T>(detail::make_binary(a.get(), sqlop, expr<T>::operand(b)));                 \
  }                                                                                           \
  template <class U, class T>                                                                 \
    requires(!std::is_base_of_v<expression, U>)                                               \
  expr<T> operator op(const U& a, const expr<T>& b) {                                         \
    static_assert(detail::category_of<T>() == detail::value_category::number,                 \
                  "retort::sql: arithmetic needs a numeric expression");                      \
    return expr<T>(detail::make_binary(expr<T>::operand(a), sqlop, b.get()));                 \
  }
RETORT_ARITHMETIC(-, "-")
RETORT_ARITHMETIC(*, "*")
RETORT_ARITHMETIC(/, "/")
RETORT_ARITHMETIC(%, "%")
#undef RETORT_ARITHMETIC

// `+` adds numbers and, as SQLAlchemy's String + String, concatenates text: `||`.
template <class T, class U>
expr<T> operator+(const expr<T>& a, const U& b) {
  constexpr auto category = detail::category_of<T>();
  static_assert(category == detail::value_category::number || category == detail::value_category::text,
                "retort::sql: + needs a numeric or a text expression");
  return expr<T>(detail::make_binary(a.get(), category == detail::value_category::text ? "||" : "+",
                                     expr<T>::operand(b)));
}
template <class U, class T>
  requires(!std::is_base_of_v<expression, U>)
expr<T> operator+(const U& a, const expr<T>& b) {
  constexpr auto category = detail::category_of<T>();
  static_assert(category == detail::value_category::number || category == detail::value_category::text,
                "retort::sql: + needs a numeric or a text expression");
  return expr<T>(detail::make_binary(expr<T>::operand(a), category == detail::value_category::text ? "||" : "+",
                                     b.get()));
}

inline expr<bool> operator&&(const expr<bool>& a, const expr<bool>& b) {
  return expr<bool>(detail::make_binary(a.get(), "AND", b.get()));
}
inline expr<bool> operator||(const expr<bool>& a, const expr<bool>& b) {
  return expr<bool>(detail::make_binary(a.get(), "OR", b.get()));
}
inline expr<bool> operator!(const expr<bool>& a) { return expr<bool>(detail::make_prefix("NOT", a.get())); }
template <class T>
expr<T> operator-(const expr<T>& a) {
  return expr<T>(detail::make_prefix("-", a.get()));
}

/// SQLAlchemy's `and_(...)` / `or_(...)` / `not_(...)`.
expr<bool> and_(std::vector<expr<bool>> terms);
expr<bool> or_(std::vector<expr<bool>> terms);
inline expr<bool> not_(const expr<bool>& e) { return !e; }

/// A column reference: `column_ref<std::string>("user", "username")`.
template <class T>
expr<T> column_ref(std::string table, std::string name) {
  return expr<T>(detail::make_column(std::move(table), std::move(name)));
}

/// A bound literal as an expression (`literal(5) + col`).
template <class T>
expr<T> literal(const T& v) {
  return expr<T>(detail::make_bind(to_value(v)));
}

/// `COUNT(*)`.
expr<std::int64_t> count();
/// `COUNT(e)`.
expr<std::int64_t> count(const expression& e);
/// `COUNT(DISTINCT e)` is spelled `count(distinct(e))`.
expression distinct(const expression& e);
template <class T>
expr<T> sum(const expr<T>& e) {
  return expr<T>(detail::make_function("sum", {e.get()}));
}
template <class T>
expr<T> min(const expr<T>& e) {
  return expr<T>(detail::make_function("min", {e.get()}));
}
template <class T>
expr<T> max(const expr<T>& e) {
  return expr<T>(detail::make_function("max", {e.get()}));
}
template <class T>
expr<double> avg(const expr<T>& e) {
  return expr<double>(detail::make_function("avg", {e.get()}));
}

/// `(SELECT ...)` as a scalar value.
template <class T>
expr<T> scalar(const select& q);
/// `EXISTS (SELECT ...)`.
expr<bool> exists(const select& q);
/// `*`.
expression star();

}  // namespace retort::sql
