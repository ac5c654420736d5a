// The flush (see unit_of_work.hpp for the algorithm) and the session entry points to it.
#include "orm/unit_of_work.hpp"

#include <algorithm>

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
  for (const auto& rel : s->owner_mapper->relationships) {
    auto* slot = rel.slot(s->object);
    if (rel.kind == slot_kind::scalar) {
      if (static_cast<detail::scalar_slot*>(slot)->changed()) return true;
    } else {
      auto* c = static_cast<detail::collection_slot*>(slot);
      if (!c->added().empty() || !c->removed().empty()) return true;
    }
  }
  return false;
}

}  // namespace

unit_of_work::per_mapper& unit_of_work::bucket(const mapper& m) {
  for (std::size_t i = 0; i < mappers_.size(); ++i)
    if (mappers_[i] == &m) return work_[i];
  mappers_.push_back(&m);
  work_.emplace_back();
  return work_.back();
}

void unit_of_work::save(instance_state* s) {
  if (saved_.count(s)) return;
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

bool unit_of_work::collect() {
  // Save-update cascade at flush: objects that joined a pending or changed
  // object's relationships after it was added (through a backref, say) join now.
  for (auto& s : std::vector<state_ref>(session_.new_)) session_.add_related(s.get());
  for (auto& s : std::vector<state_ref>(session_.touched_))
    if (s->session == &session_ && s->status == status::persistent) session_.add_related(s.get());
  for (auto& s : session_.deleted_) {
    held_.push_back(s);
    deletes_.push_back(s.get());
    bucket(*s->owner_mapper).deletes.push_back(s.get());
  }
  for (auto* d : std::vector<instance_state*>(deletes_)) null_out_children(d);
  // Pending objects in the order they were added; touched persistent ones that changed.
  std::vector<instance_state*> pending;
  for (auto& s : session_.new_) pending.push_back(s.get());
  std::sort(pending.begin(), pending.end(), [](auto* a, auto* b) { return a->order < b->order; });
  for (auto* s : pending) save(s);
  for (auto& s : session_.touched_) {
    if (s->session != &session_ || s->status != status::persistent || s->marked_deleted || s->expired) continue;
    if (columns_changed(s.get()) || relationships_changed(s.get())) save(s.get());
  }
  // Children reached only through a parent's collection history need their
  // mapper in the plan so the one-to-many processor runs for them.
  for (auto* s : std::vector<instance_state*>(saves_))
    for (const auto& rel : s->owner_mapper->relationships)
      if (rel.dir == direction::one_to_many) bucket(*rel.target);
  return !saves_.empty() || !deletes_.empty();
}

// Without a delete cascade, SQLAlchemy detaches a deleted parent's children by
// setting their foreign key to NULL; a NOT NULL foreign key then fails the flush.
void unit_of_work::null_out_children(instance_state* parent) {
  for (const auto& rel : parent->owner_mapper->relationships) {
    if (rel.dir != direction::one_to_many) continue;
    std::vector<state_ref> children;
    if (rel.kind == slot_kind::collection) {
      children = static_cast<detail::collection_slot*>(rel.slot(parent->object))->items();
    } else if (auto* c = static_cast<detail::scalar_slot*>(rel.slot(parent->object))->resolve()) {
      children.emplace_back(c);
    }
    for (auto& c : children) {
      if (c->marked_deleted) continue;
      for (auto i : rel.remote_columns) c->owner_mapper->columns[i].set(c->object, sql::value());
      save(c.get());
    }
  }
}

std::vector<const mapper*> unit_of_work::order() const {
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t c = 0; c < mappers_.size(); ++c)
    for (const auto& col : mappers_[c]->columns)
      if (col.foreign_key)
        for (std::size_t p = 0; p < mappers_.size(); ++p)
          if (mappers_[p] == col.foreign_key->target()) edges.emplace_back(p, c);
  std::vector<const mapper*> out;
  for (auto i : util::topological_sort(mappers_.size(), edges)) out.push_back(mappers_[i]);
  return out;
}

void unit_of_work::execute(engine::connection& conn) {
  // Mappers whose rows are only parents of this flush's children also need a
  // place in the order, so their processors run: they are already in mappers_.
  auto sorted = order();
  for (const auto* m : sorted) {
    sync_one_to_many(*m);  // may add saves to m's bucket: take the reference after
    auto& b = bucket(*m);
    sync_many_to_one(*m, b.inserts);
    sync_many_to_one(*m, b.updates);
    if (!b.inserts.empty()) emit_inserts(conn, *m, b.inserts, keyed_);
    std::vector<instance_state*> changed;
    for (auto* s : b.updates)
      if (columns_changed(s)) changed.push_back(s);
    if (!changed.empty()) emit_updates(conn, *m, changed);
  }
  for (auto it = sorted.rbegin(); it != sorted.rend(); ++it) {
    auto& b = bucket(**it);
    if (!b.deletes.empty()) emit_deletes(conn, **it, b.deletes);
  }
}

void unit_of_work::finish() {
  for (auto* s : saves_) {
    const mapper& m = *s->owner_mapper;
    s->committed.resize(m.columns.size());
    for (std::size_t i = 0; i < m.columns.size(); ++i) s->committed[i] = m.columns[i].get(s->object);
    auto key = m.key_of(s->object);
    if (s->status == status::pending) {
      s->status = status::persistent;
      s->key = std::move(key);
      session_.put_identity(s);
      session_.inserted_in_txn_.emplace_back(s);
    } else if (key != s->key) {  // primary key changed by an UPDATE
      session_.drop_identity(s);
      s->key = std::move(key);
      session_.put_identity(s);
    }
  }
  for (auto* s : saves_) {
    for (const auto& rel : s->owner_mapper->relationships) {
      auto* slot = rel.slot(s->object);
      if (rel.kind == slot_kind::scalar)
        static_cast<detail::scalar_slot*>(slot)->clear_history();
      else
        static_cast<detail::collection_slot*>(slot)->clear_history();
    }
  }
  for (auto* s : deletes_) {
    session_.drop_identity(s);
    s->status = status::deleted;
    session_.deleted_in_txn_.emplace_back(s);
  }
  session_.new_.clear();
  session_.deleted_.clear();
  for (auto& s : session_.touched_) s->touched = false;
  session_.touched_.clear();
}

void unit_of_work::undo() {
  for (auto* s : keyed_) session_.reset_generated_key(s);
}

// ---- session entry points ----

void session_impl::flush() {
  in_use guard(*this);
  check_active();
  if (flushing_) return;
  unit_of_work uow(*this);
  flushing_ = true;
  bool any = false;
  try {
    any = uow.collect();
  } catch (...) {
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
    uow.finish();
  } catch (const std::exception& e) {
    uow.undo();
    flushing_ = false;
    // Inside begin_nested() only the savepoint is lost; otherwise the transaction.
    if (!roll_back_failed_savepoint()) end_connection_with_rollback();
    needs_rollback_ = true;
    rollback_reason_ = e.what();
    throw;
  }
  flushing_ = false;
}

void session_impl::autoflush() {
  if (options_.autoflush && !flushing_ && has_changes()) flush();
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
