// Private: the unit of work, which turns the session's pending changes into
// SQL at flush (SQLAlchemy's unitofwork.py).
//
// The flush algorithm:
//
// 1. Collect. Saves are the pending objects (in the order they joined the
//    session) plus every persistent object handed out for writing since the
//    last flush that changed; deletes are the objects marked with
//    session.delete_(). Each state's relationships' dependency processors
//    then presort it: a saved parent brings the children whose foreign key
//    changes (or orphans to delete), a deleted parent its children (deleted
//    by a delete cascade, else their foreign key set to NULL), until nothing
//    new comes in.
// 2. Plan. Mappers with work are grouped into units: a mapper alone, or the
//    mappers of a dependency cycle between tables (a self-referential table,
//    or two tables referring to each other without post_update). The plan is
//    a graph of actions - save and delete per unit, plus the processors that
//    write statements of their own (association rows, post_update) - with
//    edges from the processors (a key's source saved before its holder,
//    holders deleted before sources, link rows after both ends are saved and
//    deleted before either end) and from each unit's save to its delete; it
//    is sorted topologically (util::topological_sort), saves first where
//    nothing else decides.
// 3. Emit. A unit's save first runs the processors that copy keys into its
//    rows (the sources are saved already, so generated keys are known), then
//    writes UPDATEs and INSERTs (persistence.cpp: batched per statement shape).
//    In a cycle unit the rows are ordered one by one instead: by the rows' own
//    dependencies (a parent row before its children; on delete, children
//    first), in layers of rows that do not depend on each other, each layer
//    batched; rows that depend on each other in a cycle raise
//    CircularDependencyError naming the classes, before anything is written.
// 4. Finish. Only once every statement succeeded: pending objects become
//    persistent and enter the identity map, snapshots are retaken, histories
//    cleared. If anything fails, keys generated during the flush are put back,
//    the transaction is rolled back (nothing partial is written), and the
//    session refuses work until session.rollback().
#pragma once

#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "orm/session_impl.hpp"

namespace retort::orm {

class dependency_processor;

/// What SQL emission changed in memory during one flush: keys the database
/// generated and members set by default_ / onupdate (both put back if the flush
/// fails), and the rows whose server-generated values were not read back (expired
/// once the flush succeeds, so the next access loads them).
struct emit_log {
  struct restore {
    instance_state* state;
    std::size_t column;
    sql::value before;
  };
  std::vector<instance_state*> keyed;
  std::vector<restore> defaulted;
  std::vector<instance_state*> expire;
};

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
  /// After failure: keys assigned and members set by defaults during this flush are put back.
  void undo();
  /// What this flush writes: its inserts, updates and deletes (for after_flush).
  flush_context changes() const;

  // For dependency processors.
  /// Adds a state to the saves (a related object in no session joins this one: save-update cascade).
  void register_save(instance_state* s);
  /// Adds a persistent state to the deletes (delete cascade, orphans).
  void register_delete(instance_state* s);
  bool is_saved(const instance_state* s) const { return saved_.count(const_cast<instance_state*>(s)) != 0; }
  bool is_deleted(const instance_state* s) const { return deleted_.count(const_cast<instance_state*>(s)) != 0; }
  /// Whether the state's row is written by the action running now (processors sync only into those).
  bool due(const instance_state* s) const { return due_.count(const_cast<instance_state*>(s)) != 0; }
  /// The states of `m` being saved (inserted or updated).
  std::vector<instance_state*> saves_of(const mapper& m) const;
  /// True the first time a link (relationship, a, b) is asked for in this flush:
  /// both sides of a many-to-many see each link, one writes it.
  bool first_link(const void* relationship, instance_state* a, instance_state* b) {
    return links_.insert({relationship, a, b}).second;
  }
  engine::connection& connection() { return *conn_; }
  session_impl& session() { return session_; }
  /// Keys generated by the database during this flush are recorded here (for undo).
  std::vector<instance_state*>& keyed() { return log_.keyed; }

 private:
  struct per_mapper {
    std::vector<instance_state*> inserts;
    std::vector<instance_state*> updates;
    std::vector<instance_state*> deletes;
  };
  struct unit {
    std::vector<const mapper*> mappers;
    bool cyclic = false;
  };
  per_mapper& bucket(const mapper& m);
  void presort();
  std::vector<unit> units() const;
  void save_unit(const unit& u);
  void delete_unit(const unit& u);
  void save_rows(const unit& u);
  void delete_rows(const unit& u);
  void run_sync(const std::vector<const mapper*>& holders);
  void emit_save(const mapper& m, const std::vector<instance_state*>& inserts,
                 const std::vector<instance_state*>& updates);
  void emit_delete(const mapper& m, const std::vector<instance_state*>& rows);
  std::vector<instance_state*> parents_of(const dependency_processor& p, bool deleting) const;
  std::vector<const dependency_processor*> processors() const;

