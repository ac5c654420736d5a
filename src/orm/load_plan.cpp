// The query path (load_plan.hpp): loader plans from options and defaults, the
// statement with what each strategy adds, rows to objects, and the strategies'
// work after the rows.
#include "orm/load_plan.hpp"

#include <algorithm>

#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "orm/strategies.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

sql::expression column_of(const std::string& qualifier, const std::string& name) {
  return sql::column_ref<int>(qualifier, name);
}

void add_entity_columns(std::vector<sql::expression>& out, const mapper& m, const std::string& qualifier,
                        const column_plan* plan, bool derived) {
  const column_plan& p = plan ? *plan : m.plan;
  for (auto i : p.selected) out.push_back(column_of(qualifier, m.columns[i].column.name));
  // Computed properties after the columns, labelled by attribute: over the
  // entity's qualifier (an alias of its table too), or read by label from a
  // derived table that selected them.
  for (std::size_t k = 0; k < p.computed && k < m.computed.size(); ++k) {
    const auto& c = m.computed[k];
    if (derived)
      out.push_back(column_of(qualifier, c.attribute));
    else if (qualifier == m.table.name())
      out.push_back(c.expression.label(c.attribute));
    else
      out.push_back(sql::expression(rebase_columns(c.expression.get(), m.table.name(), qualifier)).label(c.attribute));
  }
}

bool multiplies(const std::vector<load_node>& nodes) {
  return std::any_of(nodes.begin(), nodes.end(), [](const load_node& n) {
    return n.strategy->multiplies_rows(*n.rel) || multiplies(n.children);
  });
}

namespace {

/// `q` with its references to `from` (the enclosing statement's, when `q` is
/// correlated) qualified by `to`; unchanged when `q` selects from `from` itself,
/// whose references are then its own.
std::shared_ptr<const sql::select> rebase_select(const std::shared_ptr<const sql::select>& q, const std::string& from,
                                                 const std::string& to) {
  for (const auto& f : q->froms())
    if (!f.subquery && f.table == from && f.alias.empty()) return q;
  for (const auto& j : q->joins())
    if (!j.target.subquery && j.target.table == from && j.target.alias.empty()) return q;
  auto re = [&](const sql::expression& e) { return sql::expression(rebase_columns(e.get(), from, to)); };
  auto rb = [&](const sql::expr<bool>& e) { return sql::expr<bool>(rebase_columns(e.get(), from, to)); };
  std::vector<sql::expression> columns;
  for (const auto& c : q->columns()) columns.push_back(re(c));
  auto out = std::make_shared<sql::select>(std::move(columns));
  for (const auto& f : q->froms()) out->from(f);
  for (const auto& j : q->joins())
    j.kind == sql::join_kind::left ? out->outer_join(j.target, re(j.on)) : out->join(j.target, re(j.on));
  for (const auto& w : q->wheres()) out->where(rb(w));
  for (const auto& g : q->groups()) out->group_by(re(g));
  for (const auto& h : q->havings()) out->having(rb(h));
  for (const auto& o : q->orders()) out->order_by(re(o));
  if (q->limit_value()) out->limit(*q->limit_value());
  if (q->offset_value()) out->offset(*q->offset_value());
  out->distinct(q->is_distinct());
  for (const auto& part : q->compounds()) out->union_(*rebase_select(part.query, from, to), part.all);
  return out;
}

}  // namespace

sql::node_ptr rebase_columns(const sql::node_ptr& n, const std::string& from, const std::string& to) {
  if (!n) return n;
  if (n->kind == sql::node_kind::column) {
    if (n->table != from) return n;
    auto copy = std::make_shared<sql::node>(*n);
    copy->table = to;
    copy->source.clear();
    return copy;
  }
  if (n->args.empty() && !n->query) return n;
  auto copy = std::make_shared<sql::node>(*n);
  for (auto& a : copy->args) a = rebase_columns(a, from, to);
  if (copy->query) copy->query = rebase_select(copy->query, from, to);  // a correlated subquery's outer references
  return copy;
}

