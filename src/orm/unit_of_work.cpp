// The flush (see unit_of_work.hpp for the algorithm) and the session entry points to it.
#include "orm/unit_of_work.hpp"

#include <algorithm>
#include <map>

#include "orm/dependency.hpp"
#include "orm/event_dispatch.hpp"
#include "orm/statement_cause.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"
#include "retort/util/topological.hpp"

namespace retort::orm {

namespace {

bool columns_changed(const instance_state* s) {
  const mapper& m = *s->owner_mapper;
  for (std::size_t i = 0; i < m.columns.size(); ++i)
    if (!m.columns[i].same(s->object, s->committed[i])) return true;
  return false;
}

bool relationships_changed(const instance_state* s) {
  for (const auto& rel : s->owner_mapper->relationships)
    if (rel.slot(s->object)->has_history()) return true;
  return false;
}

/// Strongly connected components (Tarjan), each in input order; components in
/// no particular order.
std::vector<std::vector<std::size_t>> components(std::size_t n,
                                                 const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  std::vector<std::vector<std::size_t>> out_edges(n);
  for (auto [a, b] : edges) out_edges[a].push_back(b);
  std::vector<std::size_t> index(n, SIZE_MAX), low(n, 0), stack;
  std::vector<bool> on_stack(n, false);
  std::vector<std::vector<std::size_t>> out;
  std::size_t next = 0;
  auto visit = [&](auto& self, std::size_t v) -> void {
    index[v] = low[v] = next++;
    stack.push_back(v);
    on_stack[v] = true;
    for (auto w : out_edges[v]) {
      if (index[w] == SIZE_MAX) {
        self(self, w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], index[w]);
      }
    }
    if (low[v] != index[v]) return;
    std::vector<std::size_t> c;
    std::size_t w;
    do {
      w = stack.back();
      stack.pop_back();
      on_stack[w] = false;
      c.push_back(w);
    } while (w != v);
    std::sort(c.begin(), c.end());
    out.push_back(std::move(c));
  };
  for (std::size_t v = 0; v < n; ++v)
    if (index[v] == SIZE_MAX) visit(visit, v);
  return out;
}

}  // namespace

unit_of_work::per_mapper& unit_of_work::bucket(const mapper& m) {
  for (std::size_t i = 0; i < mappers_.size(); ++i)
    if (mappers_[i] == &m) return work_[i];
  mappers_.push_back(&m);
  work_.emplace_back();
  return work_.back();
}

std::vector<instance_state*> unit_of_work::saves_of(const mapper& m) const {
  for (std::size_t i = 0; i < mappers_.size(); ++i)
    if (mappers_[i] == &m) {
      auto out = work_[i].updates;
      out.insert(out.end(), work_[i].inserts.begin(), work_[i].inserts.end());
      return out;
    }
  return {};
}

void unit_of_work::register_save(instance_state* s) {
  if (saved_.count(s) || deleted_.count(s)) return;
  if (s->session != &session_) {
    if (s->session || s->status != status::transient)
      throw InvalidRequestError("flush: a related " + s->owner_mapper->class_name +
                                " belongs to another session or was deleted");
    session_.add(s);  // reached through a relationship: save-update cascade
  }
  held_.emplace_back(s);
  saves_.push_back(s);
  saved_.insert(s);
  auto& b = bucket(*s->owner_mapper);
  (s->status == status::pending ? b.inserts : b.updates).push_back(s);
}

void unit_of_work::register_delete(instance_state* s) {
  if (deleted_.count(s)) return;
  if (s->status != status::persistent || s->session != &session_) return;  // nothing in the database to delete
  if (saved_.erase(s)) {  // a change to a row being deleted is not written
    std::erase(saves_, s);
    std::erase(bucket(*s->owner_mapper).updates, s);
    presorted_saves_ = std::min(presorted_saves_, saves_.size());
  }
  if (!s->marked_deleted) {
    s->marked_deleted = true;
    cascaded_deletes_.push_back(s);
  }
  held_.emplace_back(s);
  deletes_.push_back(s);
  deleted_.insert(s);
  bucket(*s->owner_mapper).deletes.push_back(s);
}

