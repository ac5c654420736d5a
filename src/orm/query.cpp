// Query execution: builds the SELECT from the query's clauses, autoflushes,
// and loads rows through the identity map.
#include "retort/orm/query.hpp"

#include "orm/session_impl.hpp"
#include "retort/orm/session.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

void query_base::filter_by(const std::string& attribute, sql::value v) {
  const auto* c = mapper_->find_column(attribute);
  if (!c) throw ArgumentError("filter_by: " + mapper_->class_name + " has no mapped column '" + attribute + "'");
  auto col = sql::column_ref<int>(mapper_->table.name(), c->column.name);
  where_.push_back(sql::expr<bool>(sql::detail::make_binary(col.get(), "=", sql::detail::make_bind(std::move(v)))));
}

sql::select query_base::statement() const {
  auto s = select_columns(*mapper_);
  for (const auto& w : where_) s.where(w);
  for (const auto& o : order_) s.order_by(o);
  if (limit_) s.limit(*limit_);
  if (offset_) s.offset(*offset_);
  return s;
}

std::vector<state_ref> query_base::all() {
  auto& impl = session_->impl();
  impl.check_active();
  impl.autoflush();
  return impl.load_all(*mapper_, statement());
}

state_ref query_base::first() {
  auto copy = *this;
  copy.limit_ = 1;
  auto rows = copy.all();
  return rows.empty() ? state_ref() : rows.front();
}

state_ref query_base::one_or_none() {
  auto rows = all();
  if (rows.size() > 1)
    throw MultipleResultsFound("multiple " + mapper_->class_name + " rows were found when one or none was required");
  return rows.empty() ? state_ref() : rows.front();
}

state_ref query_base::one() {
  auto r = one_or_none();
  if (!r) throw NoResultFound("no " + mapper_->class_name + " row was found when one was required");
  return r;
}

std::int64_t query_base::count() {
  auto& impl = session_->impl();
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  sql::select s({sql::count()});
  if (limit_ || offset_) {
    s.from(sql::from_item(statement(), "anon_1"));
  } else {
    s.from(mapper_->table.name());
    for (const auto& w : where_) s.where(w);
  }
  return impl.connection().execute(s).scalar().as_int();
}

}  // namespace retort::orm
