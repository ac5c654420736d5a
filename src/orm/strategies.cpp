// The loader strategies and their registry (SQLAlchemy's strategies.py). One
// class per strategy; the query path (load_plan.cpp) calls each one's duties
// and never asks which strategy it has:
//   select (lazy)  on first access, one SELECT; a many-to-one found in the identity map costs none
//   joined         LEFT OUTER JOIN (or JOIN) in the parents' statement; populated from the same rows
//   selectin       after the parents: SELECT ... WHERE key IN (...), 500 parents per statement
//   subquery       after the parents: their statement again as a subquery, joined to the targets
//   immediate      after the parents: one lazy load each
//   noload         never loads: empty / null
//   raise          access without a load is an InvalidRequestError
//   raise_on_sql   the same, but only when the load would emit SQL
//   write_only     never loaded (write_only<T>): read by its select(); a flush needing the rows refuses
//   dynamic        never loaded (dynamic<T>): read by its query; a flush needing the rows selects them
#include "orm/strategies.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <unordered_map>

#include "orm/configuration.hpp"
#include "orm/load_plan.hpp"
#include "orm/session_impl.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

void loader_strategy::init(const relationship_property&) const {}
void loader_strategy::setup_query(load_context&, load_node&) const {}
void loader_strategy::process_row(load_context&, load_node&, instance_state*, const engine::row_view&) const {}
void loader_strategy::after_load(load_context&, load_node&, const std::vector<instance_state*>&) const {}

namespace {

/// Keys per IN of a batched lazy load: one statement for the usual result
/// (both databases take far more parameters: SQLite 32,766, PostgreSQL 65,535).
constexpr std::size_t batch_keys = 5000;

sql::expr<bool> equals(const sql::expression& a, const sql::expression& b) {
  return sql::expr<bool>(sql::detail::make_binary(a.get(), "=", b.get()));
}
sql::expression bind(const sql::value& v) { return sql::expression(sql::detail::make_bind(v)); }

/// `cols IN (keys)`; `(a, b) IN ((?, ?), ...)` for a composite key.
sql::expr<bool> in_keys(const std::vector<sql::expression>& cols, const std::vector<std::vector<sql::value>>& keys,
                        std::size_t from, std::size_t to) {
  std::vector<sql::node_ptr> items;
  for (std::size_t k = from; k < to; ++k) {
    if (cols.size() == 1) {
      items.push_back(bind(keys[k][0]).get());
      continue;
    }
    std::vector<sql::node_ptr> tuple;
    for (const auto& v : keys[k]) tuple.push_back(bind(v).get());
    items.push_back(sql::detail::make_function("", std::move(tuple)));
  }
  sql::node_ptr operand;
  if (cols.size() == 1) {
    operand = cols[0].get();
  } else {
    std::vector<sql::node_ptr> tuple;
    for (const auto& c : cols) tuple.push_back(c.get());
    operand = sql::detail::make_function("", std::move(tuple));
  }
  return sql::expr<bool>(sql::detail::make_in(operand, std::move(items), false));
}

/// A map key for a tuple of values (kind and rendering, so 1 and '1' differ).
std::string key_text(const std::vector<sql::value>& key) {
  std::string out;
  for (const auto& v : key) {
    out += static_cast<char>('0' + static_cast<int>(v.kind()));
    out += v.repr();
    out += '\x1f';
  }
  return out;
}

bool has_null(const std::vector<sql::value>& key) {
  return std::any_of(key.begin(), key.end(), [](const sql::value& v) { return v.is_null(); });
}

bool less_value(const sql::value& a, const sql::value& b) {
  if (a.kind() == sql::value_kind::integer && b.kind() == sql::value_kind::integer) return a.as_int() < b.as_int();
  if (a.kind() != b.kind()) return a.kind() < b.kind();
  return a.as_string() < b.as_string();
}

/// What the lazy load yields for a collection without order_by: the target's key order.
void sort_by_key(const relationship_property& rel, std::vector<state_ref>& items) {
  if (rel.kind != slot_kind::collection || !rel.order_by_columns.empty()) return;
  const mapper& t = *rel.target;
  std::stable_sort(items.begin(), items.end(), [&](const state_ref& a, const state_ref& b) {
    for (auto i : t.primary_key) {
      auto x = t.columns[i].get(a->object), y = t.columns[i].get(b->object);
      if (less_value(x, y)) return true;
      if (less_value(y, x)) return false;
    }
    return false;
  });
}

std::vector<instance_state*> wanting(const load_context& ctx, const load_node& n,
                                     const std::vector<instance_state*>& parents) {
  std::vector<instance_state*> out;
  for (auto* p : parents)
    if (p && ctx.wants(*n.rel, p)) out.push_back(p);
  return out;
}

/// The target's default eager loaders for a load of `rel` on access.
std::vector<load_node> access_children(const relationship_property& rel) {
  if (!has_eager_defaults(*rel.target)) return {};
  std::vector<const relationship_property*> path{&rel};
  return plan_loaders(*rel.target, {}, path, *rel.parent);
}

[[noreturn]] void raise_for(const relationship_property& rel, std::string_view strategy) {
  throw InvalidRequestError("'" + rel.name() + "' is not available due to lazy='" + std::string(strategy) +
                            "' (load it with an eager loader option, or choose another strategy)");
}

/// Strategies that load nothing with the parents. Chosen by a query option,
/// they govern access to the attribute on the objects that query creates.
class on_access_loader : public loader_strategy {
 public:
  void after_load(load_context& ctx, load_node& n, const std::vector<instance_state*>& parents) const override;
};

bool batch_load(session_impl& s, const relationship_property& rel, instance_state& owner,
                const std::vector<load_node>* children = nullptr);

/// A lazy load chosen by a query option that names steps below it
/// (`lazyload<&A::b>().joinedload<&B::c>()`, `defaultload<&A::b>().selectinload<&B::c>()`):
/// the objects that query created load `b` on access with those steps, as
/// SQLAlchemy carries the option into the later lazy load. One per query
/// node, owned jointly by the slots of the objects it created.
class carried_loader final : public loader_strategy {
 public:
  carried_loader(const loader_strategy& base, std::vector<load_node> children)
      : base_(base), children_(std::move(children)) {}
  std::string_view name() const override { return base_.name(); }
  void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const override {
    if (batch_load(s, rel, owner, &children_)) return;
    rel.slot(owner.object)->set_loaded_states(load_relationship(s, rel, owner, children_));
  }

