// Detached groups (the design narrative is in detached_group.hpp): the
// counters kept by retain / drop, the deferral of detached_scope, and the
// exact settlement that forms groups and frees garbage.
#include "orm/detached_group.hpp"

#include <cassert>
#include <iterator>
#include <algorithm>
#include <numeric>

#include "retort/orm/mapper.hpp"
#include "retort/orm/relationship.hpp"

namespace retort::orm {

namespace {

/// The open scopes of this thread and what they deferred. Empty whenever depth is 0.
struct context {
  int depth = 0;
  std::vector<detached_group*> dirty;
  std::vector<state_ref> seeds;
};
thread_local context ctx;

/// Calls `f` once per reference `s`'s relationship slots hold (history included).
void for_each_target(instance_state* s, detail::target_fn f) {
  for (const auto& rel : s->owner_mapper->relationships) rel.slot(s->object)->for_each_target(f);
}

void unload_all(instance_state* s) {
  for (const auto& rel : s->owner_mapper->relationships) rel.slot(s->object)->unload();
}

void mark_dirty(detached_group* g) {
  if (g->dirty) return;
  g->dirty = true;
  ctx.dirty.push_back(g);
}

void remove_member(detached_group* g, instance_state* s) {
  assert(s->group == g && g->members[s->group_index] == s);
  auto* last = g->members.back();
  g->members[s->group_index] = last;
  last->group_index = s->group_index;
  g->members.pop_back();
  s->group = nullptr;
}

/// Re-forms the marked groups now (the counters are exact outside scopes).
void collect(detached_group* g) {
  detached_scope scope;
  mark_dirty(g);
}

/// A member nothing refers to any more, outside any scope: it leaves its group
/// and is freed. Its slots' references to members were internal and become
/// references from outside, which its destruction then drops again one by
/// one; the group waits (pins) until that is over, then is freed if nothing
/// outside refers to it any more.
void release_member(instance_state* s) {
  auto* g = s->group;
  remove_member(g, s);
  for_each_target(s, [g](instance_state* t) {
    if (t && t->group == g) ++g->outside;
  });
  ++g->pins;
  release(s);
  if (--g->pins > 0) return;  // an outer release_member of this group finishes
  if (g->members.empty()) {
    assert(g->outside == 0);
    delete g;  // no scope holds it: scopes end before a release_member does
  } else if (g->outside == 0 || g->dirty) {  // dirty: marked by a settlement while pinned
    g->dirty = false;
    collect(g);
  }
}

/// One exact re-formation: the members of the marked groups, the seeds, and
/// every session-less object they reach become the nodes; each node's
/// references from outside are its count less the references from nodes'
/// slots (and less the seeds' own, which the settlement takes over). Nodes
/// referred to from outside, and what they reach, are live and form new
/// groups, one per connected part; the rest is garbage and is freed by
/// unloading its relationships. Seeds nothing else refers to are freed
/// before any of that, by plain reference counting.
class settlement {
 public:
  settlement() { scratch_.absorbed = true; }
  /// Node seeds are taken over (their references disowned); the others stay in `seeds`.
  void run(std::vector<state_ref>& seeds, const std::vector<detached_group*>& dirty);

 private:
  bool is_node(const instance_state* s) const { return s && s->group == &scratch_; }
  void visit(instance_state* s);
  void absorb(detached_group* g);
  void mark(instance_state* s);
  std::size_t find(std::size_t i);
  void free_unreferenced(std::vector<state_ref>& seeds);
  std::vector<char> mark_live();
  void form_groups(const std::vector<char>& live);
  void free_garbage(const std::vector<char>& live);