namespace {

bool from_options(const std::vector<load_node>& nodes) {
  return std::any_of(nodes.begin(), nodes.end(),
                     [](const load_node& n) { return n.from_option || from_options(n.children); });
}


bool on_path(const std::vector<const relationship_property*>& path, const mapper& root, const mapper* m) {
  if (&root == m) return true;
  return std::any_of(path.begin(), path.end(), [m](const relationship_property* r) { return r->target == m; });
}

bool prefix_matches(const load_option& o, const std::vector<const relationship_property*>& path) {
  if (o.steps.size() <= path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i)
    if (o.steps[i].attribute != path[i]->attribute) return false;
  return true;
}

/// Puts the statement together: the entity (wrapped in a subquery when a
/// LIMIT / OFFSET must count parents, not joined rows), then what the
/// strategies add.
void prepare(load_context& ctx, const mapper& m, query_parts parts, std::vector<load_node>& nodes) {
  if ((parts.limit || parts.offset) && multiplies(nodes)) {
    std::vector<sql::expression> inner_columns = parts.lead;
    add_entity_columns(inner_columns, m, parts.entity, parts.columns.get());
    auto inner = select_of(std::move(inner_columns), parts);
    query_parts outer;
    outer.unique = parts.unique;
    outer.columns = parts.columns;
    const std::string anon = "anon_1";
    for (const auto& l : parts.lead) outer.lead.emplace_back(rebase_columns(l.get(), parts.entity, anon));
    outer.entity = anon;
    outer.entity_derived = true;  // computed properties are the inner statement's labelled columns
    outer.froms.emplace_back(inner, anon);
    for (const auto& o : parts.order) outer.order.emplace_back(rebase_columns(o.get(), parts.entity, anon));
    parts = std::move(outer);
  }
  ctx.parts = std::move(parts);
  ctx.track_fresh = from_options(nodes);
  ctx.base_joins = ctx.parts.joins.size();
  ctx.columns = ctx.parts.lead;
  add_entity_columns(ctx.columns, m, ctx.parts.entity, ctx.parts.columns.get(), ctx.parts.entity_derived);
  for (auto& n : nodes) {
    n.parent_entity = ctx.parts.entity;
    n.outer = false;
    n.strategy->setup_query(ctx, n);
  }
}

sql::select make_select(const load_context& ctx) { return select_of(ctx.columns, ctx.parts); }

}  // namespace

sql::select select_of(std::vector<sql::expression> columns, const query_parts& p) {
  sql::select q(std::move(columns));
  for (const auto& f : p.froms) q.from(f);
  for (const auto& j : p.joins) j.kind == sql::join_kind::left ? q.outer_join(j.target, j.on) : q.join(j.target, j.on);
  for (const auto& w : p.where) q.where(w);
  for (const auto& g : p.group) q.group_by(g);
  for (const auto& h : p.having) q.having(h);
  q.distinct(p.distinct);
  for (const auto& o : p.order) q.order_by(o);
  if (p.limit) q.limit(*p.limit);
  if (p.offset) q.offset(*p.offset);
  return q;
}


std::string load_context::alias_for(const std::string& table) {
  return table + "_" + std::to_string(++aliases_[table]);
}

instance_state* load_context::entity_at(const mapper& m, const engine::row_view& row, std::size_t offset,
                                        const column_plan* plan) {
  const auto& at = (plan ? *plan : m.plan).position;
  for (auto i : m.primary_key)
    if (row[offset + at[i]].is_null()) return nullptr;
  bool created = false;
  auto* s = session.load_row(m, row, offset, populate_existing, &created, plan, consume_cells);
  if (created && track_fresh) fresh.insert(s);
  return s;
}

bool load_context::wants(const relationship_property& rel, instance_state* s) const {
  return !rel.slot(s->object)->is_loaded();
}

query_parts entity_parts(const mapper& m) {
  query_parts p;
  p.entity = m.table.name();
  p.froms.emplace_back(m.table.name());
  return p;
}

bool has_eager_defaults(const mapper& m) {
  return std::any_of(m.relationships.begin(), m.relationships.end(),
                     [](const relationship_property& r) { return r.strategy && r.strategy->eager(); });
}