 private:
  const loader_strategy& base_;
  std::vector<load_node> children_;
};

void on_access_loader::after_load(load_context& ctx, load_node& n, const std::vector<instance_state*>& parents) const {
  if (!n.from_option) return;
  std::shared_ptr<const loader_strategy> access;
  if (!n.children.empty() && name() == loading::select::name)
    access = std::make_shared<const carried_loader>(*this, n.children);
  else
    access = std::shared_ptr<const loader_strategy>(std::shared_ptr<const void>(), this);  // static: not owned
  for (auto* p : parents)
    if (ctx.fresh.count(p) && ctx.wants(*n.rel, p)) n.rel->slot(p->object)->set_access_strategy(access);
}

/// lazy="select"; batched across the owner's result unless switched off (batch_load).
class lazy_loader final : public on_access_loader {
 public:
  std::string_view name() const override { return "select"; }
  void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const override {
    if (batch_load(s, rel, owner)) return;
    rel.slot(owner.object)->set_loaded_states(load_relationship(s, rel, owner, access_children(rel)));
  }
};

/// lazy="raise".
class raise_loader final : public on_access_loader {
 public:
  std::string_view name() const override { return "raise"; }
  void load_on_access(session_impl&, const relationship_property& rel, instance_state&) const override {
    raise_for(rel, name());
  }
};

/// lazy="raise_on_sql": what needs no SQL (a many-to-one in the identity map, a
/// NULL key, a pending owner) still loads.
class raise_on_sql_loader final : public on_access_loader {
 public:
  std::string_view name() const override { return "raise_on_sql"; }
  void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const override {
    auto* slot = rel.slot(owner.object);
    if (owner.status == status::pending) return slot->set_loaded_states({});
    auto key = rel.join.lazy_params(*rel.parent, owner.object);
    if (has_null(key)) return slot->set_loaded_states({});
    if (rel.join.simple_many_to_one(*rel.target))
      if (auto* t = s.lookup(*rel.target, key); t && !t->marked_deleted && !t->expired)
        return slot->set_loaded_states({state_ref(t)});
    raise_for(rel, name());
  }
};

/// lazy="noload".
class no_loader final : public loader_strategy {
 public:
  std::string_view name() const override { return "noload"; }
  void after_load(load_context& ctx, load_node& n, const std::vector<instance_state*>& parents) const override {
    for (auto* p : wanting(ctx, n, parents)) n.rel->slot(p->object)->set_loaded_states({});
  }
  void load_on_access(session_impl&, const relationship_property& rel, instance_state& owner) const override {
    rel.slot(owner.object)->set_loaded_states({});
  }
};

/// write_only and dynamic: a collection never loaded into memory
/// (write_only.hpp); its member type chose the strategy. Nothing loads it with
/// the parents; a flush that needs its rows asks load_on_access.
class never_loaded_loader : public loader_strategy {
 public:
  void init(const relationship_property& rel) const override {
    if (!rel.never_loaded)
      configuration_fail(*rel.parent, rel.attribute,
                         "lazy_named(\"" + std::string(name()) + "\") needs a retort::write_only<T> or "
                         "retort::dynamic<T> member",
                         "declare the member as retort::" + std::string(name() == "dynamic" ? "dynamic" : "write_only") +
                             "<" + rel.target->class_name + "> (its type chooses the strategy)");
    if (rel.kind != slot_kind::collection || rel.dir() == direction::many_to_one)
      configuration_fail(*rel.parent, rel.attribute,
                         "a write-only or dynamic collection needs a one-to-many or many-to-many relationship; this "
                         "one is many-to-one (SQLAlchemy: 'dynamic' loaders cannot be used with many-to-one/one-to-one "
                         "relationships)",
                         "make the member a retort::one<" + rel.target->class_name + ">, or map the foreign key on " +
                             rel.target->class_name);
  }
};

/// lazy="write_only": the rows are read only by select(); a flush that would
/// need them (deleting the owner without passive_deletes) is refused.
class write_only_loader final : public never_loaded_loader {
 public:
  std::string_view name() const override { return "write_only"; }
  void load_on_access(session_impl&, const relationship_property& rel, instance_state&) const override {
    throw InvalidRequestError("'" + rel.name() + "' is a write-only collection: it can't load the existing state "
                              "from the database for this operation; full iteration is not permitted. If this is a "
                              "delete operation, configure retort::passive_deletes on the " + rel.name() +
                              " relationship (with ON DELETE CASCADE or SET NULL on its foreign key)");
  }
};

/// lazy="dynamic": a flush that needs the rows (deleting the owner) selects
/// them, without autoflush, as SQLAlchemy's dynamic history does.
class dynamic_loader final : public never_loaded_loader {
 public:
  std::string_view name() const override { return "dynamic"; }
  void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const override {
    rel.slot(owner.object)->set_loaded_states(load_relationship(s, rel, owner, {}));
  }
};

/// Eager strategies: on access (an attribute expired since, or never loaded
/// because the object was already there) they load as the lazy loader does.
class eager_loader : public loader_strategy {
 public:
  bool eager() const override { return true; }
  void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const override {
    rel.slot(owner.object)->set_loaded_states(load_relationship(s, rel, owner, access_children(rel)));
  }
};

/// lazy="joined".
class joined_loader : public eager_loader {
 public:
  std::string_view name() const override { return "joined"; }
  bool multiplies_rows(const relationship_property& rel) const override { return rel.kind == slot_kind::collection; }