  detached_group scratch_;  ///< the nodes' group while the settlement looks at them (marked absorbed)
  std::vector<instance_state*> nodes_;        ///< nodes_[i]->group_index == i meanwhile
  std::vector<std::int64_t> ext_;             ///< per node: its count less the references from nodes' slots
  std::vector<detached_group*> old_;
  std::vector<std::size_t> parent_;  ///< union-find over live nodes
};

void settlement::mark(instance_state* s) {
  s->group = &scratch_;
  s->group_index = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(s);
  ext_.push_back(s->refs);
}

void settlement::absorb(detached_group* g) {
  if (g->absorbed) return;
  g->absorbed = true;
  old_.push_back(g);
  for (auto* m : g->members) {
    assert(m->group == g && !m->session);
    mark(m);
  }
}

// A member of a group whose members are being freed one by one (pinned) is
// not taken in: its references count as from outside, which only keeps more.
void settlement::visit(instance_state* s) {
  if (!s || s->session || is_node(s)) return;
  if (!s->group) {
    mark(s);
  } else if (s->group->pins == 0) {
    absorb(s->group);
  }
}

std::size_t settlement::find(std::size_t i) {
  while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
  return i;
}

// Each node is looked at in one pass here and freed in one more (the objects
// of a closing session are many and spread over memory: passes cost).
void settlement::run(std::vector<state_ref>& seeds, const std::vector<detached_group*>& dirty) {
  free_unreferenced(seeds);
  for (auto* g : dirty)
    if (g->pins == 0) absorb(g);  // a pinned one stays marked: its release_member re-forms it
  for (auto& r : seeds) {
    visit(r.get());
    if (!is_node(r.get())) continue;
    auto* s = r.disown();
    --ext_[s->group_index];
    --s->refs;  // taken over: the node is freed below if nothing else refers to it
  }
  // The closure; each node's count less the references from nodes' slots
  // (every node's slots are walked exactly once).
  for (std::size_t i = 0; i < nodes_.size(); ++i)
    for_each_target(nodes_[i], [this](instance_state* t) {
      visit(t);
      if (is_node(t)) --ext_[t->group_index];
    });
  std::vector<char> live = mark_live();
  if (std::find(live.begin(), live.end(), 1) != live.end()) form_groups(live);
  for (auto* g : old_) delete g;
  free_garbage(live);
}

// A seed whose count is the seed's own reference is referred to by nothing
// else, so it is garbage without any walk of the graph: letting go frees it
// (and whatever only it held), as plain reference counting does. That is
// most of a closing session whose objects no handle holds (a user and its
// posts, when no post's author was loaded); the second sweep takes the
// children a first one reached before their parents.
void settlement::free_unreferenced(std::vector<state_ref>& seeds) {
  for (int sweep = 0; sweep < 2; ++sweep) {
    bool freed = false;
    for (auto& r : seeds) {
      if (!r || r->refs != 1 || r->group || r->session) continue;
      r = state_ref();
      freed = true;
    }
    if (!freed) return;
  }
}

// Referred to from outside, or reached from what is.
std::vector<char> settlement::mark_live() {
  std::vector<char> live(nodes_.size(), 0);
  std::vector<instance_state*> work;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    assert(ext_[i] >= 0);  // more slot references than the count: a slot's for_each_target misses none
    if (ext_[i] != 0) {
      live[i] = 1;
      work.push_back(nodes_[i]);
    }
  }
  while (!work.empty()) {
    auto* s = work.back();
    work.pop_back();
    for_each_target(s, [&](instance_state* t) {
      if (is_node(t) && !live[t->group_index]) {
        live[t->group_index] = 1;
        work.push_back(t);
      }
    });
  }
  return live;
}

// A new group per connected part of the live nodes, counting as from outside
// its members' own references from outside plus the garbage's slots, which
// drop theirs when it is freed.
void settlement::form_groups(const std::vector<char>& live) {
  const std::size_t n = nodes_.size();
  parent_.resize(n);
  std::iota(parent_.begin(), parent_.end(), std::size_t{0});
  for (std::size_t i = 0; i < n; ++i) {
    if (!live[i]) continue;
    for_each_target(nodes_[i], [&](instance_state* t) {
      if (is_node(t)) parent_[find(i)] = find(t->group_index);  // reached from live: live too
    });
  }
  std::vector<std::int64_t> outside(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (live[i]) {
      outside[find(i)] += ext_[i];
      continue;
    }
    for_each_target(nodes_[i], [&](instance_state* t) {
      if (is_node(t) && live[t->group_index]) ++outside[find(t->group_index)];
    });
  }
  std::vector<detached_group*> made(n, nullptr);
  for (std::size_t i = 0; i < n; ++i) {
    if (!live[i]) continue;
    auto* s = nodes_[i];
    auto root = find(i);
    auto*& g = made[root];
    if (!g) {
      g = new detached_group();  // owned by its members: deleted when the last leaves or it is re-formed
      g->outside = outside[root];
    }
    s->group = g;
    s->group_index = static_cast<std::uint32_t>(g->members.size());
    g->members.push_back(s);
  }
}

// No counted reference reaches the garbage except from other garbage. It
// stays in the scratch group, now dying, where retain / drop only count; each
// one in turn leaves it, has its relationships unloaded and is freed if
// nothing refers to it any more (what other garbage still refers to is freed
// by that garbage's unload). Drops on live members meanwhile only mark their
// new groups, which the next pass recounts.
void settlement::free_garbage(const std::vector<char>& live) {
  scratch_.dying = true;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (live[i]) continue;
    auto* s = nodes_[i];
    s->group = nullptr;
    state_ref keep(s);  // its own slots may refer to it
    unload_all(s);
  }
}

void run_pending() {
  ++ctx.depth;
  while (!ctx.dirty.empty() || !ctx.seeds.empty()) {
    auto dirty = std::exchange(ctx.dirty, {});
    auto seeds = std::exchange(ctx.seeds, {});
    settlement().run(seeds, dirty);
  }
  --ctx.depth;
}

}  // namespace

void group_retained(instance_state* s) noexcept {
  auto* g = s->group;
  if (g->dying) return;  // garbage being freed: the count is all
  assert(!g->absorbed);
  ++g->outside;
  if (ctx.depth > 0) mark_dirty(g);
}

void group_dropped(instance_state* s) noexcept {
  auto* g = s->group;
  assert(s->refs > 0);
  if (g->dying) {  // garbage being freed: free_garbage frees it in its turn
    --s->refs;
    return;
  }
  assert(!g->absorbed);
  --s->refs;
  --g->outside;
  if (ctx.depth > 0) {
    mark_dirty(g);  // even a member at zero waits: the scope's settlement frees it
  } else if (s->refs == 0) {
    release_member(s);
  } else if (g->outside == 0 && g->pins == 0) {
    collect(g);
  }
}

void detached_scope::enter(instance_state* a, instance_state* b) {
  active_ = true;
  ++ctx.depth;
  if (a && a->group) mark_dirty(a->group);
  if (b && b->group) mark_dirty(b->group);
}

void detached_scope::leave() noexcept {
  if (--ctx.depth == 0 && (!ctx.dirty.empty() || !ctx.seeds.empty())) run_pending();
}

void group_detached(std::vector<state_ref> seeds) {
  detached_scope scope;
  if (ctx.seeds.empty()) {
    ctx.seeds = std::move(seeds);
  } else {
    ctx.seeds.insert(ctx.seeds.end(), std::make_move_iterator(seeds.begin()), std::make_move_iterator(seeds.end()));
  }
}

void leave_group(instance_state* s) {
  assert(ctx.depth > 0 && s->group);
  mark_dirty(s->group);
  remove_member(s->group, s);
}

}  // namespace retort::orm
