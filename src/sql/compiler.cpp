// Statement compilation: walks statements and expression trees once, appending
// text and collecting parameters. Parenthesizes by operator precedence so the
// output reads like hand-written SQL.
#include "retort/sql/compiler.hpp"

#include <tuple>
#include <utility>

#include "retort/util/error.hpp"

namespace retort::sql {

namespace {

int precedence(const node& n) {
  switch (n.kind) {
    case node_kind::binary: {
      const auto& op = n.text;
      if (op == "OR") return 1;
      if (op == "AND") return 2;
      if (op == "+" || op == "-" || op == "||") return 6;
      if (op == "*" || op == "/" || op == "%") return 7;
      return 4;  // comparisons, LIKE
    }
    case node_kind::prefix: return n.text == "NOT" ? 3 : 8;
    case node_kind::postfix:
    case node_kind::in_list:
    case node_kind::between:
    case node_kind::like: return 4;
    default: return 10;
  }
}

class compiler {
 public:
  explicit compiler(const dialect& d) : d_(d) {}

  compiled finish() { return {std::move(out_), std::move(params_)}; }

  void bind(const value& v) {
    d_.check_text(v, table_, column_);
    params_.push_back(v);
    d_.placeholder(out_, params_.size());
  }

  void ident(std::string_view name) { d_.append_identifier(out_, name); }

  /// The column the next bound values are for (for DataError messages).
  void in_column(std::string_view table, std::string_view column) {
    table_ = table;
    column_ = column;
  }

  void operand(const node_ptr& n, int parent_prec = 0, bool right = false) {
    if (!n) throw ArgumentError("empty expression in statement");
    int p = precedence(*n);
    bool paren = p < parent_prec || (right && p == parent_prec && p < 10);
    if (paren) out_ += '(';
    emit(*n, p);
    if (paren) out_ += ')';
  }

  void emit(const node& n, int p) {
    switch (n.kind) {
      case node_kind::column:
        if (!n.table.empty()) {
          ident(n.table);
          out_ += '.';
        }
        ident(n.text);
        break;
      case node_kind::bind: bind(n.bound); break;
      case node_kind::binary: {
        // `col = ?`: a value refused before it is sent names the column it meets.
        auto outer = std::make_pair(table_, column_);
        if (n.args[0] && n.args[0]->kind == node_kind::column) {
          table_ = n.args[0]->table;
          column_ = n.args[0]->text;
        }
        operand(n.args[0], p);
        out_ += ' ';
        out_ += n.text;
        out_ += ' ';
        operand(n.args[1], p, true);
        std::tie(table_, column_) = outer;
        break;
      }
      case node_kind::prefix:
        out_ += n.text;
        if (n.text != "-") out_ += ' ';
        operand(n.args[0], p);
        break;
      case node_kind::postfix:
        operand(n.args[0], p + 1);
        out_ += ' ';
        out_ += n.text;
        break;
      case node_kind::function:
        out_ += n.text;
        out_ += '(';
        if (n.args.empty() && n.text == "count") out_ += '*';
        list(n.args);
        out_ += ')';
        break;
      case node_kind::label:
        operand(n.args[0]);
        out_ += " AS ";
        ident(n.text);
        break;
      case node_kind::in_list: in_list(n, p); break;
      case node_kind::between:
        operand(n.args[0], p + 1);
        out_ += n.negated ? " NOT BETWEEN " : " BETWEEN ";
        operand(n.args[1], p + 1);
        out_ += " AND ";
        operand(n.args[2], p + 1);
        break;
      case node_kind::ordering:
        operand(n.args[0]);
        out_ += ' ';
        out_ += n.text;
        break;
      case node_kind::subquery:
        out_ += '(';
        statement(query_of(n));
        out_ += ')';
        break;
      case node_kind::exists:
        out_ += n.negated ? "NOT EXISTS (" : "EXISTS (";
        statement(query_of(n));
        out_ += ')';
        break;
      case node_kind::star: out_ += '*'; break;
      case node_kind::like: like(n, p); break;
    }
  }