  void setup_query(load_context& ctx, load_node& n) const override {
    const auto& rel = *n.rel;
    const mapper& t = *rel.target;
    const bool inner = n.innerjoin && !n.outer;
    const auto kind = inner ? sql::join_kind::inner : sql::join_kind::left;
    n.alias = ctx.alias_for(t.table.name());
    if (rel.join.dir == direction::many_to_many) {
      auto sec = ctx.alias_for(rel.join.secondary->name());
      ctx.parts.joins.push_back(
          {sql::from_item(rel.join.secondary->name(), sec), rel.join.secondary_on(*rel.parent, n.parent_entity, sec), kind});
      ctx.parts.joins.push_back(
          {sql::from_item(t.table.name(), n.alias), rel.join.join_on(*rel.parent, t, n.parent_entity, n.alias, sec), kind});
    } else {
      ctx.parts.joins.push_back(
          {sql::from_item(t.table.name(), n.alias), rel.join.join_on(*rel.parent, t, n.parent_entity, n.alias), kind});
    }
    n.offset = ctx.columns.size();
    add_entity_columns(ctx.columns, t, n.alias, n.columns.get());
    if (rel.kind == slot_kind::collection && !rel.order_by_columns.empty()) collection_order(rel, n.alias, ctx.parts.order);
    for (auto& c : n.children) {
      c.parent_entity = n.alias;
      c.outer = !inner;
      c.strategy->setup_query(ctx, c);
    }
  }

