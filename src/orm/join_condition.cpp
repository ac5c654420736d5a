// The join condition's SQL and key sync (join_condition.hpp): the lazy-load
// SELECT, the JOIN ON, and the copying of keys into foreign keys at flush.
#include "retort/orm/join_condition.hpp"

#include "orm/load_plan.hpp"
#include "orm/session_impl.hpp"
#include "retort/sql/schema.hpp"
#include "retort/sql/statement.hpp"

namespace retort::orm {

namespace {

sql::expr<bool> equals(const sql::expression& a, const sql::expression& b) {
  return sql::expr<bool>(sql::detail::make_binary(a.get(), "=", b.get()));
}

sql::expr<int> col(const std::string& table, const std::string& column) { return sql::column_ref<int>(table, column); }
sql::expr<int> col(const mapper& m, std::size_t i) { return col(m.table.name(), m.columns[i].column.name); }

sql::expr<bool> all_of(std::vector<sql::expr<bool>> terms) {
  auto out = terms.front();
  for (std::size_t i = 1; i < terms.size(); ++i) out = out && terms[i];
  return out;
}

}  // namespace

sql::select join_condition::lazy_select(const mapper& parent, const mapper& target, bool collection,
                                        const std::vector<std::int64_t>& order_by) const {
  (void)parent;
  auto q = select_columns(target);
  auto bind = [] { return sql::expression(sql::detail::make_bind(sql::value())); };
  if (dir == direction::many_to_many) {
    q.from(secondary->name());
    for (const auto& c : secondary_local) q.where(equals(col(secondary->name(), c), bind()));
    for (std::size_t i = 0; i < remote_columns.size(); ++i)
      q.where(equals(col(target, remote_columns[i]), col(secondary->name(), secondary_remote[i])));
  } else {
    for (auto i : remote_columns) q.where(equals(col(target, i), bind()));
  }
  for (const auto& [i, v] : extra)
    q.where(equals(col(target, i), sql::expression(sql::detail::make_bind(v))));
  if (collection) {
    std::vector<sql::expression> order;
    collection_order(target, order_by, target.table.name(), order);
    for (auto& o : order) q.order_by(std::move(o));
  }
  return q;
}

bool join_condition::simple_many_to_one(const mapper& target) const {
  return dir == direction::many_to_one && remote_columns == target.primary_key && extra.empty();
}

// In the order lazy_select places its placeholders: the parent's key, then the extra criteria.
std::vector<sql::value> join_condition::lazy_params(const mapper& parent, const void* object) const {
  auto out = read(parent, object, local_columns);
  for (const auto& [i, v] : extra) out.push_back(v);
  return out;
}

sql::expr<bool> join_condition::join_on(const mapper& parent, const mapper& target, const std::string& parent_as,
                                        const std::string& target_as, const std::string& secondary_as) const {
  const auto& p = parent_as.empty() ? parent.table.name() : parent_as;
  const auto& t = target_as.empty() ? target.table.name() : target_as;
  std::vector<sql::expr<bool>> terms;
  if (dir == direction::many_to_many) {
    const auto& sec = secondary_as.empty() ? secondary->name() : secondary_as;
    for (std::size_t i = 0; i < remote_columns.size(); ++i)
      terms.push_back(equals(col(sec, secondary_remote[i]), col(t, target.columns[remote_columns[i]].column.name)));
  } else {
    for (std::size_t i = 0; i < local_columns.size(); ++i)
      terms.push_back(equals(col(p, parent.columns[local_columns[i]].column.name),
                             col(t, target.columns[remote_columns[i]].column.name)));
  }
  for (const auto& [i, v] : extra)
    terms.push_back(equals(col(t, target.columns[i].column.name), sql::expression(sql::detail::make_bind(v))));
  return all_of(std::move(terms));
}

sql::expr<bool> join_condition::secondary_on(const mapper& parent, const std::string& parent_as,
                                             const std::string& secondary_as) const {
  const auto& p = parent_as.empty() ? parent.table.name() : parent_as;
  const auto& sec = secondary_as.empty() ? secondary->name() : secondary_as;
  std::vector<sql::expr<bool>> terms;
  for (std::size_t i = 0; i < local_columns.size(); ++i)
    terms.push_back(equals(col(p, parent.columns[local_columns[i]].column.name), col(sec, secondary_local[i])));
  return all_of(std::move(terms));
}

// The holder's foreign-key columns and the source's key columns, by direction.
void join_condition::sync(const instance_state& source, instance_state& holder) const {
  const auto& key_cols = parent_holds_key() ? remote_columns : local_columns;
  const auto& fk_cols = parent_holds_key() ? local_columns : remote_columns;
  const mapper& sm = *source.owner_mapper;
  const mapper& hm = *holder.owner_mapper;
  for (std::size_t i = 0; i < fk_cols.size(); ++i) hm.columns[fk_cols[i]].set(holder.object, sm.columns[key_cols[i]].get(source.object));
}

void join_condition::clear(instance_state& holder) const {
  const auto& fk_cols = parent_holds_key() ? local_columns : remote_columns;
  for (auto i : fk_cols) holder.owner_mapper->columns[i].set(holder.object, sql::value());
}

bool join_condition::links(const instance_state& source, const instance_state& holder) const {
  const auto& key_cols = parent_holds_key() ? remote_columns : local_columns;
  const auto& fk_cols = parent_holds_key() ? local_columns : remote_columns;
  const mapper& sm = *source.owner_mapper;
  const mapper& hm = *holder.owner_mapper;
  for (std::size_t i = 0; i < fk_cols.size(); ++i)
    if (!hm.columns[fk_cols[i]].same(holder.object, sm.columns[key_cols[i]].get(source.object))) return false;
  return true;
}

std::vector<sql::value> join_condition::secondary_row(const instance_state& parent, const instance_state& child) const {
  auto row = read(*parent.owner_mapper, parent.object, local_columns);
  auto far = read(*child.owner_mapper, child.object, remote_columns);
  row.insert(row.end(), far.begin(), far.end());
  return row;
}

}  // namespace retort::orm