  /// [NOT] LIKE with its wildcards and ESCAPE; ILIKE where the dialect has it,
  /// else lower(x) LIKE lower(pattern), as SQLAlchemy renders it.
  void like(const node& n, int p) {
    bool lower = n.text == "ILIKE" && !d_.has_ilike();
    wrap_lower(lower, n.args[0], p);
    out_ += n.negated ? " NOT " : " ";
    out_ += lower ? "LIKE" : n.text;
    out_ += ' ';
    auto w = static_cast<unsigned>(n.wildcards);
    if (w & static_cast<unsigned>(like_wildcards::before)) out_ += "'%' || ";
    wrap_lower(lower, n.args[1], p);
    if (w & static_cast<unsigned>(like_wildcards::after)) out_ += " || '%'";
    if (n.escape != '\0') {
      out_ += " ESCAPE '";
      out_ += n.escape;
      if (n.escape == '\'') out_ += '\'';  // doubled inside the literal
      out_ += '\'';
    }
  }

  void wrap_lower(bool lower, const node_ptr& operand_node, int p) {
    if (!lower) {
      operand(operand_node, p + 1);
      return;
    }
    out_ += "lower(";
    operand(operand_node);
    out_ += ')';
  }

  /// A subquery node's SELECT; detail::make_subquery / make_exists accept a null one.
  static const select& query_of(const node& n) {
    if (!n.query) throw ArgumentError("empty subquery in statement");
    return *n.query;
  }

  void in_list(const node& n, int p) {
    if (n.query) {
      operand(n.args[0], p + 1);
      out_ += n.negated ? " NOT IN (" : " IN (";
      statement(*n.query);
      out_ += ')';
      return;
    }
    if (n.args.size() == 1) {
      // Empty IN: no database accepts "IN ()". Render a predicate that is
      // false (true for NOT IN) for every row, as SQLAlchemy does.
      out_ += n.negated ? "1 = 1" : "1 != 1";
      return;
    }
    operand(n.args[0], p + 1);
    out_ += n.negated ? " NOT IN (" : " IN (";
    for (std::size_t i = 1; i < n.args.size(); ++i) {
      if (i > 1) out_ += ", ";
      operand(n.args[i]);
    }
    out_ += ')';
  }

  void list(const std::vector<node_ptr>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out_ += ", ";
      operand(items[i]);
    }
  }

  void list(const std::vector<expression>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out_ += ", ";
      operand(items[i].get());
    }
  }