  void process_row(load_context& ctx, load_node& n, instance_state* parent, const engine::row_view& row) const override {
    if (!parent) return;
    auto [it, added] = n.index.try_emplace(parent, n.entries.size());
    if (added) n.entries.push_back({parent, {}, {}});
    auto* target = ctx.entity_at(*n.rel->target, row, n.offset, n.columns.get());
    auto& e = n.entries[it->second];
    if (target && e.seen.insert(target).second) e.targets.emplace_back(target);
    for (auto& c : n.children) c.strategy->process_row(ctx, c, target, row);
  }

  void after_load(load_context& ctx, load_node& n, const std::vector<instance_state*>&) const override {
    std::vector<instance_state*> targets;
    std::unordered_set<instance_state*> seen;
    for (auto& e : n.entries) {
      for (const auto& t : e.targets)
        if (seen.insert(t.get()).second) targets.push_back(t.get());
      if (!ctx.wants(*n.rel, e.parent)) continue;
      sort_by_key(*n.rel, e.targets);
      n.rel->slot(e.parent->object)->set_loaded_states(std::move(e.targets));
    }
    std::vector<state_ref> cohort(targets.begin(), targets.end());
    ctx.session.note_cohort(cohort);
    for (auto& c : n.children) c.strategy->after_load(ctx, c, targets);
  }
};

/// contains_eager: the relationship filled from a join the query makes itself
/// (filtered or aliased): the target's columns are added to the statement, no
/// join is; the rows populate the parents as joined loading's do. The query
/// owns the join, so a LIMIT is not moved into a subquery for it.
class contains_eager_loader final : public joined_loader {
 public:
  std::string_view name() const override { return "contains_eager"; }
  bool multiplies_rows(const relationship_property&) const override { return false; }

  void setup_query(load_context& ctx, load_node& n) const override {
    const mapper& t = *n.rel->target;
    n.alias = n.from.empty() ? t.table.name() : n.from;
    const auto named = [&](const sql::from_item& f) { return (f.alias.empty() ? f.table : f.alias) == n.alias; };
    const auto& p = ctx.parts;
    if (std::none_of(p.froms.begin(), p.froms.end(), named) &&
        std::none_of(p.joins.begin(), p.joins.end(), [&](const sql::join& j) { return named(j.target); }))
      throw InvalidRequestError("contains_eager(" + n.rel->parent->class_name + "." + n.rel->attribute +
                                "): the query does not join " + n.alias + "; join it first (join<&" +
                                n.rel->parent->class_name + "::" + n.rel->attribute + ">())");
    n.offset = ctx.columns.size();
    add_entity_columns(ctx.columns, t, n.alias);
    for (auto& c : n.children) {
      c.parent_entity = n.alias;
      c.outer = true;
      c.strategy->setup_query(ctx, c);
    }
  }
};

/// What a load of targets returned, grouped by the parent key each belongs to.
/// A single integer key (the usual case) is its own map key; others go by text.
class grouped {
 public:
  /// With `dedupe`, a target already in its group is not added again.
  void add(const std::vector<sql::value>& key, instance_state* target, bool dedupe) {
    auto& g = simple(key) ? ints_[key[0].as_int()] : texts_[key_text(key)];
    if (dedupe && std::any_of(g.begin(), g.end(), [&](const state_ref& r) { return r.get() == target; })) return;
    g.emplace_back(target);
  }
  const std::vector<state_ref>* find(const std::vector<sql::value>& key) const {
    if (simple(key)) {
      auto it = ints_.find(key[0].as_int());
      return it == ints_.end() ? nullptr : &it->second;
    }
    auto it = texts_.find(key_text(key));
    return it == texts_.end() ? nullptr : &it->second;
  }

