// Query execution: builds the SELECT from the query's clauses (joins along
// relationships, FROM inferred from what the statement names), autoflushes,
// and loads rows through the identity map — objects for an entity query,
// typed tuples for a row query.
// The query of a write-only collection is a with_parent criterion on its owner.
#include "retort/orm/query.hpp"

#include <unordered_set>

#include "orm/load_plan.hpp"
#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/orm/repr.hpp"
#include "retort/orm/session.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

const std::string anon_name = "anon_1";

const std::string& name_of(const sql::from_item& f) { return f.alias.empty() ? f.table : f.alias; }

sql::from_item from_for(const mapper& m, const std::string& as) {
  if (as.empty() || as == m.table.name()) return sql::from_item(m.table.name());
  return sql::from_item(m.table.name(), as);
}

/// Adds to `out` the tables `n`'s columns name that are not `known` yet
/// (SQLAlchemy's FROM inference); subqueries keep their own FROM.
void infer_froms(const sql::node_ptr& n, std::vector<sql::from_item>& out, std::unordered_set<std::string>& known) {
  if (!n) return;
  if (n->kind == sql::node_kind::column && !n->table.empty() && known.insert(n->table).second)
    out.push_back(n->source.empty() ? sql::from_item(n->table) : sql::from_item(n->source, n->table));
  for (const auto& a : n->args) infer_froms(a, out, known);
}

/// Whether `n` names a column qualified by `name`.
bool names(const sql::node_ptr& n, const std::string& name) {
  if (!n) return false;
  if (n->kind == sql::node_kind::column && n->table == name) return true;
  for (const auto& a : n->args)
    if (names(a, name)) return true;
  return false;
}

}  // namespace

query_base::query_base(const query_base&) = default;
query_base::query_base(query_base&&) noexcept = default;
query_base& query_base::operator=(const query_base&) = default;
query_base& query_base::operator=(query_base&&) noexcept = default;
query_base::~query_base() = default;

query_base query_base::bound(retort::session& s) const {
  auto copy = *this;
  copy.session_ = &s;
  return copy;
}

void query_base::option(load_option o) { options_.push_back(std::move(o)); }

query_base::query_base(retort::session& s, const mapper& m) : session_(&s), mapper_(&m) {}

void query_base::add_column(sql::expression e) { items_.push_back({nullptr, {}, std::move(e)}); }

void query_base::add_entity(const mapper& m, std::string as) {
  if (as.empty()) as = m.table.name();
  items_.push_back({&m, std::move(as), {}});
}

const std::string& query_base::entity_name() const { return compound_ ? anon_name : mapper_->table.name(); }

sql::expr<bool> query_base::adapted(const sql::expr<bool>& e) const {
  if (!compound_) return e;
  return sql::expr<bool>(rebase_columns(e.get(), mapper_->table.name(), anon_name));
}

void query_base::where(const sql::expr<bool>& cond) { where_.push_back(adapted(cond)); }

void query_base::order_by(sql::expression e) {
  if (compound_) e = sql::expression(rebase_columns(e.get(), mapper_->table.name(), anon_name));
  order_.push_back(std::move(e));
}

void query_base::group_by(sql::expression e) {
  if (compound_) e = sql::expression(rebase_columns(e.get(), mapper_->table.name(), anon_name));
  group_.push_back(std::move(e));
}

void query_base::having(const sql::expr<bool>& cond) { having_.push_back(adapted(cond)); }

void query_base::filter_by(const std::string& attribute, sql::value v) {
  if (!mapper_) throw ArgumentError("filter_by: a row query has no entity to name '" + attribute + "' on");
  const auto* c = mapper_->find_column(attribute);
  if (!c) throw ArgumentError("filter_by: " + mapper_->class_name + " has no mapped column '" + attribute + "'");
  auto col = sql::column_ref<int>(entity_name(), c->column.name);
  where_.push_back(sql::expr<bool>(sql::detail::make_binary(col.get(), "=", sql::detail::make_bind(std::move(v)))));
}

bool query_base::in_from(const std::string& name) const {
  if (mapper_ && entity_name() == name) return true;
  for (const auto& e : entities_)
    if (e.as == name) return true;
  for (const auto& f : froms_)
    if (name_of(f) == name) return true;
  for (const auto& i : items_)
    if (i.m ? i.as == name : names(i.e.get(), name)) return true;
  return false;
}

