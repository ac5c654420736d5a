// Query execution: builds the SELECT from the query's clauses, autoflushes,
// and loads rows through the identity map; and the query of a write-only
// collection, which is the relationship's criteria on its owner.
#include "retort/orm/query.hpp"

#include "orm/load_plan.hpp"
#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/orm/repr.hpp"
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

std::vector<load_node> plan(const mapper& m, const std::vector<load_option>& options) {
  std::vector<const relationship_property*> path;
  return plan_loaders(m, options, path, m);
}

}  // namespace

void query_base::with_parent(const relationship_property& rel, instance_state* parent) {
  if (!parent) throw ArgumentError("with_parent: the parent of " + rel.name() + " is null");
  if (parent->owner_mapper != rel.parent)
    throw ArgumentError("with_parent: " + rel.name() + " belongs to " + rel.parent->class_name + ", not to " +
                        parent->owner_mapper->class_name);
  parents_.push_back({&rel, state_ref(parent)});
}

// The parents' keys are read here, when the query is built to run: after the
// autoflush, which gives a pending parent its key (SQLAlchemy binds them the
// same way, through a callable evaluated at execution).
query_parts query_base::parts() const {
  auto p = entity_parts(*mapper_);
  for (const auto& [rel, parent] : parents_) {
    if (!parent->has_identity() || parent->status == status::pending) {
      const auto& c = rel->parent->columns[rel->join.local_columns.front()];
      throw InvalidRequestError("can't resolve value for column " + rel->parent->table.name() + "." + c.column.name +
                                " on object " + default_repr(parent.get()) + "; no value has been set for this "
                                "column (the " + rel->name() + " query needs its row: flush it first)");
    }
    if (rel->join.dir == direction::many_to_many) p.froms.emplace_back(rel->join.secondary->name());
    parent_criteria(*rel, read(*rel->parent, parent->object, rel->join.local_columns), p.where);
  }
  p.where.insert(p.where.end(), where_.begin(), where_.end());
  p.order = order_;
  p.limit = limit_;
  p.offset = offset_;
  return p;
}

sql::select query_base::statement() const {
  auto nodes = plan(*mapper_, options_);
  return build_statement(session_->impl(), *mapper_, parts(), nodes);
}

std::vector<state_ref> query_base::all(retort::source_location where) { return run(where, "all"); }

std::vector<state_ref> query_base::run(const retort::source_location& where, std::string_view call) {
  auto& impl = session_->impl();
  call_cause cause(impl, "query", mapper_->class_name, call, where);
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  return run_load(impl, *mapper_, parts(), plan(*mapper_, options_), populate_existing_)
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
  auto p = parts();
  if (limit_ || offset_) {
    std::vector<load_node> none;
    s.from(sql::from_item(build_statement(impl, *mapper_, std::move(p), none), "anon_1"));
  } else {
    for (const auto& f : p.froms) s.from(f);
    for (const auto& w : p.where) s.where(w);
  }
  return impl.connection().execute(s).scalar().as_int();
}

namespace detail {

query_base write_only_slot::select_base() const {
  if (!owner_ || !owner_->session || !owner_->session->facade)
    throw InvalidRequestError((prop_ ? prop_->name() : std::string("a write-only collection")) + ": its owner " +
                              (owner_ ? default_repr(owner_) : std::string("(not made by Retort)")) +
                              " is in no session; the collection's query runs in the owner's session (add it first)");
  query_base q(*owner_->session->facade, *prop_->target);
  q.with_parent(*prop_, owner_);
  if (!prop_->order_by_columns.empty()) {
    std::vector<sql::expression> order;
    collection_order(*prop_, prop_->target->table.name(), order);
    for (auto& o : order) q.order_by(std::move(o));
  }
  return q;
}

}  // namespace detail

}  // namespace retort::orm