  session_impl& session_;
  engine::connection* conn_ = nullptr;
  std::vector<const mapper*> mappers_;         // mappers with work, in first-seen order
  std::vector<per_mapper> work_;               // parallel to mappers_
  std::vector<instance_state*> saves_;         // every state being inserted or updated, in order
  std::unordered_set<instance_state*> saved_;  // the same, for membership tests
  std::vector<instance_state*> deletes_;
  std::unordered_set<instance_state*> deleted_;
  std::unordered_set<instance_state*> due_;
  std::set<std::tuple<const void*, instance_state*, instance_state*>> links_;
  std::vector<instance_state*> cascaded_deletes_;  // marked deleted by this flush (undone on failure)
  std::size_t presorted_saves_ = 0, presorted_deletes_ = 0;
  std::vector<state_ref> held_;                // keeps every state involved alive
  emit_log log_;                               // generated keys, defaults, rows to expire
};

// persistence.cpp: SQL emission, called only by the unit of work.
/// Whether the object's autoincrement key is unset (NULL, or 0 in a plain integer member).
bool needs_generated_key(const mapper& m, const void* object);
/// Whether the state has a key its dependents can copy (persistent, or pending with a key of its own).
bool has_key(const instance_state* s);
/// INSERTs `states` (all of mapper m): unset members with a default_ get it first;
/// generated keys and server defaults are read back (eager_defaults) or the rows
/// noted for expiry; all of it recorded in `log`.
void emit_inserts(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states,
                  emit_log& log);
/// UPDATEs the changed columns of `states`, with their onupdate columns; server_onupdate
/// columns are read back (eager_defaults(true)) or the rows noted for expiry.
void emit_updates(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states,
                  emit_log& log);

// defaults.cpp: the rules of client-side and server-side defaults.
/// Whether a member is "unset" for an INSERT: NULL, or the value a value-initialized object holds.
bool is_unset(const column_property& c, const void* object);
/// Runs the default_ of every unset member of `s` (in column order), recording what it replaced.
void apply_insert_defaults(const mapper& m, instance_state* s, emit_log& log);
/// Runs the onupdate of every column not in `changed` (sorted column indexes) and adds them to it.
void apply_update_defaults(const mapper& m, instance_state* s, std::vector<std::size_t>& changed, emit_log& log);
/// Whether server-generated values of an INSERT (`update` false) or UPDATE are read
/// back with RETURNING (SQLAlchemy 2.0's eager_defaults rule), else expired.
bool fetches_server_values(const mapper& m, const sql::dialect& d, bool update);
void emit_deletes(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states);

/// The version counter of a mapper with retort::version_id (SQLAlchemy's
/// version_id_col), for the statements above: every INSERT stamps 1 (or the
/// generator's first version), every UPDATE sets loaded + 1 or the generator's
/// next (unless the application changed it) and, as every DELETE, matches the loaded value in
/// its WHERE, so a row changed since the load matches nothing: StaleDataError.
/// All no-ops for a mapper without one.
struct version_counter {
  /// The version the object was loaded (or last flushed) with.
  static sql::value loaded(const mapper& m, const instance_state* s);
  static void stamp_insert(const mapper& m, instance_state* s);
  /// Sets the member to loaded + 1 and adds the column to `columns` (sorted), unless it is there.
  static void bump(const mapper& m, instance_state* s, std::vector<std::size_t>& columns);
  /// Appends the loaded version to a row's parameters (after the key).
  static void append_loaded(const mapper& m, const instance_state* s, std::vector<sql::value>& row);
  /// `AND version = ?` (bound to `v`: the first row's; executemany rebinds).
  static void match(const mapper& m, sql::update& up, const sql::value& v);
  static void match(const mapper& m, sql::delete_& del, const sql::value& v);

 private:
  static sql::expr<bool> version_match(const mapper& m, const sql::value& v);
};

/// UPDATE m SET `columns` WHERE key, for each state (post_update), batched; the
/// snapshot of those columns is retaken so the row's own UPDATE does not repeat it.
void emit_column_updates(engine::connection& conn, const mapper& m, const std::vector<std::size_t>& columns,
                         const std::vector<instance_state*>& states);
/// INSERT / DELETE of association rows (each row: the columns' values in order), batched.
void emit_secondary_inserts(engine::connection& conn, const sql::table& t, const std::vector<std::string>& columns,
                            const std::vector<std::vector<sql::value>>& rows);
void emit_secondary_deletes(engine::connection& conn, const sql::table& t, const std::vector<std::string>& columns,
                            const std::vector<std::vector<sql::value>>& rows);

}  // namespace retort::orm
