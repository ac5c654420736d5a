// Private: the session's state. The identity map holds one object per row;
// `new_`, `deleted_` and `touched_` are the flush candidates (pending objects,
// objects marked for deletion, objects handed out for writing since the last
// flush). The transaction is begun on first use (autobegin) and ends at
// commit, rollback or close, when the connection goes back to the pool.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <tuple>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "orm/event_dispatch.hpp"
#include "orm/identity_map.hpp"
#include "retort/engine/connection.hpp"
#include "retort/orm/instance_state.hpp"
#include "retort/orm/mapper.hpp"
#include "retort/orm/session.hpp"

namespace retort::orm {

class session_impl {
 public:
  session_impl(engine::engine e, session_options options);
  ~session_impl();

  /// Held for the length of each session operation. A session is not
  /// thread-safe; a second thread entering one while another is inside it gets
  /// InvalidRequestError instead of corrupting the maps or the connection.
  /// Re-entrant on the same thread (commit flushes, a lazy load inside a query).
  class in_use {
   public:
    explicit in_use(const session_impl& s);
    ~in_use();
    in_use(const in_use&) = delete;
    in_use& operator=(const in_use&) = delete;

   private:
    const session_impl& s_;
    bool outer_ = false;
  };
  /// Expires when this session is destroyed; nested_transaction handles watch it.
  std::weak_ptr<void> lifetime() const { return alive_; }
  /// The retort::session that owns this core (kept by its constructor and moves):
  /// what a query made from an object's session (write_only<T>::select()) is bound to.
  retort::session* facade = nullptr;
  /// The retort::session that owns this one (what listeners receive); kept current across moves.
  retort::session* owner() const noexcept { return owner_; }
  void set_owner(retort::session* s) noexcept {
    owner_ = s;
    facade = s;
  }
  /// This session's own session-event listeners (session.on).
  session_listeners& listeners() noexcept { return listeners_; }
  /// SQLAlchemy's session.new / dirty / deleted: pending objects, persistent ones
  /// with changes, objects marked for deletion - as a flush_context lists them.
  flush_context candidates() const;

  // Transaction.
  engine::connection& connection();  ///< autobegins
  void check_active() const;         ///< PendingRollbackError after a failed flush
  void commit();
  void rollback();
  void close();
  std::uint64_t begin_nested();  ///< the savepoint's id, unique in this session
  void release_nested(std::uint64_t id);
  void rollback_nested(std::uint64_t id);
  /// After a failed flush inside a savepoint: ROLLBACK TO it and forget, in
  /// memory, what it held. False when the connection is gone.
  bool roll_back_failed_savepoint();

  // Objects.
  void add(instance_state* s);
  /// Save-update cascade from `s` to related objects that are in no session:
  /// everything `s` holds, or with `added_only` what its relationships gained
  /// since the last flush.
  void add_related(instance_state* s, bool added_only);
  void mark_deleted(instance_state* s);
  void expunge(instance_state* s);
  void expire(instance_state* s);
  void expire_all();
  void refresh(instance_state* s);
  void note_touched(instance_state* s);
  instance_state* get(const mapper& m, const std::vector<sql::value>& key);

  // Session cascades (cascades.cpp).
  /// session.refresh: reloads `s` now, unloads its relationships and expires
  /// what the refresh-expire cascade reaches (SQLAlchemy's Session.refresh).
  void refresh_cascade(instance_state* s);
  /// session.merge: the object of this session with `source`'s primary key (from
  /// the identity map, else one SELECT, else a new pending one), `source`'s
  /// loaded state copied onto it along the merge cascade.
  state_ref merge(instance_state* source);
  instance_state* lookup(const mapper& m, const std::vector<sql::value>& key) const;
  /// get's fast path: the live object under a single integer key, or null
  /// (absent, deleted or expired: the full get decides those).
  instance_state* live_hit(const mapper& m, std::int64_t id) const {
    auto* s = identity_map_.find_id(m, id);
    return s && !s->marked_deleted && !s->expired ? s : nullptr;
  }