 private:
  static bool simple(const std::vector<sql::value>& key) {
    return key.size() == 1 && key[0].kind() == sql::value_kind::integer;
  }
  std::unordered_map<std::int64_t, std::vector<state_ref>> ints_;
  std::unordered_map<std::string, std::vector<state_ref>> texts_;
};

/// Gives each parent its group (by its `local_columns`), or nothing.
void assign_groups(const load_node& n, const std::vector<instance_state*>& parents, grouped& g) {
  const auto& rel = *n.rel;
  for (auto* p : parents) {
    auto key = read(*rel.parent, p->object, rel.join.local_columns);
    const auto* found = has_null(key) ? nullptr : g.find(key);
    rel.slot(p->object)->set_loaded_states(found ? *found : std::vector<state_ref>{});
  }
}

/// A many-to-one whose parents' keys name targets: each gets its target from the identity map.
void assign_from_identity_map(session_impl& s, const load_node& n, const std::vector<instance_state*>& parents) {
  const auto& rel = *n.rel;
  for (auto* p : parents) {
    auto key = read(*rel.parent, p->object, rel.join.local_columns);
    auto* t = has_null(key) ? nullptr : s.lookup(*rel.target, key);
    rel.slot(p->object)->set_loaded_states(t ? std::vector<state_ref>{state_ref(t)} : std::vector<state_ref>{});
  }
}

std::vector<sql::expression> target_columns(const mapper& t, const std::vector<std::size_t>& cols,
                                            const std::string& qualifier) {
  std::vector<sql::expression> out;
  for (auto i : cols) out.push_back(column_of(qualifier, t.columns[i].column.name));
  return out;
}

/// lazy="selectin".
class selectin_loader final : public eager_loader {
 public:
  std::string_view name() const override { return "selectin"; }

  void after_load(load_context& ctx, load_node& n, const std::vector<instance_state*>& all) const override {
    auto parents = wanting(ctx, n, all);
    if (parents.empty()) return;
    const auto& rel = *n.rel;
    const mapper& t = *rel.target;
    const auto& j = rel.join;
    std::vector<std::vector<sql::value>> keys;
    // Parents are distinct objects; their keys are distinct too unless they are foreign keys.
    const bool may_repeat = j.parent_holds_key();
    std::unordered_set<std::string> distinct;
    for (auto* p : parents) {
      auto key = read(*rel.parent, p->object, j.local_columns);
      if (has_null(key) || (may_repeat && !distinct.insert(key_text(key)).second)) continue;
      // A many-to-one whose target is already in the session needs no row.
      if (j.simple_many_to_one(t))
        if (auto* found = ctx.session.lookup(t, key); found && !found->marked_deleted) continue;
      keys.push_back(std::move(key));
    }
    grouped groups;
    const std::string& table = t.table.name();
    const auto chunk = n.keys_per_statement;
    for (std::size_t from = 0; from < keys.size(); from += chunk) {
      const auto to = std::min(keys.size(), from + chunk);
      auto parts = entity_parts(t);
      const bool many_to_many = j.dir == direction::many_to_many;
      if (many_to_many) {
        const auto& sec = j.secondary->name();
        std::vector<sql::expression> local;
        for (const auto& c : j.secondary_local) local.push_back(column_of(sec, c));
        parts.lead = local;
        parts.joins.push_back({sql::from_item(sec), j.join_on(*rel.parent, t), sql::join_kind::inner});  // extra criteria too
        parts.where.push_back(in_keys(local, keys, from, to));
      } else {
        parts.where.push_back(in_keys(target_columns(t, j.remote_columns, table), keys, from, to));
        for (const auto& [i, v] : j.extra)
          parts.where.push_back(equals(column_of(table, t.columns[i].column.name), bind(v)));
      }
      if (rel.kind == slot_kind::collection) collection_order(rel, table, parts.order);
      parts.columns = n.columns;
      auto result = run_load(ctx.session, t, std::move(parts), n.children, ctx.populate_existing, many_to_many);
      if (j.simple_many_to_one(t)) continue;  // assigned from the identity map below
      // Each (parent, target) pair comes once: a child has one parent key, a link row is unique.
      if (many_to_many) {
        for (auto& [key, target] : result.led) groups.add(key, target, false);
      } else {
        for (const auto& target : result.entities) groups.add(read(t, target->object, j.remote_columns), target.get(), false);
      }
    }
    if (j.simple_many_to_one(t)) return assign_from_identity_map(ctx.session, n, parents);
    assign_groups(n, parents, groups);
  }
};

/// lazy="subquery".
class subquery_loader final : public eager_loader {
 public:
  std::string_view name() const override { return "subquery"; }

