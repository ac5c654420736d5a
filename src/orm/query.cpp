// Query execution: builds the SELECT from the query's clauses, autoflushes,
// and loads rows through the identity map.
#include "retort/orm/query.hpp"

#include "orm/load_plan.hpp"
#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "retort/orm/session.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

void query_base::filter_by(const std::string& attribute, sql::value v) {
  const auto* c = mapper_->find_column(attribute);
  if (!c) throw ArgumentError("filter_by: " + mapper_->class_name + " has no mapped column '" + attribute + "'");
  auto col = sql::column_ref<int>(mapper_->table.name(), c->column.name);
  where_.push_back(sql::expr<bool>(sql::detail::make_binary(col.get(), "=", sql::detail::make_bind(std::move(v)))));
}

namespace {

query_parts parts_of(const mapper& m, const std::vector<sql::expr<bool>>& where,
                     const std::vector<sql::expression>& order, std::optional<std::int64_t> limit,
                     std::optional<std::int64_t> offset, const std::vector<load_option>& options = {}) {
  auto p = entity_parts(m);
  p.columns = plan_columns(m, options, {});
  p.where = where;
  p.order = order;
  p.limit = limit;
  p.offset = offset;
  return p;
}

std::vector<load_node> plan(const mapper& m, const std::vector<load_option>& options) {
  std::vector<const relationship_property*> path;
  auto nodes = plan_loaders(m, options, path, m);
  check_column_options(m, options, nodes);
  return nodes;
}

}  // namespace

sql::select query_base::statement() const {
  auto nodes = plan(*mapper_, options_);
  return build_statement(session_->impl(), *mapper_, parts_of(*mapper_, where_, order_, limit_, offset_, options_),
                         nodes);
}

std::vector<state_ref> query_base::all(retort::source_location where) { return run(where, "all"); }

std::vector<state_ref> query_base::run(const retort::source_location& where, std::string_view call) {
  auto& impl = session_->impl();
  call_cause cause(impl, "query", mapper_->class_name, call, where);
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  return run_load(impl, *mapper_, parts_of(*mapper_, where_, order_, limit_, offset_, options_),
                  plan(*mapper_, options_), populate_existing_)
      .entities;
}

state_ref query_base::first(retort::source_location where) {
  auto copy = *this;
  copy.limit_ = 1;
  auto rows = copy.run(where, "first");
  return rows.empty() ? state_ref() : rows.front();
}

state_ref query_base::one_or_none(retort::source_location where) { return single(where, "one_or_none"); }

state_ref query_base::single(const retort::source_location& where, std::string_view call) {
  auto rows = run(where, call);
  if (rows.size() > 1)
    throw MultipleResultsFound("multiple " + mapper_->class_name + " rows were found when one or none was required");
  return rows.empty() ? state_ref() : rows.front();
}

state_ref query_base::one(retort::source_location where) {
  auto r = single(where, "one");
  if (!r) throw NoResultFound("no " + mapper_->class_name + " row was found when one was required");
  return r;
}

std::int64_t query_base::count(retort::source_location where) {
  auto& impl = session_->impl();
  call_cause cause(impl, "query", mapper_->class_name, "count", where);
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  sql::select s({sql::count()});
  if (limit_ || offset_) {
    std::vector<load_node> none;
    s.from(sql::from_item(build_statement(impl, *mapper_, parts_of(*mapper_, where_, order_, limit_, offset_), none),
                          "anon_1"));
  } else {
    s.from(mapper_->table.name());
    for (const auto& w : where_) s.where(w);
  }
  return impl.connection().execute(s).scalar().as_int();
}

}  // namespace retort::orm
