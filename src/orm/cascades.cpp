// Session cascades beyond save-update and delete (SQLAlchemy's cascade_iterator
// and Session.merge): the walk that expunge and expire / refresh follow, and
// merge of a detached or transient graph along the merge cascade. Called by
// the session (session.cpp) and its typed shell (session.hpp).
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "orm/session_impl.hpp"
#include "orm/unit_of_work.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

std::vector<state_ref> cascade_targets(instance_state* root, bool cascade_flags::*flag) {
  std::vector<state_ref> out;
  std::unordered_set<instance_state*> seen{root};
  std::vector<instance_state*> work{root};
  std::vector<instance_state*> next;
  while (!work.empty()) {
    auto* s = work.back();
    work.pop_back();
    next.clear();
    for (const auto& rel : s->owner_mapper->relationships) {
      if (!(rel.cascade.*flag)) continue;
      rel.slot(s->object)->for_each_target(
          [&](instance_state* t) {
            if (seen.insert(t).second) next.push_back(t);
          },
          false);
    }
    for (auto* t : next) out.emplace_back(t);
    work.insert(work.end(), next.rbegin(), next.rend());
  }
  return out;
}

void session_impl::conditional_expire(instance_state* s) {
  if (s->session != this) return;
  if (s->status == status::persistent) {
    s->expired = true;
    s->touched = false;
    for (const auto& rel : s->owner_mapper->relationships) rel.slot(s->object)->unload();
    fire_object(*this, event_kind::expire, s);
  } else if (s->status == status::pending) {  // nothing in the database to reload from: it leaves (SQLAlchemy)
    detach(s, status::transient);
    limbo_.emplace_back(s);
  }
}

// SQLAlchemy's refresh expires the object and what its refresh-expire cascade
// reaches, then loads the object's columns: relationships load on next access,
// the cascaded objects on theirs.
void session_impl::refresh_cascade(instance_state* s) {
  in_use guard(*this);
  auto related = cascade_targets(s, &cascade_flags::refresh_expire);  // before the refresh unloads anything
  refresh(s);
  for (const auto& rel : s->owner_mapper->relationships) rel.slot(s->object)->unload();
  for (auto& t : related) conditional_expire(t.get());
}

// ---- merge ----

/// Per merge call: each source maps to one result, and the (source, relationship)
/// pairs being merged, so the reverse of a relationship is not merged back.
struct session_impl::merge_memo {
  std::unordered_map<instance_state*, state_ref> merged;
  std::set<std::pair<const instance_state*, const relationship_property*>> along;
};

namespace {
/// Restores the session's autoflush setting when the merge ends.
class autoflush_off {
 public:
  explicit autoflush_off(bool& flag) : flag_(flag), was_(std::exchange(flag, false)) {}
  ~autoflush_off() { flag_ = was_; }
  autoflush_off(const autoflush_off&) = delete;
  autoflush_off& operator=(const autoflush_off&) = delete;

 private:
  bool& flag_;
  bool was_;
};
}  // namespace

// As SQLAlchemy's merge: one autoflush first, then none while merging, so the
// SELECTs it runs see the session as it was.
state_ref session_impl::merge(instance_state* source) {
  in_use guard(*this);
  check_active();
  autoflush();
  autoflush_off off(options_.autoflush);
  merge_memo memo;
  return merge_state(source, memo);
}

/// The object of this session with `source`'s key: from the identity map (no
/// SQL), else SELECTed; null when `source` has no key or no row has it.
state_ref session_impl::merge_target(const mapper& m, instance_state* source) {
  std::vector<sql::value> key = source->has_identity() ? source->key : m.key_of(source->object);
  if (!source->has_identity() && needs_generated_key(m, source->object)) return {};
  for (const auto& v : key)
    if (v.is_null()) return {};
  if (auto* s = lookup(m, key)) {
    if (s->expired) refresh(s);  // loaded first, so the copied columns are compared with the row
    return state_ref(s);
  }
  auto rows = load_where(m, m.primary_key, key, false);
  return rows.empty() ? state_ref() : rows.front();
}

state_ref session_impl::merge_state(instance_state* source, merge_memo& memo) {
  if (auto it = memo.merged.find(source); it != memo.merged.end()) return it->second;
  if (source->session == this) return memo.merged.emplace(source, state_ref(source)).first->second;
  const mapper& m = *source->owner_mapper;
  state_ref target = merge_target(m, source);
  if (!target) {  // a new object: pending, INSERTed at flush
    target = state_ref(m.create());
    bind_slots(target.get());
    add(target.get());
  }
  memo.merged.emplace(source, target);
  if (!source->expired) {  // an expired source has nothing loaded to copy
    for (const auto& c : m.columns) {
      if (c.deferred && !c.deferred(source->object)->is_loaded()) continue;  // not loaded: nothing to copy
      auto v = c.get(source->object);
      if (!c.same(target->object, v) || (c.deferred && !c.deferred(target->object)->is_loaded()))
        c.set(target->object, v);
    }
    touch(target.get());
  }
  for (const auto& rel : m.relationships) merge_relationship(rel, source, target.get(), memo);
  return target;
}

// SQLAlchemy's RelationshipProperty.merge: only a loaded relationship of the
// source is merged, its objects merged in turn, and the result assigned to the
// target (a collection computes its adds and removes, so a child the source no
// longer holds is removed: an orphan with delete-orphan). The reverse of a
// relationship being merged is skipped: back-population sets it.
void session_impl::merge_relationship(const relationship_property& rel, instance_state* source,
                                      instance_state* target, merge_memo& memo) {
  if (!rel.cascade.merge) return;
  if (rel.reverse && memo.along.count({source, rel.reverse})) return;
  const detail::slot& from = *rel.slot(source->object);
  if (!from.is_loaded()) return;
  // A new object's relationship that holds nothing and was never set says
  // nothing (SQLAlchemy: the attribute is not in its __dict__); merging it would
  // empty the target's collection, or null its foreign key.
  bool empty = true;
  from.for_each_target([&](instance_state*) { empty = false; }, false);
  if (!source->has_identity() && empty && !from.has_history()) return;
  if (rel.kind == slot_kind::collection) {
    // Load the target's collection first (SQLAlchemy's pre-load): merging the
    // items then finds the ones it holds in the identity map, without a SELECT each.
    auto& to = static_cast<detail::collection_slot&>(*rel.slot(target->object));
    to.items();
    std::vector<state_ref> items = static_cast<const detail::collection_slot&>(from).peek();
    std::vector<state_ref> merged;
    for (auto& item : items) {
      memo.along.emplace(item.get(), &rel);
      merged.push_back(merge_state(item.get(), memo));
    }
    std::vector<instance_state*> states;
    for (auto& r : merged) states.push_back(r.get());
    to.replace(states);
    return;
  }
  state_ref merged;
  if (auto* t = static_cast<const detail::scalar_slot&>(from).peek()) {
    memo.along.emplace(t, &rel);
    merged = merge_state(t, memo);
  }
  static_cast<detail::scalar_slot&>(*rel.slot(target->object)).assign(merged.get());
}

}  // namespace retort::orm

namespace retort {

orm::state_ref session::merge_state(orm::instance_state* s) {
  if (!s) throw ArgumentError("session.merge: the ptr<> is empty (it refers to no object)");
  return impl().merge(s);
}

}  // namespace retort