std::vector<load_node> plan_loaders(const mapper& m, const std::vector<load_option>& options,
                                    std::vector<const relationship_property*>& path, const mapper& root) {
  std::vector<load_node> out;
  const auto depth = path.size();
  for (const auto& rel : m.relationships) {
    if (rel.never_loaded) continue;  // write_only / dynamic: read by their query, not with the parents (raiseload_all too)
    const load_step* chosen = nullptr;
    for (const auto& o : options)
      if (prefix_matches(o, path) && o.steps[depth].attribute == rel.attribute && !o.steps[depth].strategy.empty())
        chosen = &o.steps[depth];
    if (!chosen)
      for (const auto& o : options)
        if (o.steps.size() == depth + 1 && prefix_matches(o, path) && o.steps[depth].attribute == "*")
          chosen = &o.steps[depth];
    // Some option names steps below this relationship: they apply to what it loads, also later on access.
    const bool deeper = std::any_of(options.begin(), options.end(), [&](const load_option& o) {
      return o.steps.size() > depth + 1 && prefix_matches(o, path) && o.steps[depth].attribute == rel.attribute;
    });
    load_node n;
    n.rel = &rel;
    if (chosen) {
      n.strategy = &strategy_for(chosen->strategy, m, rel.attribute);
      n.innerjoin = chosen->innerjoin || rel.innerjoin;
      n.from_option = true;
      n.from = chosen->from;
    } else {
      n.strategy = rel.strategy;
      n.innerjoin = rel.innerjoin;
      if (deeper) {
        n.from_option = true;  // defaultload(...).<further steps>: carried by the relationship's own strategy
      } else {
        if (!n.strategy->eager()) continue;  // the slot's own strategy loads it on access
        if (on_path(path, root, rel.target)) continue;
      }
    }
    path.push_back(&rel);
    n.columns = plan_columns(*rel.target, options, path);
    if (n.strategy->eager() || deeper) n.children = plan_loaders(*rel.target, options, path, root);
    path.pop_back();
    out.push_back(std::move(n));
  }
  return out;
}

namespace {

bool path_is(const load_option& o, const std::vector<const relationship_property*>& path) {
  if (o.steps.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i)
    if (o.steps[i].attribute != path[i]->attribute) return false;
  return true;
}

std::size_t column_index(const mapper& m, const std::string& attribute) {
  const auto* c = m.find_column(attribute);
  if (!c) throw ArgumentError("column option: " + m.class_name + " has no mapped column '" + attribute + "'");
  return static_cast<std::size_t>(c - m.columns.data());
}

void apply_directive(const mapper& m, const column_directive& d, column_plan& plan) {
  using mode = column_plan::mode;
  const mode deferred = d.raiseload ? mode::raise : mode::defer;
  switch (d.what) {
    case column_directive::action::none:
      return;
    case column_directive::action::defer:
    case column_directive::action::undefer:
      for (const auto& a : d.attributes) {
        auto i = column_index(m, a);
        if (!m.columns[i].deferred)  // the typed options do not compile for a plain member
          throw ArgumentError("column option: " + m.class_name + "." + a +
                              " is a plain member, which cannot load on access; declare it as retort::deferred<T>");
        plan.modes[i] = d.what == column_directive::action::defer ? deferred : mode::load;
      }
      return;
    case column_directive::action::load_only: {
      std::vector<bool> named(m.columns.size(), false);
      for (const auto& a : d.attributes) named[column_index(m, a)] = true;
      for (std::size_t i = 0; i < m.columns.size(); ++i)
        if (m.columns[i].deferred) plan.modes[i] = named[i] ? mode::load : deferred;
      return;
    }
    case column_directive::action::undefer_group: {
      bool found = false;
      for (std::size_t i = 0; i < m.columns.size(); ++i)
        if (m.columns[i].deferred && m.columns[i].deferred_group == d.attributes.front()) {
          plan.modes[i] = mode::load;
          found = true;
        }
      if (!found)
        throw ArgumentError("undefer_group(\"" + d.attributes.front() + "\"): " + m.class_name +
                            " has no deferred<T> member in deferred_group(\"" + d.attributes.front() + "\")");
      return;
    }
  }
}

}  // namespace

std::shared_ptr<const column_plan> plan_columns(const mapper& m, const std::vector<load_option>& options,
                                                const std::vector<const relationship_property*>& path) {
  std::shared_ptr<column_plan> out;
  for (const auto& o : options) {
    if (o.columns.what == column_directive::action::none || !path_is(o, path)) continue;
    if (!out) out = std::make_shared<column_plan>(m.plan);
    apply_directive(m, o.columns, *out);
  }
  if (!out) return nullptr;
  out->index();
  return out;
}

