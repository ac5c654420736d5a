// Relationships as query criteria (aliased.hpp): any / has as a correlated
// EXISTS, contains and == object as key comparisons, with_parent as the lazy
// load's criterion. Every form reads the relationship's join_condition, so a
// many-to-many goes through its secondary table and a self-referential one
// aliases the target inside its EXISTS.
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include "orm/load_plan.hpp"
#include "orm/session_impl.hpp"
#include "retort/orm/aliased.hpp"
#include "retort/sql/statement.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

sql::expr<bool> equals(const sql::expression& a, const sql::expression& b) {
  return sql::expr<bool>(sql::detail::make_binary(a.get(), "=", b.get()));
}

sql::expression bind(const sql::value& v) { return sql::expression(sql::detail::make_bind(v)); }

/// `name.column` of `table`; an alias's columns also carry the table (FROM inference).
sql::expression column(const std::string& name, const std::string& table, const std::string& column) {
  if (name == table) return sql::expression(sql::detail::make_column(name, column));
  return sql::expression(sql::detail::make_aliased_column(name, table, column));
}

/// `alias.column` of an association table's alias private to the expression (see sql::node::private_alias).
sql::expression private_column(const std::string& alias, const std::string& table, const std::string& column) {
  auto n = std::make_shared<sql::node>(*sql::detail::make_aliased_column(alias, table, column));
  n->private_alias = true;
  return sql::expression(n);
}

/// Adds to `q`'s FROM the private aliases `n` names (each once).
void add_private_froms(const sql::node_ptr& n, sql::select& q, std::vector<std::string>& seen) {
  if (!n) return;
  if (n->kind == sql::node_kind::column && n->private_alias &&
      std::find(seen.begin(), seen.end(), n->table) == seen.end()) {
    seen.push_back(n->table);
    q.from(sql::from_item(n->source, n->table));
  }
  for (const auto& a : n->args) add_private_froms(a, q, seen);
}

sql::expr<bool> all_of(const std::vector<sql::expr<bool>>& terms) {
  auto out = terms.front();
  for (std::size_t i = 1; i < terms.size(); ++i) out = out && terms[i];
  return out;
}

sql::expr<bool> any_of(const std::vector<sql::expr<bool>>& terms) {
  auto out = terms.front();
  for (std::size_t i = 1; i < terms.size(); ++i) out = out || terms[i];
  return out;
}

std::string describe(const relationship_path& r) { return r.parent->class_name + "." + std::string(r.attribute); }

/// The key values of `s` at `columns`; a pending object cannot be compared yet.
std::vector<sql::value> key_of(const instance_state& s, const std::vector<std::size_t>& columns, const char* what) {
  // The key is read now, not after the query's autoflush as SQLAlchemy's
  // deferred parameter would: a pending object must be flushed first.
  if (s.status == status::pending)
    throw InvalidRequestError(std::string(what) + ": the " + s.owner_mapper->class_name +
                              " is pending (not flushed yet), so its key is not known; flush the session first");
  return read(*s.owner_mapper, s.object, columns);
}

void check_target(const relationship_property& rel, const instance_state& s, const relationship_path& r) {
  if (s.owner_mapper != rel.target)
    throw ArgumentError(describe(r) + ": the object is a " + s.owner_mapper->class_name + ", not a " +
                        rel.target->class_name);
}

}  // namespace

const relationship_property& relationship_of(const relationship_path& r) {
  const auto* rel = r.parent->find_relationship(r.attribute);
  if (!rel) throw ArgumentError(r.parent->class_name + " has no mapped relationship '" + std::string(r.attribute) + "'");
  return *rel;
}

std::string anonymous_alias(const std::string& table) {
  static std::mutex m;
  static std::map<std::string, int> counters;
  std::lock_guard<std::mutex> lock(m);
  return table + "_" + std::to_string(++counters[table]);
}

sql::expr<bool> relationship_exists(const relationship_path& r, const sql::expr<bool>* criterion) {
  const auto& rel = relationship_of(r);
  const mapper& t = *rel.target;
  const auto& parent_name = r.parent_as.empty() ? r.parent->table.name() : r.parent_as;
  // A self-referential relationship aliases the target inside the EXISTS, so
  // the parent's columns stay the enclosing statement's.
  std::string target_name = t.table.name();
  if (target_name == parent_name) target_name += "_1";
  sql::select q({sql::star()});
  std::vector<sql::expr<bool>> terms;
  if (rel.join.dir == direction::many_to_many) {
    q.from(rel.join.secondary->name());
    terms.push_back(rel.join.secondary_on(*r.parent, parent_name));
  }
  q.from(target_name == t.table.name() ? sql::from_item(t.table.name()) : sql::from_item(t.table.name(), target_name));
  terms.push_back(rel.join.join_on(*r.parent, t, parent_name, target_name));
  for (const auto& term : terms) q.where(term);
  if (criterion) {
    auto c = target_name == t.table.name() ? *criterion
                                           : sql::expr<bool>(rebase_columns(criterion->get(), t.table.name(), target_name));
    std::vector<std::string> seen;
    add_private_froms(c.get(), q, seen);
    q.where(c);
  }
  return sql::exists(q);
}