void query_base::join(const relationship_path& r, const std::string& target_as, bool outer) {
  const auto& rel = relationship_of(r);
  const auto& parent_name = r.parent_as.empty() ? r.parent->table.name() : r.parent_as;
  if (!in_from(parent_name)) {
    // A row query's first join may lead with the relationship's parent (select_from).
    if (mapper_ || !joins_.empty() || !froms_.empty())
      throw InvalidRequestError("join(" + r.parent->class_name + "." + std::string(r.attribute) + "): " + parent_name +
                                " is not in the query; join it first, or select_from it");
    select_from(*r.parent, r.parent_as);
  }
  const mapper& t = *rel.target;
  const auto& target_name = target_as.empty() ? t.table.name() : target_as;
  const auto kind = outer ? sql::join_kind::left : sql::join_kind::inner;
  if (rel.join.dir == direction::many_to_many) {
    const auto secondary = rel.join.secondary->name() + "_" + std::to_string(++secondaries_);
    joins_.push_back({sql::from_item(rel.join.secondary->name(), secondary),
                      rel.join.secondary_on(*r.parent, parent_name, secondary), kind});
    joins_.push_back({from_for(t, target_as), rel.join.join_on(*r.parent, t, parent_name, target_name, secondary), kind});
  } else {
    joins_.push_back({from_for(t, target_as), rel.join.join_on(*r.parent, t, parent_name, target_name), kind});
  }
  entities_.push_back({&t, target_name});
}

void query_base::join(const mapper& target, const std::string& target_as, const sql::expr<bool>& on, bool outer) {
  joins_.push_back({from_for(target, target_as), adapted(on), outer ? sql::join_kind::left : sql::join_kind::inner});
  entities_.push_back({&target, target_as.empty() ? target.table.name() : target_as});
}

void query_base::select_from(const mapper& m, const std::string& as) {
  auto f = from_for(m, as);
  if (mapper_ && entity_name() == name_of(f)) return;  // the entity query's own table leads already
  for (const auto& g : froms_)
    if (name_of(g) == name_of(f)) return;
  froms_.push_back(std::move(f));
}

void query_base::union_(const query_base& other, bool all) {
  if (!mapper_ || other.mapper_ != mapper_)
    throw ArgumentError("union_: both queries must load the same class");
  for (const query_base* q : {static_cast<const query_base*>(this), &other})
    if (!q->order_.empty() || q->limit_ || q->offset_)
      throw ArgumentError("union_: a member query has order_by, limit or offset; add them after union_");
  auto compound = row_statement(true);
  compound.union_(other.row_statement(true), all);
  compound_ = std::make_shared<const sql::select>(std::move(compound));
  compound_all_ = compound_all_ || all;
  items_.clear();
  entities_.clear();
  froms_.clear();
  joins_.clear();
  where_.clear();
  group_.clear();
  having_.clear();
  distinct_ = false;
}

namespace {

/// A with_parent criterion: the parent's key, read now; InvalidRequestError if it has no row yet.
void with_parent_criteria(const relationship_property& rel, instance_state* parent, std::vector<sql::expr<bool>>& out) {
  if (!parent->has_identity() || parent->status == status::pending) {
    const auto& c = rel.parent->columns[rel.join.local_columns.front()];
    throw InvalidRequestError("can't resolve value for column " + rel.parent->table.name() + "." + c.column.name +
                              " on object " + default_repr(parent) + "; no value has been set for this "
                              "column (the " + rel.name() + " query needs its row: flush it first)");
  }
  parent_criteria(rel, read(*rel.parent, parent->object, rel.join.local_columns), out);
}

}  // namespace