bool unit_of_work::collect() {
  // Save-update cascade at flush: objects that joined a pending object's
  // relationships after it was added (through a backref, say) join now; from a
  // persistent object, only what its relationships gained since the last flush
  // (an object expunged while still held, or merely read through, stays out).
  for (auto& s : std::vector<state_ref>(session_.new_objects())) session_.add_related(s.get(), false);
  for (auto& s : std::vector<state_ref>(session_.touched_objects()))
    if (s->session == &session_ && s->status == status::persistent) session_.add_related(s.get(), true);
  for (auto& s : session_.deleted_objects()) register_delete(s.get());
  // Pending objects in the order they were added; touched persistent ones that changed.
  std::vector<instance_state*> pending;
  for (auto& s : session_.new_objects()) pending.push_back(s.get());
  std::sort(pending.begin(), pending.end(), [](auto* a, auto* b) { return a->order < b->order; });
  for (auto* s : pending) register_save(s);
  for (auto& s : session_.touched_objects()) {
    if (s->session != &session_ || s->status != status::persistent || s->marked_deleted) continue;
    // An expired object joins only for relationship changes made from the other
    // side (a many-to-many link added to a keyword not read since the commit):
    // its history must be flushed and cleared with its partner's, or a later
    // flush writes the link again. Its columns are not read before a reload.
    if (s->expired ? relationships_changed(s.get()) : columns_changed(s.get()) || relationships_changed(s.get()))
      register_save(s.get());
  }
  presort();
  return !saves_.empty() || !deletes_.empty();
}

// Each processor sees each state of its parent class once; what it registers
// is presorted in turn, until nothing new comes in.
void unit_of_work::presort() {
  while (presorted_saves_ < saves_.size() || presorted_deletes_ < deletes_.size()) {
    while (presorted_deletes_ < deletes_.size()) {
      auto* s = deletes_[presorted_deletes_++];
      for (const auto& rel : s->owner_mapper->relationships)
        if (rel.processor) rel.processor->presort_deletes(*this, s);
    }
    while (presorted_saves_ < saves_.size()) {
      auto* s = saves_[presorted_saves_++];
      for (const auto& rel : s->owner_mapper->relationships)
        if (rel.processor) rel.processor->presort_saves(*this, s);
    }
  }
}

std::vector<const dependency_processor*> unit_of_work::processors() const {
  std::vector<const dependency_processor*> out;
  for (const auto* m : mappers_)
    for (const auto& rel : m->relationships)
      if (rel.processor) out.push_back(rel.processor.get());
  return out;
}

std::vector<instance_state*> unit_of_work::parents_of(const dependency_processor& p, bool deleting) const {
  const mapper& m = *p.property().parent;
  for (std::size_t i = 0; i < mappers_.size(); ++i)
    if (mappers_[i] == &m) return deleting ? work_[i].deletes : saves_of(m);
  return {};
}

// Units: mappers grouped by the strongly connected components of the
// key-source -> key-holder graph, in topological order.
std::vector<unit_of_work::unit> unit_of_work::units() const {
  auto index = [&](const mapper* m) -> std::size_t {
    for (std::size_t i = 0; i < mappers_.size(); ++i)
      if (mappers_[i] == m) return i;
    return SIZE_MAX;
  };
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  std::vector<bool> self_loop(mappers_.size(), false);
  for (const auto* p : processors()) {
    auto a = index(p->key_source()), b = index(p->key_holder());
    if (a == SIZE_MAX || b == SIZE_MAX) continue;
    if (a == b) self_loop[a] = true;
    else edges.emplace_back(a, b);
  }
  auto comps = components(mappers_.size(), edges);
  std::sort(comps.begin(), comps.end());  // by first member: stable, first-seen order
  std::vector<std::size_t> comp_of(mappers_.size());
  for (std::size_t c = 0; c < comps.size(); ++c)
    for (auto m : comps[c]) comp_of[m] = c;
  std::vector<std::pair<std::size_t, std::size_t>> comp_edges;
  for (auto [a, b] : edges)
    if (comp_of[a] != comp_of[b]) comp_edges.emplace_back(comp_of[a], comp_of[b]);
  std::vector<unit> out;
  for (auto c : util::topological_sort(comps.size(), comp_edges)) {
    unit u;
    for (auto m : comps[c]) u.mappers.push_back(mappers_[m]);
    u.cyclic = comps[c].size() > 1 || self_loop[comps[c][0]];
    out.push_back(std::move(u));
  }
  return out;
}