  void conjunction(const std::vector<expr<bool>>& terms) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
      if (i) out_ += " AND ";
      operand(terms[i].get(), terms.size() > 1 ? 2 : 0);
    }
  }

  void from(const from_item& f) {
    if (f.subquery) {
      out_ += '(';
      statement(*f.subquery);
      out_ += ')';
    } else {
      ident(f.table);
    }
    if (!f.alias.empty()) {
      out_ += " AS ";
      ident(f.alias);
    }
  }

  void statement(const select& s) {
    core(s);
    for (const auto& c : s.compounds()) {
      const auto& m = *c.query;
      if (!m.orders().empty() || m.limit_value() || m.offset_value() || !m.compounds().empty())
        throw ArgumentError(
            "a UNION member has its own ORDER BY, LIMIT, OFFSET or UNION; wrap it in a subquery first");
      out_ += c.all ? " UNION ALL " : " UNION ";
      core(m);
    }
    tail(s);
  }

  /// SELECT ... FROM ... WHERE ... GROUP BY ... HAVING ...
  void core(const select& s) {
    out_ += s.is_distinct() ? "SELECT DISTINCT " : "SELECT ";
    if (s.columns().empty()) throw ArgumentError("SELECT has no columns");
    list(s.columns());
    // The joins hang off the first FROM item (the query's entity, which every
    // join starts from): `FROM post LEFT OUTER JOIN user ON ..., post_tag`. After
    // the last item instead, a join's ON could not name the first one on
    // PostgreSQL (a JOIN binds tighter than the comma).
    if (!s.froms().empty()) {
      out_ += " FROM ";
      from(s.froms()[0]);
    }
    for (const auto& j : s.joins()) {
      out_ += j.kind == join_kind::left ? " LEFT OUTER JOIN " : " JOIN ";
      from(j.target);
      out_ += " ON ";
      operand(j.on.get());
    }
    for (std::size_t i = 1; i < s.froms().size(); ++i) {
      out_ += ", ";
      from(s.froms()[i]);
    }
    if (!s.wheres().empty()) {
      out_ += " WHERE ";
      conjunction(s.wheres());
    }
    if (!s.groups().empty()) {
      out_ += " GROUP BY ";
      list(s.groups());
    }
    if (!s.havings().empty()) {
      out_ += " HAVING ";
      conjunction(s.havings());
    }
  }

  /// ORDER BY ... LIMIT ... OFFSET ...
  void tail(const select& s) {
    if (!s.orders().empty()) {
      out_ += " ORDER BY ";
      list(s.orders());
    }
    if (s.limit_value()) {
      out_ += " LIMIT ";
      bind(value(*s.limit_value()));
    } else if (s.offset_value() && d_.offset_requires_limit()) {
      out_ += " LIMIT ";
      bind(value(std::int64_t{-1}));
    }
    if (s.offset_value()) {
      out_ += " OFFSET ";
      bind(value(*s.offset_value()));
    }
  }

  void statement(const insert& s) {
    out_ += "INSERT INTO ";
    ident(s.table());
    const auto& cols = s.column_names();
    if (cols.empty() && (s.rows().empty() || s.rows().front().empty())) {
      // One statement, one row of defaults: more rows would silently be one.
      if (s.rows().size() > 1)
        throw ArgumentError("INSERT INTO " + s.table() + " DEFAULT VALUES inserts one row, not " +
                            std::to_string(s.rows().size()));
      out_ += " DEFAULT VALUES";
      returning(s.returning_columns());
      return;
    }
    out_ += " (";
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i) out_ += ", ";
      ident(cols[i]);
    }
    out_ += ')';
    if (s.rows().empty()) throw ArgumentError("INSERT INTO " + s.table() + " has no rows");
    for (const auto& r : s.rows())
      if (r.size() != cols.size())
        throw ArgumentError("INSERT INTO " + s.table() + ": a row has " + std::to_string(r.size()) +
                            " values for " + std::to_string(cols.size()) + " columns");
    if (s.is_sentinel_ordered())
      sentinel_values(s);
    else
      values(s);
    in_column({}, {});
    if (s.conflict_clause()) on_conflict(s, *s.conflict_clause());
    returning(s.returning_columns());
  }

  void on_conflict(const insert& s, const insert::conflict& c) {
    if (s.is_sentinel_ordered()) out_ += " WHERE true";  // SQLite: an upsert after INSERT ... SELECT needs a WHERE
    out_ += " ON CONFLICT";
    if (!c.target.empty()) {
      out_ += " (";
      for (std::size_t i = 0; i < c.target.size(); ++i) {
        if (i) out_ += ", ";
        ident(c.target[i]);
      }
      out_ += ')';
    }
    if (c.sets.empty()) {
      if (!c.where.empty()) throw ArgumentError("INSERT INTO " + s.table() + ": ON CONFLICT DO NOTHING takes no WHERE");
      out_ += " DO NOTHING";
      return;
    }
    if (c.target.empty())
      throw ArgumentError("INSERT INTO " + s.table() + ": ON CONFLICT DO UPDATE needs the conflict's columns (index_elements)");
    out_ += " DO UPDATE SET ";
    for (std::size_t i = 0; i < c.sets.size(); ++i) {
      if (i) out_ += ", ";
      ident(c.sets[i].first);
      out_ += " = ";
      in_column(s.table(), c.sets[i].first);
      operand(c.sets[i].second.get());
    }
    in_column({}, {});
    if (!c.where.empty()) {
      out_ += " WHERE ";
      conjunction(c.where);
    }
  }

  void values(const insert& s) {
    out_ += " VALUES ";
    for (std::size_t r = 0; r < s.rows().size(); ++r) {
      if (r) out_ += ", ";
      out_ += '(';
      for (std::size_t c = 0; c < s.rows()[r].size(); ++c) {
        if (c) out_ += ", ";
        in_column(s.table(), s.column_names()[c]);
        bind(s.rows()[r][c]);
      }
      out_ += ')';
    }
  }

  // INSERT INTO t (a, b) SELECT p0, p1 FROM (VALUES (CAST(? AS T), ..., 0), ...)
  //   AS imp_sen (p0, p1, sen) ORDER BY sen
  void sentinel_values(const insert& s) {
    const auto& types = s.column_types();
    if (types.size() != s.column_names().size())
      throw ArgumentError("sentinel-ordered INSERT INTO " + s.table() + " needs a type per column");
    std::size_t n = s.column_names().size();
    out_ += " SELECT ";
    for (std::size_t c = 0; c < n; ++c) out_ += (c ? ", p" : "p") + std::to_string(c);
    out_ += " FROM (VALUES ";
    for (std::size_t r = 0; r < s.rows().size(); ++r) {
      if (r) out_ += ", ";
      out_ += '(';
      for (std::size_t c = 0; c < n; ++c) {
        out_ += "CAST(";
        in_column(s.table(), s.column_names()[c]);
        bind(s.rows()[r][c]);
        out_ += " AS " + d_.type_name(types[c]) + "), ";
      }
      out_ += std::to_string(r) + ')';
    }
    out_ += ") AS imp_sen (";
    for (std::size_t c = 0; c < n; ++c) out_ += "p" + std::to_string(c) + ", ";
    out_ += "sen) ORDER BY sen";
  }

  void returning(const std::vector<std::string>& cols) {
    if (cols.empty()) return;
    if (!d_.supports_returning()) throw ArgumentError(std::string(d_.name()) + " does not support RETURNING");
    out_ += " RETURNING ";
    for (std::size_t i = 0; i < cols.size(); ++i) {
      if (i) out_ += ", ";
      ident(cols[i]);
    }
  }

  void statement(const update& s) {
    if (s.sets().empty()) throw ArgumentError("UPDATE " + s.table() + " sets no columns");
    out_ += "UPDATE ";
    ident(s.table());
    out_ += " SET ";
    for (std::size_t i = 0; i < s.sets().size(); ++i) {
      if (i) out_ += ", ";
      ident(s.sets()[i].first);
      out_ += " = ";
      in_column(s.table(), s.sets()[i].first);
      operand(s.sets()[i].second.get());
    }
    in_column({}, {});
    if (!s.wheres().empty()) {
      out_ += " WHERE ";
      conjunction(s.wheres());
    }
    returning(s.returning_columns());
  }

  void statement(const delete_& s) {
    out_ += "DELETE FROM ";
    ident(s.table());
    if (!s.wheres().empty()) {
      out_ += " WHERE ";
      conjunction(s.wheres());
    }
    returning(s.returning_columns());
  }

 private:
  const dialect& d_;
  std::string_view table_, column_;  ///< where bound values go, when known (views into the statement)
  std::string out_;
  std::vector<value> params_;
};

}  // namespace

compiled compile(const select& s, const dialect& d) {
  compiler c(d);
  c.statement(s);
  return c.finish();
}
compiled compile(const insert& s, const dialect& d) {
  compiler c(d);
  c.statement(s);
  return c.finish();
}
compiled compile(const update& s, const dialect& d) {
  compiler c(d);
  c.statement(s);
  return c.finish();
}
compiled compile(const delete_& s, const dialect& d) {
  compiler c(d);
  c.statement(s);
  return c.finish();
}
compiled compile(const expression& e, const dialect& d) {
  compiler c(d);
  c.operand(e.get());
  return c.finish();
}

}  // namespace retort::sql