  // Loading (loading.cpp).
  /// The object for a row, through the identity map; `offset` is where its columns start.
  /// An object already there keeps its values unless it is expired or `overwrite`
  /// (populate_existing: its relationships are unloaded too); `created` is set to
  /// whether the object is new to the session.
  /// `columns` says which columns the row holds (null: the mapper's default plan).
  /// `consume`: the caller owns the row's result and reads none of this entity's
  /// cells afterwards, so a new object's snapshot takes the cells' values (moved,
  /// not copied: one string allocation fewer per text column).
  /// `where` after the parameters of m's SELECT list (its computed properties' binds).
  std::vector<sql::value> with_select_params(const mapper& m, const std::vector<sql::value>& where);
  instance_state* load_row(const mapper& m, const engine::row_view& row, std::size_t offset, bool overwrite = false,
                           bool* created = nullptr, const column_plan* columns = nullptr, bool consume = false);
  /// The deferred load: after autoflush, SELECT of `columns` (deferred<T> members
  /// of a persistent `s`) by its primary key, stored into the object (compiled once per shape).
  void load_columns(instance_state* s, const std::vector<std::size_t>& columns);
  /// Loads `m`'s objects from a textual statement's rows (from_statement):
  /// columns matched by name; every column a load selects must be there.
  std::vector<state_ref> load_textual(const mapper& m, const sql::compiled& c, bool overwrite);
  /// Runs a SELECT of `m`'s columns and loads every row.
  std::vector<state_ref> load_all(const mapper& m, const sql::select& s);
  /// SELECT of `m`'s columns WHERE `columns` = `values` [ORDER BY key], loaded. The SQL
  /// text is compiled once per session and shape (get, refresh and lazy loads repeat it).
  std::vector<state_ref> load_where(const mapper& m, const std::vector<std::size_t>& columns,
                                    const std::vector<sql::value>& values, bool order_by_key);
  /// The lazy load of a relationship: the target rows for the parent values `key`
  /// (join_condition::lazy_select, compiled once per session), loaded.
  std::vector<state_ref> load_related(const relationship_property& rel, const std::vector<sql::value>& key);
  /// The SQL text of that SELECT.
  const std::string& select_where_sql(const mapper& m, const std::vector<std::size_t>& columns, bool order_by_key);

  // Automatic N+1 batching: which objects were loaded together.
  struct load_cohort {
    const mapper* m;
    std::vector<identity_key> keys;
  };
  /// Records `states` (of one mapper, more than one) as loaded together.
  void note_cohort(const std::vector<state_ref>& states);
  /// The objects `s` was last loaded with that are still in this session, `s` included; empty if none.
  std::vector<instance_state*> cohort_of(const instance_state* s) const;

  // Flush (unit_of_work.cpp).
  void flush();
  void autoflush();
  bool has_changes() const;
  std::size_t dirty_count() const;
  std::size_t new_count() const;
  std::size_t deleted_count() const;
  std::size_t identity_count() const { return identity_map_.size(); }

  // For the unit of work: the flush candidates, and what a successful flush records.
  const std::vector<state_ref>& new_objects() const { return new_; }
  const std::vector<state_ref>& deleted_objects() const { return deleted_; }
  const std::vector<state_ref>& touched_objects() const { return touched_; }
  void put_identity(instance_state* s) { identity_map_.put(s); }
  void drop_identity(instance_state* s) { identity_map_.drop(s); }
  void record_inserted(instance_state* s) { inserted_in_txn_.emplace_back(s); }
  void record_deleted(instance_state* s) { deleted_in_txn_.emplace_back(s); }
  /// Every object in the identity map (persistent ones), for an ORM UPDATE / DELETE's synchronization.
  void for_each_identity(util::function_ref<void(instance_state*)> f) const { identity_map_.for_each(f); }
  /// A row an ORM DELETE removed (dml.cpp): its object leaves the identity map as a
  /// flushed DELETE's does (deleted until commit, persistent again on rollback).
  void bulk_deleted(instance_state* s);
  /// yield_per's release: each of `states` that only the identity map still
  /// holds and that has no pending change leaves the session and is freed.
  void release_if_unheld(std::vector<state_ref> states);
  /// The refresh-expire cascade's step: a persistent object is expired, a pending one expunged.
  void conditional_expire(instance_state* s);
  /// The flush wrote everything: the candidates are cleared.
  void flushed();
  /// Puts back the "no key" value of a key the database generated in a failed flush.
  void reset_generated_key(instance_state* s);
  bool in_transaction() const;

  engine::engine& bound_engine() { return engine_; }
  const session_options& options() const { return options_; }
  const std::shared_ptr<int>& autoflush_blocks() const noexcept { return autoflush_blocks_; }

  // The query record and the N+1 warning (recording.cpp).
  /// Whether this session's statements are recorded now (its option, or its engine records).
  bool recording() const noexcept { return options_.record_queries || engine_.records_queries(); }
  const std::vector<engine::query_record>& records() const { return records_; }
  void clear_records() { records_.clear(); }
  /// A lazy load of `rel` on `owner` ran SQL: counts `owner` toward the N+1
  /// warning, which fires once per relationship when the count passes the threshold.
  void note_lazy_load(const relationship_property& rel, const instance_state* owner);