// The plan as a graph of actions, sorted topologically: per unit a save and a
// delete; per processor that writes statements of its own, a save-side and a
// delete-side action. Nodes are listed saves first, so that where no edge
// decides, rows are saved before any is deleted (as SQLAlchemy does).
void unit_of_work::execute(engine::connection& conn) {
  conn_ = &conn;
  auto plan = units();
  auto unit_of = [&](const mapper* m) -> std::size_t {
    for (std::size_t u = 0; u < plan.size(); ++u)
      if (std::find(plan[u].mappers.begin(), plan[u].mappers.end(), m) != plan[u].mappers.end()) return u;
    return SIZE_MAX;
  };
  std::vector<const dependency_processor*> after;
  for (const auto* p : processors())
    if (p->stage() == process_stage::after) after.push_back(p);
  const std::size_t n = plan.size(), k = after.size();
  // Node ids: save(u) = u; process_saves(p) = n + p; process_deletes(p) = n + k + p;
  // delete(u) = n + 2k + (n - 1 - u), so deletes are listed children first.
  auto save_node = [&](std::size_t u) { return u; };
  auto delete_node = [&](std::size_t u) { return n + 2 * k + (n - 1 - u); };
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t u = 0; u < n; ++u) edges.emplace_back(save_node(u), delete_node(u));
  for (const auto* p : processors()) {
    auto a = unit_of(p->key_source()), b = unit_of(p->key_holder());
    if (a == SIZE_MAX || b == SIZE_MAX || a == b) continue;
    edges.emplace_back(save_node(a), save_node(b));      // the key exists before it is copied
    edges.emplace_back(delete_node(b), delete_node(a));  // holders go before what they refer to
  }
  for (std::size_t i = 0; i < k; ++i) {
    const auto& prop = after[i]->property();
    for (const mapper* m : {prop.parent, prop.target}) {
      auto u = unit_of(m);
      if (u == SIZE_MAX) continue;
      edges.emplace_back(save_node(u), n + i);         // both ends saved, then links / post_update
      edges.emplace_back(n + k + i, delete_node(u));   // links / keys cleared, then rows deleted
    }
  }
  for (auto node : util::topological_sort(2 * n + 2 * k, edges)) {
    if (node < n) {
      save_unit(plan[node]);
    } else if (node < n + k) {
      after[node - n]->process_saves(*this, parents_of(*after[node - n], false));
    } else if (node < n + 2 * k) {
      after[node - n - k]->process_deletes(*this, parents_of(*after[node - n - k], true));
    } else {
      delete_unit(plan[n - 1 - (node - n - 2 * k)]);
    }
  }
}

/// Runs the key-copying processors whose rows are written now (`due_`).
void unit_of_work::run_sync(const std::vector<const mapper*>& holders) {
  for (const auto* p : processors()) {
    if (p->stage() != process_stage::sync) continue;
    if (std::find(holders.begin(), holders.end(), p->key_holder()) == holders.end()) continue;
    p->process_saves(*this, parents_of(*p, false));
  }
}

// SQLAlchemy's save_obj: before_insert / before_update for every row of the
// batch (what a listener changes is written in that statement), the statements,
// then after_insert / after_update in the same order. before_update fires for
// every object being saved, also one whose only change is a relationship.
void unit_of_work::emit_save(const mapper& m, const std::vector<instance_state*>& inserts,
                             const std::vector<instance_state*>& updates) {
  for (auto* s : inserts) fire_object(session_, event_kind::before_insert, s);
  for (auto* s : updates) fire_object(session_, event_kind::before_update, s);
  // UPDATEs before INSERTs, as SQLAlchemy's save_obj: a key moved off one row
  // is free before a new row takes it.
  std::vector<instance_state*> changed;
  for (auto* s : updates)
    if (columns_changed(s)) changed.push_back(s);
  if (!changed.empty()) emit_updates(*conn_, m, changed, log_);
  if (!inserts.empty()) emit_inserts(*conn_, m, inserts, log_);
  for (auto* s : inserts) fire_object(session_, event_kind::after_insert, s);
  for (auto* s : updates) fire_object(session_, event_kind::after_update, s);
}

