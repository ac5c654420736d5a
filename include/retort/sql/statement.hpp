// Statements as data: select, insert, update, delete. Builders return *this
// so they chain; the compiler turns them into {text, parameters}.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "retort/sql/expression.hpp"
#include "retort/sql/schema.hpp"

namespace retort::sql {

/// Something to select from: a table (optionally aliased) or an aliased subquery.
struct from_item {
  std::string table;
  std::string alias;
  std::shared_ptr<const select> subquery;

  from_item(std::string t) : table(std::move(t)) {}  // NOLINT: implicit from a table name
  from_item(const char* t) : table(t) {}             // NOLINT
  from_item(const sql::table& t) : table(t.name()) {}  // NOLINT
  from_item(std::string t, std::string a) : table(std::move(t)), alias(std::move(a)) {}
  from_item(const select& q, std::string a);
};

enum class join_kind : std::uint8_t { inner, left };

struct join {
  from_item target;
  expression on;
  join_kind kind = join_kind::inner;
};

/// SELECT. `select({a, b}).from("t").where(a == 1)`.
class select {
 public:
  select() = default;
  explicit select(std::vector<expression> columns) : columns_(std::move(columns)) {}

  select& column(expression e) { columns_.push_back(std::move(e)); return *this; }
  select& from(from_item f) { froms_.push_back(std::move(f)); return *this; }
  select& join(from_item target, expression on) {
    joins_.push_back({std::move(target), std::move(on), join_kind::inner});
    return *this;
  }
  select& outer_join(from_item target, expression on) {
    joins_.push_back({std::move(target), std::move(on), join_kind::left});
    return *this;
  }
  /// Adds a WHERE term; several are joined with AND.
  select& where(const expr<bool>& cond) { where_.push_back(cond); return *this; }
  select& group_by(expression e) { group_by_.push_back(std::move(e)); return *this; }
  select& having(const expr<bool>& cond) { having_.push_back(cond); return *this; }
  select& order_by(expression e) { order_by_.push_back(std::move(e)); return *this; }
  select& limit(std::int64_t n) { limit_ = n; return *this; }
  select& offset(std::int64_t n) { offset_ = n; return *this; }
  select& distinct(bool on = true) { distinct_ = on; return *this; }
  /// `this UNION other` (UNION ALL with `all`); this statement's ORDER BY,
  /// LIMIT and OFFSET then apply to the whole compound. A member may not have
  /// its own ORDER BY / LIMIT / OFFSET (SQLite rejects them): wrap it in a
  /// subquery first.
  select& union_(const select& other, bool all = false);
  select& union_all(const select& other) { return union_(other, true); }

  const std::vector<expression>& columns() const noexcept { return columns_; }
  const std::vector<from_item>& froms() const noexcept { return froms_; }
  const std::vector<sql::join>& joins() const noexcept { return joins_; }
  const std::vector<expr<bool>>& wheres() const noexcept { return where_; }
  const std::vector<expression>& groups() const noexcept { return group_by_; }
  const std::vector<expr<bool>>& havings() const noexcept { return having_; }
  const std::vector<expression>& orders() const noexcept { return order_by_; }
  const std::optional<std::int64_t>& limit_value() const noexcept { return limit_; }
  const std::optional<std::int64_t>& offset_value() const noexcept { return offset_; }
  bool is_distinct() const noexcept { return distinct_; }
  struct compound_part {
    std::shared_ptr<const select> query;
    bool all = false;
  };
  const std::vector<compound_part>& compounds() const noexcept { return compounds_; }

