// Private: who owns detached objects. Objects reference each other through
// counted relationship slots, and a bidirectional relationship is a cycle
// (user -> posts -> author -> user), so objects no session holds any more
// would keep each other alive forever. They are kept in detached groups
// instead (docs/ARCHITECTURE.md, "Detached objects and reference cycles"):
//
// - A group is a set of session-less objects closed under the cycles between
//   them: every cycle of session-less objects lies inside one group. Groups
//   are formed when objects leave a session (close, commit of a delete,
//   rollback, expunge: session_impl::collect_limbo) and re-formed when a
//   relationship of a member changes.
// - `outside` counts the references to members that do not come from a
//   member's relationship slots: handles, other objects' slots, temporaries.
//   retain / drop of a member keep it exact (instance_state.hpp); when it
//   reaches zero no handle reaches the group, and it is freed.
// - A cycle is only ever freed by an exact trial deletion (the settlement in
//   detached_group.cpp): per member, its reference count less the references
//   from members' slots; what is referred to from outside stays, with
//   everything it reaches; the rest is garbage, and unloading its
//   relationships frees it. The counters only say when to look; a wrong
//   counter could keep garbage, never free a live object. (An object nothing
//   refers to at all is freed as plain reference counting would.)
// - Inside a detached_scope (a relationship change involving a member, a
//   member joining a session, a settlement itself) the counters are not kept:
//   drops only mark the group, nothing is freed, and the outermost scope
//   re-forms the marked groups exactly when it ends.
//
// Used by attributes.cpp (relationship changes), session.cpp (add, close,
// commit, rollback) and instance_state.hpp's retain / drop.
#pragma once

#include <cstdint>
#include <vector>

#include "retort/orm/instance_state.hpp"

namespace retort::orm {

struct detached_group {
  std::vector<instance_state*> members;  ///< not owning; members[i]->group_index == i
  std::int64_t outside = 0;              ///< references to members from outside the group's slots
  std::uint32_t pins = 0;                ///< members being freed one by one: collection waits
  bool dirty = false;                    ///< marked in the open detached_scope: re-formed when it ends
  bool absorbed = false;                 ///< (settle) taken into the groups being formed
  bool dying = false;                    ///< (settle) the garbage, being freed: retain / drop only count
};

/// Defers the bookkeeping of detached groups over an operation that changes
/// relationships between objects: while any scope is open on this thread,
/// retain / drop of a member only mark its group, and the outermost scope
/// re-forms the marked groups exactly (freeing what became garbage) when it
/// ends. Scopes nest; an inactive scope does nothing.
class detached_scope {
 public:
  explicit detached_scope(bool active = true) {
    if (active) enter();
  }
  /// Active when `a` or `b` is in a group, whose group is then marked.
  detached_scope(instance_state* a, instance_state* b) {
    if ((a && a->group) || (b && b->group)) enter(a, b);
  }
  detached_scope(const detached_scope&) = delete;
  detached_scope& operator=(const detached_scope&) = delete;
  ~detached_scope() {
    if (active_) leave();
  }
  void activate() {
    if (!active_) enter();
  }

 private:
  void enter(instance_state* a = nullptr, instance_state* b = nullptr);
  void leave() noexcept;
  bool active_ = false;
};

/// Objects that have just left a session (and the session-less objects that
/// hang off them) join detached groups; garbage among them is freed. Takes
/// over the references in `seeds`: a group that only they held is freed.
void group_detached(std::vector<state_ref> seeds);

/// `s` joins a session and leaves its group, which is re-formed when the open
/// scope ends. Precondition: a detached_scope is active and `s->group` is set.
void leave_group(instance_state* s);

}  // namespace retort::orm