 private:
  void release_connection();
  void release_unreferenced();
  void end_connection_with_rollback();
  void forget_since(std::size_t inserted_mark, std::size_t deleted_mark);
  void collect_limbo();
  void detach(instance_state* s, orm::status to);
  struct merge_memo;
  state_ref merge_state(instance_state* source, merge_memo& memo);
  state_ref merge_target(const mapper& m, instance_state* source);
  void merge_relationship(const relationship_property& rel, instance_state* source, instance_state* target,
                          merge_memo& memo);
  instance_state* lookup(const identity_key& k) const { return identity_map_.find(k); }
  /// An INSERT the database forgot: no identity, no generated key.
  void forget_key(instance_state* s);
  /// A new transaction: the N+1 counts start again (warnings already given stay given).
  void reset_lazy_counts() { lazy_parents_.clear(); }

  engine::engine engine_;
  session_options options_;
  retort::session* owner_ = nullptr;
  session_listeners listeners_;
  std::optional<engine::connection> conn_;
  orm::identity_map identity_map_;
  std::vector<state_ref> new_;
  std::vector<state_ref> deleted_;
  std::vector<state_ref> touched_;
  std::vector<state_ref> inserted_in_txn_;  ///< flushed INSERTs of this transaction
  std::vector<state_ref> deleted_in_txn_;   ///< flushed DELETEs of this transaction
  /// Objects a rollback made transient, until no handle outside them is left (collect_limbo).
  std::vector<state_ref> limbo_;
  struct savepoint {
    engine::transaction tx;
    std::size_t inserted_mark;
    std::size_t deleted_mark;
    std::uint64_t id;  ///< what its nested_transaction names it by
  };
  /// Index in savepoints_ of the savepoint `id`, or savepoints_.size() if it has ended.
  std::size_t savepoint_index(std::uint64_t id) const;
  std::vector<savepoint> savepoints_;  ///< innermost last
  std::uint64_t savepoint_ids_ = 0;
  /// Id of the savepoint a failed flush rolled back; its nested_transaction
  /// must be rolled back before the session goes on (0: none).
  std::uint64_t failed_savepoint_ = 0;
  bool needs_rollback_ = false;
  bool failed_commit_ = false;  ///< needs_rollback_ came from COMMIT, not from a flush
  std::string rollback_reason_;
  mutable std::atomic<std::thread::id> user_{};  ///< the thread inside an operation (in_use)
  std::shared_ptr<void> alive_ = std::make_shared<int>(0);
  bool flushing_ = false;
  /// no_autoflush guards alive (shared with them, so a guard may outlive the session).
  std::shared_ptr<int> autoflush_blocks_ = std::make_shared<int>(0);
  std::uint64_t order_ = 0;
  std::map<std::pair<const mapper*, std::vector<std::size_t>>, std::string> deferred_sql_;
  /// Per mapper with computed properties: the parameters of its SELECT list (with_select_params).
  std::map<const mapper*, std::vector<sql::value>> select_params_;
  std::vector<load_cohort> cohorts_;  ///< id - cohort_base_ - 1 indexes it
  std::uint32_t cohort_base_ = 0;     ///< ids up to it belong to cohorts forgotten (expire_all, close)
  void forget_cohorts();
  std::vector<engine::query_record> records_;  ///< the connection appends (record_into)
  /// Per relationship, the parents lazily loaded with SQL since the last commit
  /// or rollback (addresses, compared only, never followed).
  std::unordered_map<const relationship_property*, std::unordered_set<const instance_state*>> lazy_parents_;
  std::unordered_set<const relationship_property*> warned_;  ///< N+1 warnings given in this session
};

/// What a cascade (`&cascade_flags::expunge`, `&cascade_flags::refresh_expire`)
/// reaches from `root` through loaded relationships, depth first in attach
/// order, each state once, `root` left out (SQLAlchemy's cascade_iterator).
/// Unloaded relationships are not loaded.
std::vector<state_ref> cascade_targets(instance_state* root, bool cascade_flags::*flag);

/// Statement for loading `m`'s columns (SELECT t.a, t.b FROM t).
sql::select select_columns(const mapper& m);
/// WHERE terms equating `columns` of `m` to `values`.
std::vector<sql::expr<bool>> match(const mapper& m, const std::vector<std::size_t>& columns,
                                   const std::vector<sql::value>& values);
/// Values of `columns` read from the object.
std::vector<sql::value> read(const mapper& m, const void* object, const std::vector<std::size_t>& columns);

}  // namespace retort::orm