void check_column_options(const mapper& m, const std::vector<load_option>& options,
                          const std::vector<load_node>& nodes) {
  for (const auto& o : options) {
    if (o.columns.what == column_directive::action::none) continue;
    const auto* level = &nodes;
    const mapper* at = &m;
    for (const auto& step : o.steps) {
      auto it = std::find_if(level->begin(), level->end(),
                             [&](const load_node& n) { return n.rel->attribute == step.attribute; });
      if (it == level->end() || !it->strategy->eager()) {
        const std::string lazy = it == level->end() ? at->find_relationship(step.attribute)->lazy
                                                    : std::string(it->strategy->name());
        throw ArgumentError("column option along " + at->class_name + "." + step.attribute +
                            ": the relationship does not load with this query (lazy='" + lazy +
                            "'), and a load on access does not take a query's column options; load it with "
                            "selectinload, joinedload, subqueryload or immediateload");
      }
      level = &it->children;
      at = it->rel->target;
    }
  }
}

sql::select build_statement(session_impl& s, const mapper& m, query_parts parts, std::vector<load_node>& nodes) {
  load_context ctx(s, false);
  prepare(ctx, m, std::move(parts), nodes);
  return make_select(ctx);
}

load_result run_load(session_impl& s, const mapper& m, query_parts parts, std::vector<load_node> nodes,
                     bool populate_existing, bool keep_lead) {
  session_impl::in_use guard(s);
  load_context ctx(s, populate_existing);
  prepare(ctx, m, std::move(parts), nodes);
  auto rows = s.connection().execute(make_select(ctx));
  ctx.consume_cells = true;
  const auto lead = ctx.parts.lead.size();
  load_result out;
  out.entities.reserve(rows.size());
  std::unordered_set<instance_state*> seen;
  const bool dedupe = multiplies(nodes) || keep_lead || ctx.parts.unique;
  const column_plan* plan = ctx.parts.columns.get();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto row = rows.row(r);
    auto* st = ctx.entity_at(m, row, lead, plan);
    if (!st) continue;
    if (keep_lead) {
      std::vector<sql::value> key;
      key.reserve(lead);
      for (std::size_t i = 0; i < lead; ++i) key.push_back(row[i]);
      out.led.emplace_back(std::move(key), st);
    }
    if (!dedupe || seen.insert(st).second) out.entities.emplace_back(st);
    for (auto& n : nodes) n.strategy->process_row(ctx, n, st, row);
  }
  s.note_cohort(out.entities);
  std::vector<instance_state*> parents;
  parents.reserve(out.entities.size());
  for (const auto& e : out.entities) parents.push_back(e.get());
  for (auto& n : nodes) {
    relationship_cause cause(s, *n.rel, n.strategy->name());  // "Writer.stories (selectin)" in the query record
    n.strategy->after_load(ctx, n, parents);
  }
  return out;
}

stream_load::stream_load(session_impl& s, const mapper& m, query_parts parts, std::vector<load_node> nodes,
                         bool populate_existing, std::size_t batch)
    : session_(s), m_(m), nodes_(std::move(nodes)), ctx_(s, populate_existing), batch_(batch),
      session_alive_(s.lifetime()) {
  if (batch == 0) throw ArgumentError("yield_per: the batch size must be at least 1");
  for (const auto& n : nodes_) {
    const std::string how(n.strategy->name());
    if ((how == "joined" && n.rel->kind == slot_kind::collection) || how == "subquery")
      throw InvalidRequestError("yield_per is not compatible with " + how + " eager loading of " + n.rel->name() +
                                " (the rows of one object could span batches); load it with selectinload, or lazily");
  }
  session_impl::in_use guard(s);
  prepare(ctx_, m, std::move(parts), nodes_);
  ctx_.consume_cells = true;  // each batch's rows are fetched for this stream alone
  cursor_.emplace(s.connection().stream(sql::compile(make_select(ctx_), s.connection().dialect())));
}