void unit_of_work::emit_delete(const mapper& m, const std::vector<instance_state*>& rows) {
  for (auto* s : rows) fire_object(session_, event_kind::before_delete, s);
  emit_deletes(*conn_, m, rows);
  for (auto* s : rows) fire_object(session_, event_kind::after_delete, s);
}

flush_context unit_of_work::changes() const {
  flush_context f;
  for (auto* s : saves_) f.add(any_ptr(s), s->status == status::pending ? change_kind::insert : change_kind::update);
  for (auto* s : deletes_) f.add(any_ptr(s), change_kind::delete_);
  return f;
}

void unit_of_work::save_unit(const unit& u) {
  if (u.cyclic) return save_rows(u);
  const mapper& m = *u.mappers.front();
  auto& b = bucket(m);
  if (b.inserts.empty() && b.updates.empty()) return;
  due_.clear();
  due_.insert(b.inserts.begin(), b.inserts.end());
  due_.insert(b.updates.begin(), b.updates.end());
  run_sync(u.mappers);
  due_.clear();
  emit_save(m, b.inserts, b.updates);
}

void unit_of_work::delete_unit(const unit& u) {
  if (u.cyclic) return delete_rows(u);
  auto& b = bucket(*u.mappers.front());
  if (!b.deletes.empty()) emit_delete(*u.mappers.front(), b.deletes);
}

namespace {

/// Kahn's algorithm in layers: each layer's rows depend only on earlier layers.
/// Throws CircularDependencyError when rows depend on each other in a cycle.
std::vector<std::vector<instance_state*>> layers(const std::vector<instance_state*>& states,
                                                 const std::vector<std::pair<instance_state*, instance_state*>>& edges,
                                                 const std::vector<const mapper*>& mappers) {
  std::unordered_map<instance_state*, std::size_t> at;
  for (std::size_t i = 0; i < states.size(); ++i) at.emplace(states[i], i);
  std::vector<std::vector<std::size_t>> next(states.size());
  std::vector<std::size_t> waiting(states.size(), 0);
  for (auto [a, b] : edges) {
    auto ia = at.find(a), ib = at.find(b);
    if (ia == at.end() || ib == at.end() || a == b) continue;
    next[ia->second].push_back(ib->second);
    ++waiting[ib->second];
  }
  std::vector<std::vector<instance_state*>> out;
  std::vector<std::size_t> ready;
  for (std::size_t i = 0; i < states.size(); ++i)
    if (waiting[i] == 0) ready.push_back(i);
  std::size_t placed = 0;
  while (!ready.empty()) {
    std::sort(ready.begin(), ready.end());
    std::vector<std::size_t> later;
    out.emplace_back();
    for (auto i : ready) {
      out.back().push_back(states[i]);
      ++placed;
      for (auto j : next[i])
        if (--waiting[j] == 0) later.push_back(j);
    }
    ready = std::move(later);
  }
  if (placed != states.size()) {
    std::string names;
    for (const auto* m : mappers) names += (names.empty() ? "" : ", ") + m->class_name;
    throw CircularDependencyError("circular dependency between rows of " + names +
                                  ": each must be written before another that refers to it; nothing was written. "
                                  "Mark one relationship of the cycle retort::post_update to write its foreign key "
                                  "with a separate UPDATE");
  }
  return out;
}

}  // namespace

// A unit whose tables depend on themselves or each other: rows are ordered by
// their own dependencies, in layers, each layer batched per table.
void unit_of_work::save_rows(const unit& u) {
  std::vector<instance_state*> states;
  for (const auto* m : u.mappers) {
    auto& b = bucket(*m);
    states.insert(states.end(), b.updates.begin(), b.updates.end());
    states.insert(states.end(), b.inserts.begin(), b.inserts.end());
  }
  if (states.empty()) return;
  std::vector<std::pair<instance_state*, instance_state*>> edges;
  for (auto* s : states)
    for (const auto& rel : s->owner_mapper->relationships)
      if (rel.processor)
        rel.processor->row_edges(*this, s, false, [&](instance_state* a, instance_state* b) { edges.emplace_back(a, b); });
  for (const auto& layer : layers(states, edges, u.mappers)) {
    due_.clear();
    due_.insert(layer.begin(), layer.end());
    run_sync(u.mappers);
    due_.clear();
    for (const auto* m : u.mappers) {
      std::vector<instance_state*> inserts, updates;
      for (auto* s : layer)
        if (s->owner_mapper == m) (s->status == status::pending ? inserts : updates).push_back(s);
      emit_save(*m, inserts, updates);
    }
  }
}

