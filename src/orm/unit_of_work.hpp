// Private: the unit of work, which turns the session's pending changes into
// SQL at flush.
//
// The flush algorithm (SQLAlchemy's, simplified to table-level ordering):
//
// 1. Collect. Saves are the pending objects plus every persistent object
//    handed out for writing since the last flush (`touched`); deletes are the
//    objects marked with session.delete_(). A deleted parent's loaded or
//    loadable children that are not themselves deleted get their foreign key
//    nulled (SQLAlchemy's default without a delete cascade), which makes them
//    saves too.
// 2. Order. Mappers are sorted so that every table comes after the tables its
//    foreign keys reference (util::topological_sort). Saves run in that order,
//    deletes in the reverse order, after all saves: parents are inserted before
//    children, and children deleted before parents.
// 3. Synchronize. Before a mapper's rows are written, its dependency
//    processors copy keys into foreign-key columns: the one-to-many processor
//    from each parent's collection history (removals first, so a child moved
//    between parents ends with the new parent), then the many-to-one processor
//    from each child's own reference. Parents are already inserted, so their
//    generated keys are known.
// 4. Emit (persistence.cpp). INSERTs of one shape share one prepared statement
//    (executemany), or on PostgreSQL one multi-row INSERT ... RETURNING per
//    batch; UPDATEs set only changed columns, grouped by shape; DELETEs by key.
//    Every UPDATE and DELETE must match exactly its row.
// 5. Finish. Only once every statement succeeded: pending objects become
//    persistent and enter the identity map, snapshots are retaken, histories
//    cleared. If anything fails, keys generated during the flush are put back,
//    the transaction is rolled back (nothing partial is written), and the
//    session refuses work until session.rollback().
#pragma once

#include <unordered_set>
#include <vector>

#include "orm/session_impl.hpp"

namespace retort::orm {

/// One flush's plan and bookkeeping.
class unit_of_work {
 public:
  explicit unit_of_work(session_impl& s) : session_(s) {}

  /// Gathers saves and deletes; false when there is nothing to write.
  bool collect();
  /// Writes everything; throws on the first failure (the caller rolls back).
  void execute(engine::connection& conn);
  /// After success: new states persistent, snapshots retaken, histories cleared.
  void finish();
  /// After failure: keys assigned during this flush are put back.
  void undo();

 private:
  struct per_mapper {
    std::vector<instance_state*> inserts;
    std::vector<instance_state*> updates;
    std::vector<instance_state*> deletes;
  };
  void save(instance_state* s);
  void null_out_children(instance_state* parent);
  std::vector<const mapper*> order() const;
  void sync_one_to_many(const mapper& child_mapper);
  void sync_many_to_one(const mapper& m, const std::vector<instance_state*>& states);

  session_impl& session_;
  std::vector<const mapper*> mappers_;         // mappers with work, in first-seen order
  std::vector<per_mapper> work_;               // parallel to mappers_
  std::vector<instance_state*> saves_;         // every state being inserted or updated
  std::unordered_set<instance_state*> saved_;  // the same, for membership tests
  std::vector<instance_state*> deletes_;
  std::vector<state_ref> held_;                // keeps every state involved alive
  std::vector<instance_state*> keyed_;         // states given a generated key this flush
  per_mapper& bucket(const mapper& m);
};

// persistence.cpp: SQL emission, called only by the unit of work.
/// Whether the object's autoincrement key is unset (NULL, or 0 in a plain integer member).
bool needs_generated_key(const mapper& m, const void* object);
/// INSERTs `states` (all of mapper m); records which got generated keys in `keyed`.
void emit_inserts(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states,
                  std::vector<instance_state*>& keyed);
void emit_updates(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states);
void emit_deletes(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states);

}  // namespace retort::orm