query_parts query_base::parts(bool from_where) const {
  query_parts p;
  if (mapper_) {
    p.entity = entity_name();
    p.columns = plan_columns(*mapper_, options_, {});
    if (compound_)
      p.froms.emplace_back(*compound_, anon_name);
    else
      p.froms.emplace_back(mapper_->table.name());
  }
  for (const auto& f : froms_) p.froms.push_back(f);
  p.joins = joins_;
  for (const auto& [rel, parent] : parents_) {
    if (rel->join.dir == direction::many_to_many) p.froms.emplace_back(rel->join.secondary->name());
    with_parent_criteria(*rel, parent.get(), p.where);
  }
  p.where.insert(p.where.end(), where_.begin(), where_.end());
  p.order = order_;
  p.group = group_;
  p.having = having_;
  p.limit = limit_;
  p.offset = offset_;
  p.distinct = distinct_;
  std::unordered_set<std::string> known;
  for (const auto& f : p.froms) known.insert(name_of(f));
  for (const auto& j : p.joins) known.insert(name_of(j.target));
  for (const auto& i : items_) {
    if (i.m) {
      if (known.insert(i.as).second) p.froms.push_back(from_for(*i.m, i.as));
    } else {
      infer_froms(i.e.get(), p.froms, known);
    }
  }
  if (from_where)
    for (const auto& w : where_) infer_froms(w.get(), p.froms, known);
  p.unique = legacy_unique_ && mapper_ && (!p.joins.empty() || p.froms.size() > 1 || compound_all_);
  return p;
}

sql::select query_base::row_statement(bool from_where) const {
  auto p = parts(from_where);
  std::vector<sql::expression> cols;
  if (mapper_) add_entity_columns(cols, *mapper_, p.entity, p.columns.get());
  for (const auto& i : items_) {
    if (i.m)
      add_entity_columns(cols, *i.m, i.as);
    else
      cols.push_back(i.e);
  }
  return select_of(std::move(cols), p);
}