void unit_of_work::delete_rows(const unit& u) {
  std::vector<instance_state*> states;
  for (const auto* m : u.mappers) {
    auto& b = bucket(*m);
    states.insert(states.end(), b.deletes.begin(), b.deletes.end());
  }
  if (states.empty()) return;
  std::vector<std::pair<instance_state*, instance_state*>> edges;
  for (auto* s : states)
    for (const auto& rel : s->owner_mapper->relationships)
      if (rel.processor)
        rel.processor->row_edges(*this, s, true, [&](instance_state* a, instance_state* b) { edges.emplace_back(a, b); });
  for (const auto& layer : layers(states, edges, u.mappers))
    for (const auto* m : u.mappers) {
      std::vector<instance_state*> rows;
      for (auto* s : layer)
        if (s->owner_mapper == m) rows.push_back(s);
      if (!rows.empty()) emit_delete(*m, rows);
    }
}

void unit_of_work::finish() {
  for (auto* s : saves_) {
    const mapper& m = *s->owner_mapper;
    s->committed.resize(m.columns.size());
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      const auto& c = m.columns[i];
      auto* d = c.deferred ? c.deferred(s->object) : nullptr;
      if (d && !d->is_loaded()) continue;  // never loaded, never written: nothing to compare with
      s->committed[i] = c.get(s->object);
      if (d) d->settle();
    }
    auto key = m.key_of(s->object);
    if (s->status == status::pending) {
      s->status = status::persistent;
      s->key = std::move(key);
      session_.put_identity(s);
      session_.record_inserted(s);
    } else if (key != s->key) {  // primary key changed by an UPDATE
      session_.drop_identity(s);
      s->key = std::move(key);
      session_.put_identity(s);
    }
  }
  for (auto* s : saves_)
    for (const auto& rel : s->owner_mapper->relationships) rel.slot(s->object)->clear_history();
  // Server-generated values not read back: the columns load on next access (eager_defaults).
  for (auto* s : log_.expire)
    if (s->status == status::persistent) s->expired = true;
  for (auto* s : log_.expire) fire_object(session_, event_kind::expire, s);
  for (auto* s : deletes_) {
    session_.drop_identity(s);
    s->status = status::deleted;
    session_.record_deleted(s);
  }
  session_.flushed();
}

void unit_of_work::undo() {
  for (auto it = log_.defaulted.rbegin(); it != log_.defaulted.rend(); ++it)
    it->state->owner_mapper->columns[it->column].set(it->state->object, it->before);
  for (auto* s : log_.keyed) session_.reset_generated_key(s);
  for (auto* s : cascaded_deletes_) s->marked_deleted = false;
}

// ---- session entry points ----

void session_impl::flush() {
  in_use guard(*this);
  check_active();
  if (flushing_) return;
  call_cause cause(*this, "flush", {}, {}, retort::source_location());  // the statements' cause in the query record
  flushing_ = true;
  // before_flush runs only when there is something to flush (SQLAlchemy's
  // _is_clean check); what its listeners add or change is collected below.
  // Column set events come next (Retort sees plain members change only here).
  try {
    if ((has_listeners(event_kind::before_flush) || listeners_.any(event_kind::before_flush)) &&
        (!new_.empty() || !deleted_.empty() || dirty_count() != 0)) {
      auto candidates_now = candidates();
      fire_session(*this, event_kind::before_flush, &candidates_now);
    }
    if (has_listeners(event_kind::set)) {
      for (auto& s : std::vector<state_ref>(new_)) fire_column_sets(s.get());
      for (auto& s : std::vector<state_ref>(touched_))
        if (s->session == this && s->status == status::persistent && !s->expired && !s->marked_deleted)
          fire_column_sets(s.get());
    }
  } catch (...) {
    flushing_ = false;
    throw;
  }
  unit_of_work uow(*this);
  bool any = false;
  try {
    any = uow.collect();
  } catch (...) {
    uow.undo();
    flushing_ = false;
    throw;
  }
  if (!any) {
    for (auto& s : touched_) s->touched = false;
    touched_.clear();
    flushing_ = false;
    return;
  }
  try {
    uow.execute(connection());
    // The list of rows written is built only for someone to read it (a bulk flush pays nothing).
    const bool listened = has_listeners(event_kind::after_flush) || listeners_.any(event_kind::after_flush) ||
                          has_listeners(event_kind::after_flush_postexec) ||
                          listeners_.any(event_kind::after_flush_postexec);
    flush_context written = listened ? uow.changes() : flush_context();
    fire_session(*this, event_kind::after_flush, &written);  // new / dirty / deleted still as before the flush
    uow.finish();
    fire_session(*this, event_kind::after_flush_postexec, &written);
  } catch (const std::exception& e) {
    uow.undo();
    flushing_ = false;
    // Inside begin_nested() only the savepoint is lost; otherwise the transaction.
    if (!roll_back_failed_savepoint()) end_connection_with_rollback();
    needs_rollback_ = true;
    rollback_reason_ = e.what();
    fire_session_quietly(*this, event_kind::after_rollback);
    throw;
  }
  flushing_ = false;
}

