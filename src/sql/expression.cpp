// Node constructors for expression trees.
#include "retort/sql/expression.hpp"

#include "retort/sql/statement.hpp"
#include "retort/util/error.hpp"

namespace retort::sql {

namespace detail {

namespace {
std::shared_ptr<node> fresh(node_kind k) {
  auto n = std::make_shared<node>();
  n->kind = k;
  return n;
}
}  // namespace

node_ptr make_column(std::string table, std::string name) {
  auto n = fresh(node_kind::column);
  n->table = std::move(table);
  n->text = std::move(name);
  return n;
}

node_ptr make_aliased_column(std::string alias, std::string table, std::string name) {
  auto n = fresh(node_kind::column);
  n->table = std::move(alias);
  n->source = std::move(table);
  n->text = std::move(name);
  return n;
}

node_ptr make_bind(value v) {
  auto n = fresh(node_kind::bind);
  n->bound = std::move(v);
  return n;
}

node_ptr make_binary(const node_ptr& lhs, std::string op, const node_ptr& rhs) {
  auto n = fresh(node_kind::binary);
  n->text = std::move(op);
  n->args = {lhs, rhs};
  return n;
}

node_ptr make_prefix(std::string op, const node_ptr& operand) {
  auto n = fresh(node_kind::prefix);
  n->text = std::move(op);
  n->args = {operand};
  return n;
}

node_ptr make_postfix(const node_ptr& operand, std::string op) {
  auto n = fresh(node_kind::postfix);
  n->text = std::move(op);
  n->args = {operand};
  return n;
}

node_ptr make_function(std::string name, std::vector<node_ptr> args) {
  auto n = fresh(node_kind::function);
  n->text = std::move(name);
  n->args = std::move(args);
  return n;
}

node_ptr make_in(const node_ptr& operand, std::vector<node_ptr> items, bool negated) {
  auto n = fresh(node_kind::in_list);
  n->args.reserve(items.size() + 1);
  n->args.push_back(operand);
  for (auto& i : items) n->args.push_back(std::move(i));
  n->negated = negated;
  return n;
}

node_ptr make_in_subquery(const node_ptr& operand, std::shared_ptr<const select> q, bool negated) {
  auto n = fresh(node_kind::in_list);
  n->args = {operand};
  n->query = std::move(q);
  n->negated = negated;
  return n;
}

node_ptr make_between(const node_ptr& operand, const node_ptr& lo, const node_ptr& hi, bool negated) {
  auto n = fresh(node_kind::between);
  n->args = {operand, lo, hi};
  n->negated = negated;
  return n;
}

node_ptr make_subquery(std::shared_ptr<const select> q) {
  auto n = fresh(node_kind::subquery);
  n->query = std::move(q);
  return n;
}

node_ptr make_exists(std::shared_ptr<const select> q, bool negated) {
  auto n = fresh(node_kind::exists);
  n->query = std::move(q);
  n->negated = negated;
  return n;
}

node_ptr make_star() { return fresh(node_kind::star); }

node_ptr make_like(const node_ptr& operand, std::string op, bool negated, std::string pattern,
                   std::optional<char> escape, like_wildcards wildcards) {
  // Rendered as a literal ('/'), as SQLAlchemy does: one character both
  // databases take, and not a wildcard itself.
  if (escape && (*escape < 0x20 || *escape > 0x7e || *escape == '%' || *escape == '_'))
    throw ArgumentError("LIKE escape character must be one printable ASCII character other than % and _ (got code " +
                        std::to_string(static_cast<int>(static_cast<unsigned char>(*escape))) + ")");
  auto n = fresh(node_kind::like);
  n->text = std::move(op);
  n->negated = negated;
  n->args = {operand, make_bind(value(std::move(pattern)))};
  n->escape = escape.value_or('\0');
  n->wildcards = wildcards;
  return n;
}

std::string escape_like(std::string_view value, char escape) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '%' || c == '_' || c == escape) out += escape;
    out += c;
  }
  return out;
}

node_ptr make_match(const node_ptr& operand, std::string value, bool autoescape, like_wildcards wildcards) {
  if (!autoescape) return make_like(operand, "LIKE", false, std::move(value), std::nullopt, wildcards);
  return make_like(operand, "LIKE", false, escape_like(value, '/'), '/', wildcards);
}

}  // namespace detail

expression expression::asc() const {
  auto n = std::make_shared<node>();
  n->kind = node_kind::ordering;
  n->text = "ASC";
  n->args = {node_};
  return expression(n);
}

expression expression::desc() const {
  auto n = std::make_shared<node>();
  n->kind = node_kind::ordering;
  n->text = "DESC";
  n->args = {node_};
  return expression(n);
}

expression expression::label(std::string name) const {
  auto n = std::make_shared<node>();
  n->kind = node_kind::label;
  n->text = std::move(name);
  n->args = {node_};
  return expression(n);
}

namespace {
expr<bool> join_terms(std::vector<expr<bool>> terms, const char* op, bool empty_value) {
  if (terms.empty()) {
    // An empty AND is true, an empty OR false; spelled without literals.
    auto one = detail::make_bind(value(std::int64_t{1}));
    return expr<bool>(detail::make_binary(one, empty_value ? "=" : "!=", one));
  }
  node_ptr acc = terms.front().get();
  for (std::size_t i = 1; i < terms.size(); ++i) acc = detail::make_binary(acc, op, terms[i].get());
  return expr<bool>(acc);
}
}  // namespace

expr<bool> and_(std::vector<expr<bool>> terms) { return join_terms(std::move(terms), "AND", true); }
expr<bool> or_(std::vector<expr<bool>> terms) { return join_terms(std::move(terms), "OR", false); }

expr<std::int64_t> count() { return expr<std::int64_t>(detail::make_function("count", {})); }
expr<std::int64_t> count(const expression& e) {
  return expr<std::int64_t>(detail::make_function("count", {e.get()}));
}
expression distinct(const expression& e) { return expression(detail::make_prefix("DISTINCT", e.get())); }

expr<bool> exists(const select& q) {
  return expr<bool>(detail::make_exists(std::make_shared<const select>(q), false));
}

expression star() { return expression(detail::make_star()); }

}  // namespace retort::sql