 private:
  std::vector<expression> columns_;
  std::vector<from_item> froms_;
  std::vector<sql::join> joins_;
  std::vector<expr<bool>> where_;
  std::vector<expression> group_by_;
  std::vector<expr<bool>> having_;
  std::vector<expression> order_by_;
  std::optional<std::int64_t> limit_;
  std::optional<std::int64_t> offset_;
  bool distinct_ = false;
  std::vector<compound_part> compounds_;
};

/// INSERT, single- or multi-row: `insert("t").columns({"a","b"}).row({1, "x"}).row({2, "y"})`.
class insert {
 public:
  explicit insert(std::string table) : table_(std::move(table)) {}
  insert& columns(std::vector<std::string> names) { columns_ = std::move(names); return *this; }
  insert& row(std::vector<value> values) { rows_.push_back(std::move(values)); return *this; }
  insert& returning(std::vector<std::string> names) { returning_ = std::move(names); return *this; }
  /// Column types, used where a dialect needs typed placeholders (see `sentinel_ordered`).
  insert& types(std::vector<type> t) { types_ = std::move(t); return *this; }
  /// Multi-row insert whose rows are inserted, and RETURNING rows produced, in row order
  /// (INSERT ... SELECT ... FROM (VALUES ...) ORDER BY sentinel): keys from a sequence
  /// then rise in row order, so each returned key can be matched to its row.
  insert& sentinel_ordered(bool on = true) { sentinel_ordered_ = on; return *this; }
  /// What an upsert does with a row whose `target` columns collide with an
  /// existing row's unique index: `ON CONFLICT (target) DO NOTHING`, or `DO
  /// UPDATE SET ... [WHERE ...]` (PostgreSQL and SQLite spell it alike; the
  /// proposed row is the `excluded` table: sql::column_ref<T>("excluded", "c")).
  struct conflict {
    std::vector<std::string> target;  ///< empty: any constraint (DO NOTHING only)
    std::vector<std::pair<std::string, expression>> sets;  ///< empty: DO NOTHING
    std::vector<expr<bool>> where;
  };
  insert& on_conflict(conflict c) { conflict_ = std::move(c); return *this; }

  const std::string& table() const noexcept { return table_; }
  const std::vector<std::string>& column_names() const noexcept { return columns_; }
  const std::vector<std::vector<value>>& rows() const noexcept { return rows_; }
  const std::vector<std::string>& returning_columns() const noexcept { return returning_; }
  const std::vector<type>& column_types() const noexcept { return types_; }
  bool is_sentinel_ordered() const noexcept { return sentinel_ordered_; }
  const std::optional<conflict>& conflict_clause() const noexcept { return conflict_; }

 private:
  std::string table_;
  std::vector<std::string> columns_;
  std::vector<std::vector<value>> rows_;
  std::vector<std::string> returning_;
  std::vector<type> types_;
  bool sentinel_ordered_ = false;
  std::optional<conflict> conflict_;
};

/// UPDATE: `update("t").set("a", 5).where(id == 1)`.
class update {
 public:
  explicit update(std::string table) : table_(std::move(table)) {}
  update& set(std::string column, expression e) { sets_.emplace_back(std::move(column), std::move(e)); return *this; }
  update& set(std::string column, value v) {
    return set(std::move(column), expression(detail::make_bind(std::move(v))));
  }
  update& where(const expr<bool>& cond) { where_.push_back(cond); return *this; }
  /// UPDATE ... RETURNING these columns (the flush reads server-generated values back so).
  update& returning(std::vector<std::string> names) { returning_ = std::move(names); return *this; }

  const std::string& table() const noexcept { return table_; }
  const std::vector<std::pair<std::string, expression>>& sets() const noexcept { return sets_; }
  const std::vector<expr<bool>>& wheres() const noexcept { return where_; }
  const std::vector<std::string>& returning_columns() const noexcept { return returning_; }

 private:
  std::string table_;
  std::vector<std::pair<std::string, expression>> sets_;
  std::vector<expr<bool>> where_;
  std::vector<std::string> returning_;
};

/// DELETE: `delete_("t").where(id == 1)`.
class delete_ {
 public:
  explicit delete_(std::string table) : table_(std::move(table)) {}
  delete_& where(const expr<bool>& cond) { where_.push_back(cond); return *this; }
  /// DELETE ... RETURNING these columns (an ORM DELETE's synchronize_session=fetch reads the keys so).
  delete_& returning(std::vector<std::string> names) { returning_ = std::move(names); return *this; }
  const std::string& table() const noexcept { return table_; }
  const std::vector<expr<bool>>& wheres() const noexcept { return where_; }
  const std::vector<std::string>& returning_columns() const noexcept { return returning_; }

 private:
  std::string table_;
  std::vector<expr<bool>> where_;
  std::vector<std::string> returning_;
};

template <class T>
expr<bool> expr<T>::in_(const select& q) const {
  return expr<bool>(detail::make_in_subquery(node_, std::make_shared<const select>(q), false));
}

template <class T>
expr<bool> expr<T>::not_in(const select& q) const {
  return expr<bool>(detail::make_in_subquery(node_, std::make_shared<const select>(q), true));
}

template <class T>
expr<T> scalar(const select& q) {
  return expr<T>(detail::make_subquery(std::make_shared<const select>(q)));
}

}  // namespace retort::sql