namespace {

std::vector<load_node> plan(const mapper& m, const std::vector<load_option>& options) {
  std::vector<const relationship_property*> path;
  auto nodes = plan_loaders(m, options, path, m);
  check_column_options(m, options, nodes);
  return nodes;
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

sql::select query_base::statement() const {
  if (!mapper_) return row_statement(true);
  auto nodes = plan(*mapper_, options_);
  return build_statement(session().impl(), *mapper_, parts(true), nodes);
}

retort::session& query_base::session() const {
  if (!session_)
    throw InvalidRequestError("this statement is not bound to a session: run it with session.execute(...)");
  return *session_;
}

std::shared_ptr<stream_load> query_base::stream(std::size_t n, const retort::source_location& where) {
  if (!mapper_ || !items_.empty()) throw InvalidRequestError("yield_per needs a query of one class");
  if (textual_) throw InvalidRequestError("yield_per of a from_statement query: stream the text with connection().stream()");
  auto& impl = session().impl();
  call_cause cause(impl, "query", mapper_->class_name, "yield_per", where);
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  return std::make_shared<stream_load>(impl, *mapper_, parts(true), plan(*mapper_, options_), populate_existing_, n);
}

void query_base::from_statement(sql::text t) {
  if (!mapper_ || !items_.empty()) throw InvalidRequestError("from_statement needs a query of one class");
  textual_ = std::make_shared<const sql::text>(std::move(t));
}

namespace {

/// A from_statement query has no clauses of its own: the text is the whole statement.
void check_textual(const std::string& class_name, bool clauses) {
  if (clauses)
    throw InvalidRequestError("query<" + class_name + ">.from_statement: the text is the whole statement; where, "
                              "order_by, limit, offset, joins and loader options do not apply to it");
}

}  // namespace

std::vector<state_ref> query_base::entity_rows(const retort::source_location& where, bool& needs_unique) {
  if (textual_) {
    needs_unique = false;
    return run(where, "execute");
  }
  auto nodes = plan(*mapper_, options_);
  needs_unique = multiplies(nodes);
  auto& impl = session().impl();
  call_cause cause(impl, "select", mapper_->class_name, "execute", where);
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  return run_load(impl, *mapper_, parts(true), std::move(nodes), populate_existing_).entities;
}

sql::select query_base::subquery() const { return row_statement(false); }

std::vector<state_ref> query_base::all(retort::source_location where) { return run(where, "all"); }

std::vector<state_ref> query_base::run(const retort::source_location& where, std::string_view call) {
  auto& impl = session().impl();
  call_cause cause(impl, "query", mapper_->class_name, call, where);
  session_impl::in_use guard(impl);
  impl.check_active();
  if (textual_) {
    check_textual(mapper_->class_name, !where_.empty() || !order_.empty() || (limit_ && call != "first") || offset_ ||
                                           !joins_.empty() || !froms_.empty() || !options_.empty() || !group_.empty() ||
                                           !parents_.empty() || compound_ || distinct_);
    impl.autoflush();
    auto out = impl.load_textual(*mapper_, textual_->compile(impl.connection().dialect()), populate_existing_);
    if (call == "first" && out.size() > 1) out.resize(1);
    return out;
  }
  impl.autoflush();
  return run_load(impl, *mapper_, parts(true), plan(*mapper_, options_), populate_existing_).entities;
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

std::vector<row_items> query_base::rows(const retort::source_location& where, std::string_view call, bool single_row) {
  if (items_.empty()) throw ArgumentError("a row query selects nothing");
  auto& impl = session().impl();
  call_cause cause(impl, "query", {}, call, where);
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  auto q = row_statement(true);
  if (single_row) q.limit(1);
  auto result = impl.connection().execute(q);
  std::vector<row_items> out;
  out.reserve(result.size());
  std::vector<std::vector<state_ref>> cohorts(items_.size());
  for (std::size_t r = 0; r < result.size(); ++r) {
    auto row = result.row(r);
    row_items items;
    std::size_t at = 0;
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const auto& it = items_[i];
      if (!it.m) {
        items.values.push_back(row[at++]);
        continue;
      }
      instance_state* s = nullptr;
      bool has_key = true;
      for (auto k : it.m->primary_key)
        if (row[at + it.m->plan.position[k]].is_null()) has_key = false;
      if (has_key) s = impl.load_row(*it.m, row, at, populate_existing_);
      at += it.m->plan.width();
      items.entities.emplace_back(s);
      if (s) cohorts[i].emplace_back(s);
    }
    out.push_back(std::move(items));
  }
  for (const auto& c : cohorts)
    if (!c.empty()) impl.note_cohort(c);
  return out;
}

std::int64_t query_base::bulk(bool is_delete, std::vector<assignment> values, synchronize_session sync,
                              const retort::source_location& where) {
  if (!mapper_ || !items_.empty()) throw InvalidRequestError("Query.update() and Query.delete() need a query of one class");
  if (textual_) throw InvalidRequestError("Can't call Query.update() or Query.delete() when from_statement() has been called");
  auto refuse = [](const char* what) {
    throw InvalidRequestError(std::string("Can't call Query.update() or Query.delete() when ") + what +
                              " has been called");
  };
  if (limit_) refuse("limit()");
  if (offset_) refuse("offset()");
  if (!order_.empty()) refuse("order_by()");
  if (!group_.empty() || !having_.empty()) refuse("group_by()");
  if (distinct_) refuse("distinct()");
  if (!joins_.empty() || !froms_.empty() || compound_) refuse("join(), outerjoin(), select_from(), or union()");
  dml_spec spec;
  spec.m = mapper_;
  spec.is_delete = is_delete;
  spec.values = std::move(values);
  spec.sync = sync;
  for (const auto& [rel, parent] : parents_) {
    if (rel->join.dir == direction::many_to_many) refuse("with_parent() of a many-to-many relationship");
    with_parent_criteria(*rel, parent.get(), spec.where);
  }
  spec.where.insert(spec.where.end(), where_.begin(), where_.end());
  if (is_delete && !spec.values.empty()) throw ArgumentError("Query.delete() takes no values");
  return execute_dml(session(), spec, where);
}

std::int64_t query_base::count(retort::source_location where) {
  auto& impl = session().impl();
  call_cause cause(impl, "query", mapper_ ? std::string_view(mapper_->class_name) : std::string_view(), "count", where);
  if (textual_)
    throw InvalidRequestError("count() of a from_statement query: count the text's rows in the text itself "
                              "(SELECT count(*) FROM (...) AS t)");
  session_impl::in_use guard(impl);
  impl.check_active();
  impl.autoflush();
  sql::select s({sql::count()});
  auto p = parts(true);
  const bool simple = mapper_ && !compound_ && p.joins.empty() && p.group.empty() &&
                      p.having.empty() && !p.distinct && !limit_ && !offset_;
  if (simple) {
    for (const auto& f : p.froms) s.from(f);
    for (const auto& w : p.where) s.where(w);
  } else if (mapper_) {
    std::vector<load_node> none;
    s.from(sql::from_item(build_statement(impl, *mapper_, std::move(p), none), anon_name));
  } else {
    s.from(sql::from_item(row_statement(true), anon_name));
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