  void after_load(load_context& ctx, load_node& n, const std::vector<instance_state*>& all) const override {
    auto parents = wanting(ctx, n, all);
    if (parents.empty()) return;
    const auto& rel = *n.rel;
    const mapper& pm = *rel.parent;
    const mapper& t = *rel.target;
    const auto& j = rel.join;
    const auto& src = ctx.parts;
    // The parents' statement again, selecting the key their targets join on.
    sql::select inner;
    for (auto i : j.local_columns) inner.column(column_of(n.parent_entity, pm.columns[i].column.name));
    for (const auto& f : src.froms) inner.from(f);
    // Below the queried entity the parents come from eager joins, which stay; at
    // the top those only multiply the rows, and are left out, as SQLAlchemy does.
    const auto joins = n.parent_entity == src.entity ? ctx.base_joins : src.joins.size();
    for (std::size_t i = 0; i < joins; ++i) {
      const auto& jn = src.joins[i];
      jn.kind == sql::join_kind::left ? inner.outer_join(jn.target, jn.on) : inner.join(jn.target, jn.on);
    }
    for (const auto& w : src.where) inner.where(w);
    if (src.limit || src.offset) {
      for (const auto& o : src.order) inner.order_by(o);
      if (src.limit) inner.limit(*src.limit);
      if (src.offset) inner.offset(*src.offset);
    } else {
      inner.distinct();
    }
    const std::string anon = "anon_1";
    const std::string& table = t.table.name();
    query_parts parts;
    parts.entity = table;
    parts.froms.emplace_back(inner, anon);
    std::vector<sql::expression> keys;
    for (auto i : j.local_columns) keys.push_back(column_of(anon, pm.columns[i].column.name));
    parts.lead = keys;
    auto all_equal = [](const std::vector<sql::expression>& a, const std::vector<sql::expression>& b) {
      auto cond = equals(a[0], b[0]);
      for (std::size_t i = 1; i < a.size(); ++i) cond = cond && equals(a[i], b[i]);
      return cond;
    };
    if (j.dir == direction::many_to_many) {
      const auto& sec = j.secondary->name();
      std::vector<sql::expression> local;
      for (const auto& c : j.secondary_local) local.push_back(column_of(sec, c));
      parts.joins.push_back({sql::from_item(sec), all_equal(local, keys), sql::join_kind::inner});
      parts.joins.push_back({sql::from_item(table), j.join_on(pm, t), sql::join_kind::inner});  // extra criteria too
    } else {
      parts.joins.push_back(
          {sql::from_item(table), all_equal(target_columns(t, j.remote_columns, table), keys), sql::join_kind::inner});
      for (const auto& [i, v] : j.extra)
        parts.where.push_back(equals(column_of(table, t.columns[i].column.name), bind(v)));
    }
    parts.order = keys;
    if (rel.kind == slot_kind::collection) collection_order(rel, table, parts.order);
    parts.columns = n.columns;
    auto result = run_load(ctx.session, t, std::move(parts), n.children, ctx.populate_existing, true);
    grouped groups;
    for (auto& [key, target] : result.led) groups.add(key, target, true);  // the inner query may repeat a key
    assign_groups(n, parents, groups);
  }
};

/// lazy="immediate".
class immediate_loader final : public eager_loader {
 public:
  std::string_view name() const override { return "immediate"; }
  void after_load(load_context& ctx, load_node& n, const std::vector<instance_state*>& all) const override {
    for (auto* p : wanting(ctx, n, all))
      n.rel->slot(p->object)->set_loaded_states(load_relationship(ctx.session, *n.rel, *p, n.children, n.columns));
  }
};

const selectin_loader& selectin_strategy() {
  static const selectin_loader s;
  return s;
}

/// Automatic N+1 batching: the first lazy load of `rel` on an object of a
/// multi-row result loads it for every object of that result still in the
/// session and not loaded yet, as one selectin load. What needs no SQL (a
/// NULL key, a many-to-one in the identity map) is left to the lazy load.
bool batch_load(session_impl& s, const relationship_property& rel, instance_state& owner,
                const std::vector<load_node>* children) {
  if (!s.options().batch_lazy_loads || !rel.batch_lazy_loads || owner.cohort == 0) return false;
  if (owner.status != status::persistent || owner.session != &s) return false;
  auto key = rel.join.lazy_params(*rel.parent, owner.object);
  if (has_null(key)) return false;
  if (rel.join.simple_many_to_one(*rel.target))
    if (auto* t = s.lookup(*rel.target, key); t && !t->marked_deleted) return false;
  s.autoflush();
  // The objects of the owner's result that load this relationship the same way.
  const auto* access = rel.slot(owner.object)->access_strategy();
  std::vector<instance_state*> parents;
  for (auto* p : s.cohort_of(&owner)) {
    if (p->expired || p->marked_deleted || p->status != status::persistent) continue;
    const auto* slot = rel.slot(p->object);
    if (slot->is_loaded() || (slot->access_strategy() != access && p != &owner)) continue;
    parents.push_back(p);
  }
  if (parents.size() < 2) return false;
  load_context ctx(s, false);
  load_node n;
  n.rel = &rel;
  n.strategy = &selectin_strategy();
  n.keys_per_statement = batch_keys;
  n.children = children ? *children : access_children(rel);
  selectin_strategy().after_load(ctx, n, parents);
  return rel.slot(owner.object)->is_loaded();
}

struct strategy_table {
  std::mutex mutex;
  std::map<std::string, const loader_strategy*, std::less<>> by_name;
  strategy_table() {
    static const lazy_loader lazy;
    static const joined_loader joined;
    const selectin_loader& selectin = selectin_strategy();
    static const subquery_loader subquery;
    static const immediate_loader immediate;
    static const no_loader noload;
    static const raise_loader raise;
    static const raise_on_sql_loader raise_on_sql;
    static const contains_eager_loader contains_eager;
    static const write_only_loader write_only;
    static const dynamic_loader dynamic;
    for (const loader_strategy* s : std::initializer_list<const loader_strategy*>{
             &lazy, &joined, &selectin, &subquery, &immediate, &noload, &raise, &raise_on_sql, &contains_eager,
             &write_only, &dynamic})
      by_name[std::string(s->name())] = s;
  }
};

strategy_table& strategies() {
  static strategy_table t;
  return t;
}

}  // namespace

void register_strategy(const loader_strategy* strategy) {
  auto& t = strategies();
  std::lock_guard lock(t.mutex);
  t.by_name[std::string(strategy->name())] = strategy;
}

const loader_strategy& strategy_for(const std::string& name, const mapper& m, const std::string& attribute) {
  auto& t = strategies();
  std::lock_guard lock(t.mutex);
  auto it = t.by_name.find(name);
  if (it == t.by_name.end()) {
    std::string known;
    for (const auto& [k, _] : t.by_name) known += (known.empty() ? "" : ", ") + k;
    throw ConfigurationError(m.class_name + "." + attribute + ": unknown loader strategy lazy_named(\"" + name +
                             "\"); use one of: " + known);
  }
  return *it->second;
}

}  // namespace retort::orm