flush_context session_impl::candidates() const {
  flush_context f;
  for (const auto& s : new_) f.add(any_ptr(s.get()), change_kind::insert);
  for (const auto& s : touched_)
    if (s->session == this && s->status == status::persistent && !s->expired && !s->marked_deleted &&
        (columns_changed(s.get()) || relationships_changed(s.get())))
      f.add(any_ptr(s.get()), change_kind::update);
  for (const auto& s : deleted_) f.add(any_ptr(s.get()), change_kind::delete_);
  return f;
}

void session_impl::flushed() {
  new_.clear();
  deleted_.clear();
  for (auto& s : touched_) s->touched = false;
  touched_.clear();
}

void session_impl::autoflush() {
  if (options_.autoflush && *autoflush_blocks_ == 0 && !flushing_ && has_changes()) flush();
}

// yield_per's release of an earlier batch. Reading an object through ptr<T>
// marks it touched (it may have been written); one whose columns and
// relationships are as loaded is no pending change, so it leaves the touched
// list first. Then an object that only the identity map and `states` hold
// leaves the session and is freed with `states`.
void session_impl::release_if_unheld(std::vector<state_ref> states) {
  bool untouched = false;
  for (auto& r : states) {
    auto* s = r.get();
    if (s->touched && s->session == this && s->status == status::persistent && !s->expired && !columns_changed(s) &&
        !relationships_changed(s)) {
      s->touched = false;
      untouched = true;
    }
  }
  if (untouched)
    touched_.erase(std::remove_if(touched_.begin(), touched_.end(), [](const state_ref& r) { return !r->touched; }),
                   touched_.end());
  for (auto& r : states) {
    auto* s = r.get();
    // Two references: the identity map's and this list's. Anything else (a
    // handle, a loaded relationship) keeps the object here.
    if (s->refs != 2 || s->session != this || s->status != status::persistent || s->touched || s->marked_deleted)
      continue;
    s->session = nullptr;
    s->status = status::detached;
    identity_map_.drop(s);
  }
  // The batch's cohort (automatic N+1 batching) keeps only the keys still in
  // the session: a million streamed rows must not leave a million keys behind.
  std::vector<std::uint32_t> ids;
  for (auto& r : states)
    if (r->cohort > cohort_base_ && std::find(ids.begin(), ids.end(), r->cohort) == ids.end()) ids.push_back(r->cohort);
  for (auto id : ids) {
    auto& keys = cohorts_[id - cohort_base_ - 1].keys;
    keys.erase(std::remove_if(keys.begin(), keys.end(), [&](const identity_key& k) { return !identity_map_.find(k); }),
               keys.end());
    keys.shrink_to_fit();
  }
}

bool session_impl::has_changes() const { return !new_.empty() || !deleted_.empty() || !touched_.empty(); }

std::size_t session_impl::dirty_count() const {
  std::size_t n = 0;
  for (const auto& s : touched_)
    if (s->status == status::persistent && !s->expired && (columns_changed(s.get()) || relationships_changed(s.get())))
      ++n;
  return n;
}

std::size_t session_impl::new_count() const { return new_.size(); }
std::size_t session_impl::deleted_count() const { return deleted_.size(); }
bool session_impl::in_transaction() const { return conn_.has_value(); }

}  // namespace retort::orm