std::vector<state_ref> stream_load::next() {
  if (session_alive_.expired()) throw InvalidRequestError("yield_per: the session of this stream has been destroyed");
  session_impl::in_use guard(session_);
  session_.release_if_unheld(std::move(previous_));
  previous_.clear();
  std::vector<state_ref> out;
  if (!cursor_ || cursor_->exhausted()) return out;
  auto rows = cursor_->fetch(batch_);
  const auto lead = ctx_.parts.lead.size();
  const column_plan* plan = ctx_.parts.columns.get();
  out.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto row = rows.row(r);
    auto* st = ctx_.entity_at(m_, row, lead, plan);
    if (!st) continue;
    out.emplace_back(st);
    for (auto& n : nodes_) n.strategy->process_row(ctx_, n, st, row);
  }
  session_.note_cohort(out);
  std::vector<instance_state*> parents;
  parents.reserve(out.size());
  for (const auto& e : out) parents.push_back(e.get());
  for (auto& n : nodes_) {
    relationship_cause cause(session_, *n.rel, n.strategy->name());
    n.strategy->after_load(ctx_, n, parents);
  }
  previous_ = out;
  return out;
}

std::vector<state_ref> next_batch(stream_load& s) { return s.next(); }

namespace {

/// The lazy load's statement for one parent, as parts (the compiled fast path
/// is session_impl::load_related).
query_parts lazy_parts(const relationship_property& rel, const std::vector<sql::value>& key) {
  const mapper& t = *rel.target;
  query_parts p;
  p.entity = t.table.name();
  if (rel.join.dir == direction::many_to_many) p.froms.emplace_back(rel.join.secondary->name());
  p.froms.emplace_back(t.table.name());
  parent_criteria(rel, key, p.where);
  if (rel.kind == slot_kind::collection) collection_order(rel, t.table.name(), p.order);
  return p;
}

}  // namespace

void parent_criteria(const relationship_property& rel, const std::vector<sql::value>& key,
                     std::vector<sql::expr<bool>>& where) {
  const mapper& t = *rel.target;
  const auto& j = rel.join;
  auto bind = [](const sql::value& v) { return sql::expression(sql::detail::make_bind(v)); };
  auto eq = [](const sql::expression& a, const sql::expression& b) {
    return sql::expr<bool>(sql::detail::make_binary(a.get(), "=", b.get()));
  };
  if (j.dir == direction::many_to_many) {
    for (std::size_t i = 0; i < j.secondary_local.size(); ++i)
      where.push_back(eq(column_of(j.secondary->name(), j.secondary_local[i]), bind(key[i])));
    for (std::size_t i = 0; i < j.remote_columns.size(); ++i)
      where.push_back(eq(column_of(t.table.name(), t.columns[j.remote_columns[i]].column.name),
                         column_of(j.secondary->name(), j.secondary_remote[i])));
  } else {
    for (std::size_t i = 0; i < j.remote_columns.size(); ++i)
      where.push_back(eq(column_of(t.table.name(), t.columns[j.remote_columns[i]].column.name), bind(key[i])));
  }
  for (const auto& [i, v] : j.extra) where.push_back(eq(column_of(t.table.name(), t.columns[i].column.name), bind(v)));
}

void collection_order(const mapper& t, const std::vector<std::int64_t>& order_by, const std::string& qualifier,
                      std::vector<sql::expression>& order) {
  if (order_by.empty()) {
    for (auto i : t.primary_key) order.push_back(column_of(qualifier, t.columns[i].column.name));
    return;
  }
  for (auto o : order_by) {
    auto i = static_cast<std::size_t>(o < 0 ? -o - 1 : o);
    auto c = column_of(qualifier, t.columns[i].column.name);
    order.push_back(o < 0 ? c.desc() : c);
  }
}

std::vector<state_ref> load_relationship(session_impl& s, const relationship_property& rel, instance_state& owner,
                                         std::vector<load_node> children, std::shared_ptr<const column_plan> columns) {
  if (owner.status == status::pending) return {};
  auto key = rel.join.lazy_params(*rel.parent, owner.object);
  for (const auto& v : key)
    if (v.is_null()) return {};
  // A foreign key naming the target's primary key: the identity map answers without SQL.
  if (rel.join.simple_many_to_one(*rel.target)) {
    if (children.empty() && !columns) {
      auto* t = s.get(*rel.target, key);
      return t ? std::vector<state_ref>{state_ref(t)} : std::vector<state_ref>{};
    }
    if (auto* t = s.lookup(*rel.target, key); t && !t->marked_deleted) return {state_ref(t)};
  }
  s.autoflush();
  if (children.empty() && !columns) return s.load_related(rel, key);
  auto parts = lazy_parts(rel, key);
  parts.columns = std::move(columns);
  return run_load(s, *rel.target, std::move(parts), std::move(children), false).entities;
}

}  // namespace retort::orm