sql::expr<bool> relationship_contains(const relationship_path& r, const instance_state& child) {
  const auto& rel = relationship_of(r);
  check_target(rel, child, r);
  const auto& j = rel.join;
  const auto& p = r.parent_as.empty() ? r.parent->table.name() : r.parent_as;
  const auto& ptable = r.parent->table.name();
  std::vector<sql::expr<bool>> terms;
  if (j.dir == direction::many_to_many) {
    // post.id = post_tag_1.post_id AND ? = post_tag_1.tag_id, the secondary under a fresh alias
    // so that two contains() in one statement each find their own association row.
    const auto& sec = j.secondary->name();
    const auto as = anonymous_alias(sec);
    for (std::size_t i = 0; i < j.local_columns.size(); ++i)
      terms.push_back(equals(column(p, ptable, r.parent->columns[j.local_columns[i]].column.name),
                             private_column(as, sec, j.secondary_local[i])));
    auto key = key_of(child, j.remote_columns, "contains");
    for (std::size_t i = 0; i < key.size(); ++i)
      terms.push_back(equals(bind(key[i]), private_column(as, sec, j.secondary_remote[i])));
  } else if (j.dir == direction::one_to_many) {
    // user.id = ? : the child's foreign key names the parent.
    auto key = key_of(child, j.remote_columns, "contains");
    for (std::size_t i = 0; i < key.size(); ++i)
      terms.push_back(equals(column(p, ptable, r.parent->columns[j.local_columns[i]].column.name), bind(key[i])));
  } else {
    throw ArgumentError(describe(r) + ".contains(): a many-to-one is compared with ==");
  }
  return all_of(terms);
}

sql::expr<bool> relationship_equals(const relationship_path& r, const instance_state* target, bool negated) {
  const auto& rel = relationship_of(r);
  const auto& j = rel.join;
  if (j.dir == direction::one_to_many) {
    // A scalar one-to-many (one-to-one, the key on the target's side): == object is contains(object),
    // == nullptr is "has no target".
    if (!target) {
      auto e = relationship_exists(r, nullptr);
      return negated ? e : !e;
    }
    auto e = relationship_contains(r, *target);
    return negated ? !e : e;
  }
  if (j.dir != direction::many_to_one)
    throw ArgumentError(describe(r) + ": == compares a many-to-one or one-to-one; use contains() for a collection");
  if (target) check_target(rel, *target, r);
  const auto& p = r.parent_as.empty() ? r.parent->table.name() : r.parent_as;
  const auto& ptable = r.parent->table.name();
  std::vector<sql::expr<bool>> terms;
  std::vector<sql::value> key;
  if (target) key = key_of(*target, j.remote_columns, "==");
  for (std::size_t i = 0; i < j.local_columns.size(); ++i) {
    auto c = column(p, ptable, r.parent->columns[j.local_columns[i]].column.name);
    if (!target) {
      terms.emplace_back(sql::detail::make_postfix(c.get(), negated ? "IS NOT NULL" : "IS NULL"));
    } else if (!negated) {
      terms.push_back(equals(bind(key[i]), c));  // ? = post.user_id, as SQLAlchemy writes it
    } else {
      // != object: a row with no target differs too (SQLAlchemy: col != ? OR col IS NULL).
      terms.emplace_back(sql::detail::make_binary(c.get(), "!=", bind(key[i]).get()));
      terms.emplace_back(sql::detail::make_postfix(c.get(), "IS NULL"));
    }
  }
  return negated ? any_of(terms) : all_of(terms);
}

sql::expr<bool> with_parent(const instance_state& parent, const relationship_path& r, const std::string& target_as) {
  const auto& rel = relationship_of(r);
  if (parent.owner_mapper != r.parent)
    throw ArgumentError("with_parent(" + describe(r) + "): the parent is a " + parent.owner_mapper->class_name);
  const auto& j = rel.join;
  const mapper& t = *rel.target;
  const auto& ttable = t.table.name();
  const auto& tn = target_as.empty() ? ttable : target_as;
  auto key = key_of(parent, j.local_columns, "with_parent");
  std::vector<sql::expr<bool>> terms;
  if (j.dir == direction::many_to_many) {
    const auto& sec = j.secondary->name();
    const auto as = anonymous_alias(sec);
    for (std::size_t i = 0; i < key.size(); ++i)
      terms.push_back(equals(bind(key[i]), private_column(as, sec, j.secondary_local[i])));
    for (std::size_t i = 0; i < j.remote_columns.size(); ++i)
      terms.push_back(equals(column(tn, ttable, t.columns[j.remote_columns[i]].column.name),
                             private_column(as, sec, j.secondary_remote[i])));
  } else {
    for (std::size_t i = 0; i < key.size(); ++i)
      terms.push_back(equals(bind(key[i]), column(tn, ttable, t.columns[j.remote_columns[i]].column.name)));
  }
  for (const auto& [i, v] : j.extra) terms.push_back(equals(column(tn, ttable, t.columns[i].column.name), bind(v)));
  return all_of(terms);
}

}  // namespace retort::orm
