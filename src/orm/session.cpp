// Session lifecycle: autobegin, commit (expire-on-commit), rollback (expunge
// what the transaction inserted, expire the rest), savepoints, and the object
// state transitions of add / delete / expunge / expire.
#include "retort/orm/session.hpp"

#include <algorithm>
#include <exception>

#include "orm/detached_group.hpp"
#include "orm/load_plan.hpp"
#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

void unload_all(instance_state* s) {
  for (const auto& rel : s->owner_mapper->relationships) rel.slot(s->object)->unload();
}

/// Whether a key value can be compared with a column whose member is of `k`:
/// PostgreSQL would refuse `integer = text`, SQLite would coerce it; both refuse here.
bool key_fits(sql::type_kind k, const sql::value& v) {
  using tk = sql::type_kind;
  switch (v.kind()) {
    case sql::value_kind::null: return false;
    case sql::value_kind::integer: return k == tk::integer || k == tk::big_integer;
    case sql::value_kind::text: return k == tk::string || k == tk::text;
    case sql::value_kind::boolean: return k == tk::boolean;
    case sql::value_kind::real: return k == tk::float_ || k == tk::double_;
    case sql::value_kind::binary: return k == tk::large_binary;
    case sql::value_kind::decimal: return k == tk::numeric;
    case sql::value_kind::date: return k == tk::date;
    case sql::value_kind::date_time: return k == tk::date_time;
    case sql::value_kind::date_time_tz: return k == tk::date_time;
    case sql::value_kind::uuid: return k == tk::uuid;
    case sql::value_kind::json: return k == tk::json;
    case sql::value_kind::enum_label: return k == tk::enumeration;
  }
  return false;
}

bool erase_ref(std::vector<state_ref>& v, instance_state* s) {
  auto it = std::find_if(v.begin(), v.end(), [s](const state_ref& r) { return r.get() == s; });
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

}  // namespace

session_impl::session_impl(engine::engine e, session_options options) : engine_(std::move(e)), options_(options) {}

session_impl::in_use::in_use(const session_impl& s) : s_(s) {
  auto me = std::this_thread::get_id();
  std::thread::id nobody;
  if (s_.user_.compare_exchange_strong(nobody, me, std::memory_order_acquire)) {
    outer_ = true;
  } else if (nobody != me) {
    throw InvalidRequestError(
        "this session is in use by another thread: a session is not thread-safe (use one session per thread or "
        "request; the database, its engine and pool are shared safely)");
  }
}

session_impl::in_use::~in_use() {
  if (outer_) s_.user_.store(std::thread::id(), std::memory_order_release);
}

session_impl::~session_impl() {
  try {
    close();
  } catch (const Error&) {
    // Closing never throws out of a destructor; the connection is discarded.
  }
}

engine::connection& session_impl::connection() {
  check_active();
  if (!conn_) {
    conn_.emplace(engine_.connect());
    conn_->record_into(&records_, options_.record_queries);
    try {
      conn_->begin_unmanaged();
    } catch (...) {
      conn_.reset();
      throw;
    }
    fire_session(*this, event_kind::after_begin, nullptr, &*conn_);
  }
  return *conn_;
}

void session_impl::check_active() const {
  if (needs_rollback_ && failed_commit_)
    throw PendingRollbackError("this session's transaction failed to COMMIT and was rolled back; nothing of it is "
                               "stored. Call session.rollback() first. Original error: " + rollback_reason_);
  if (needs_rollback_ && failed_savepoint_ != 0)
    throw PendingRollbackError("this session's savepoint has been rolled back due to a previous exception during "
                               "flush; call rollback() on the nested transaction (or session.rollback()) first. "
                               "Original error: " + rollback_reason_);
  if (needs_rollback_)
    throw PendingRollbackError("this session's transaction has been rolled back due to a previous exception during "
                               "flush; call session.rollback() first. Original error: " + rollback_reason_);
}

void session_impl::release_connection() {
  for (auto& sp : savepoints_) sp.tx.dismiss();  // ended with the transaction
  savepoints_.clear();
  failed_savepoint_ = 0;
  if (conn_) {
    conn_->close();
    conn_.reset();
  }
}

instance_state* session_impl::lookup(const mapper& m, const std::vector<sql::value>& key) const {
  return identity_map_.find(m, key);
}

instance_state* session_impl::get(const mapper& m, const std::vector<sql::value>& key) {
  in_use guard(*this);
  if (key.size() != m.primary_key.size())
    throw ArgumentError("get<" + m.class_name + ">: the primary key has " + std::to_string(m.primary_key.size()) +
                        " column(s), " + std::to_string(key.size()) + " value(s) given");
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto& c = m.columns[m.primary_key[i]];
    if (!key_fits(c.member_kind, key[i]))
      throw ArgumentError("get<" + m.class_name + ">: primary-key column '" + c.column.name + "' is " +
                          std::string(sql::kind_name(c.member_kind)) + "; the key given is " +
                          (key[i].is_null() ? std::string("NULL") : key[i].repr()));
  }
  if (auto* s = lookup(m, key)) {
    if (s->marked_deleted) return nullptr;
    if (s->expired) refresh(s);
    return s;
  }
  autoflush();
  if (has_eager_defaults(m)) {  // the relationships loaded with it come in the same load
    auto parts = entity_parts(m);
    parts.where = match(m, m.primary_key, key);
    std::vector<const relationship_property*> path;
    auto found = run_load(*this, m, std::move(parts), plan_loaders(m, {}, path, m), false).entities;
    return found.empty() ? nullptr : found.front().get();
  }
  auto rows = load_where(m, m.primary_key, key, false);
  return rows.empty() ? nullptr : rows.front().get();
}

void session_impl::add_related(instance_state* s, bool added_only) {
  auto join = [&](instance_state* t) {
    if (!t->session) add(t);
  };
  for (const auto& rel : s->owner_mapper->relationships) {
    if (!rel.cascade.save_update) continue;
    auto* slot = rel.slot(s->object);
    if (added_only)
      slot->for_each_added(join);
    else
      slot->for_each_target(join, false);
  }
}

// The save-update cascade walks depth first, in the order objects were
// attached (SQLAlchemy's cascade_iterator): a user's posts join in list order,
// and are inserted in that order.
void session_impl::add(instance_state* root) {
  in_use guard(*this);
  check_active();
  detached_scope groups(false);  // detached objects joining leave their groups, re-formed at the end
  std::vector<instance_state*> work{root};
  std::vector<instance_state*> related;
  while (!work.empty()) {
    auto* s = work.back();
    work.pop_back();
    if (s->session == this) continue;
    if (s->session)
      throw InvalidRequestError("object of " + s->owner_mapper->class_name +
                                " is already attached to another session; expunge it there first");
    if (s->group) {
      groups.activate();
      leave_group(s);
    }
    if (s->status == status::transient) {
      s->status = status::pending;
      new_.emplace_back(s);
    } else {
      if (auto* other = lookup(*s->owner_mapper, s->key); other && other != s)
        throw InvalidRequestError("can't attach instance of " + s->owner_mapper->class_name +
                                  "; another instance with the same key is already in this session");
      s->status = status::persistent;
      put_identity(s);
    }
    s->session = this;
    s->order = order_++;
    s->touched = false;
    note_touched(s);
    related.clear();
    for (const auto& rel : s->owner_mapper->relationships) {
      if (!rel.cascade.save_update) continue;
      rel.slot(s->object)->for_each_target(
          [&](instance_state* t) {
            if (t->session != this) related.push_back(t);
          },
          false);
    }
    work.insert(work.end(), related.rbegin(), related.rend());
  }
}

void session_impl::mark_deleted(instance_state* s) {
  in_use guard(*this);
  check_active();
  if (s->session != this || s->status == status::pending || s->status == status::transient)
    throw InvalidRequestError("instance of " + s->owner_mapper->class_name + " is not persisted in this session");
  if (s->marked_deleted) return;
  s->marked_deleted = true;
  deleted_.emplace_back(s);
}

void session_impl::detach(instance_state* s, orm::status to) {
  state_ref keep(s);
  drop_identity(s);
  erase_ref(new_, s);
  erase_ref(deleted_, s);
  s->session = nullptr;
  s->status = to;
  s->marked_deleted = false;
  s->touched = false;
  s->cohort = 0;
}

void session_impl::note_cohort(const std::vector<state_ref>& states) {
  if (states.size() < 2) return;
  load_cohort c{states.front()->owner_mapper, {}};
  c.keys.reserve(states.size());
  cohorts_.push_back(std::move(c));
  const auto id = cohort_base_ + static_cast<std::uint32_t>(cohorts_.size());
  auto& keys = cohorts_.back().keys;
  for (const auto& s : states) {
    keys.push_back(identity_key::of(s->owner_mapper, s->key));
    s->cohort = id;
  }
}

std::vector<instance_state*> session_impl::cohort_of(const instance_state* s) const {
  std::vector<instance_state*> out;
  if (s->cohort <= cohort_base_ || s->session != this) return out;
  const auto& c = cohorts_[s->cohort - cohort_base_ - 1];
  if (c.m != s->owner_mapper) return out;
  out.reserve(c.keys.size());
  for (const auto& k : c.keys)
    if (auto* t = identity_map_.find(k)) out.push_back(t);
  return out;
}

void session_impl::forget_cohorts() {
  cohort_base_ += static_cast<std::uint32_t>(cohorts_.size());
  cohorts_.clear();
}

void session_impl::expunge(instance_state* s) {
  in_use guard(*this);
  if (s->session != this) throw InvalidRequestError("instance of " + s->owner_mapper->class_name + " is not in this session");
  auto cascaded = cascade_targets(s, &cascade_flags::expunge);  // followed before anything is detached
  cascaded.insert(cascaded.begin(), state_ref(s));
  for (auto& t : cascaded) {
    if (t->session != this) continue;
    detach(t.get(), t->status == status::pending ? status::transient : status::detached);
    limbo_.push_back(t);
  }
}

void session_impl::expire(instance_state* s) {
  in_use guard(*this);
  if (s->session != this) throw InvalidRequestError("instance of " + s->owner_mapper->class_name + " is not in this session");
  if (s->status != status::persistent) return;
  auto cascaded = cascade_targets(s, &cascade_flags::refresh_expire);  // followed before expiring unloads them
  conditional_expire(s);
  for (auto& t : cascaded) conditional_expire(t.get());
}

void session_impl::expire_all() {
  in_use guard(*this);
  forget_cohorts();
  std::vector<state_ref> expired;  // listeners run after the walk: they may load (and change the map)
  const bool listened = has_listeners(event_kind::expire);
  identity_map_.for_each([&](instance_state* s) {
    s->expired = true;
    s->touched = false;
    unload_all(s);
    if (listened) expired.emplace_back(s);
  });
  touched_.clear();
  for (auto& s : expired) fire_object(*this, event_kind::expire, s.get());
}

void session_impl::note_touched(instance_state* s) {
  s->touched = true;
  touched_.emplace_back(s);
}

void session_impl::forget_key(instance_state* s) {
  s->key.clear();
  reset_generated_key(s);
}

void session_impl::reset_generated_key(instance_state* s) {
  if (auto i = s->owner_mapper->autoincrement_column()) {
    const auto& c = s->owner_mapper->columns[*i];
    c.set(s->object, c.column.nullable ? sql::value() : sql::value(std::int64_t{0}));
  }
}

void session_impl::commit() {
  in_use guard(*this);
  check_active();
  fire_session(*this, event_kind::before_commit);
  flush();
  if (conn_) {
    try {
      conn_->commit();
    } catch (const std::exception& e) {
      // The connection rolled back (or lost) the transaction; until rollback()
      // the session refuses work, and rollback() then undoes in memory what the
      // database forgot (the flushed objects become transient again).
      release_connection();
      needs_rollback_ = true;
      failed_commit_ = true;
      rollback_reason_ = e.what();
      throw;
    }
  }
  release_connection();
  for (auto& s : deleted_in_txn_) {
    detach(s.get(), status::detached);
    limbo_.push_back(s);  // a deleted user and its deleted posts may hold each other
  }
  deleted_in_txn_.clear();
  inserted_in_txn_.clear();
  // after_commit sees the objects as the transaction left them; the expiry follows
  // (SQLAlchemy's order), also when a listener throws.
  std::exception_ptr listener_error;
  try {
    fire_session(*this, event_kind::after_commit);
  } catch (...) {
    listener_error = std::current_exception();
  }
  if (options_.expire_on_commit) {
    expire_all();
    release_unreferenced();
  }
  reset_lazy_counts();
  collect_limbo();
  if (listener_error) std::rethrow_exception(listener_error);
}

// Expired objects carry nothing the database does not have, so the ones no
// handle or relationship refers to any more leave the identity map (as they
// would from SQLAlchemy's weak map); a session used for many commits stays small.
void session_impl::release_unreferenced() {
  identity_map_.erase_if([](instance_state* s) {
    if (s->refs != 1 || !s->expired) return false;
    s->session = nullptr;
    s->status = status::detached;
    return true;  // frees it
  });
}

void session_impl::end_connection_with_rollback() {
  if (conn_) {
    try {
      conn_->rollback();
    } catch (const Error&) {
      // A dead connection: the server has already discarded the transaction.
    }
  }
  release_connection();
}

// Objects that leave the session without being freed (deleted at commit,
// made transient by a rollback, expunged, everything at close) keep their
// loaded relationships, so they may hold each other in cycles (a user and its
// posts). They wait in `limbo_` until the session's next commit, rollback or
// close, which hands them to detached groups (detached_group.hpp): what no
// handle reaches any more is freed there, and the rest is freed once the
// application drops its last handle into it. Members that joined a session
// again leave limbo_.
void session_impl::collect_limbo() {
  std::erase_if(limbo_, [](const state_ref& s) { return s->session != nullptr; });
  if (!limbo_.empty()) group_detached(std::exchange(limbo_, {}));
}

// Undoes, in memory, what the database forgot: objects inserted since the
// marks become transient again, objects deleted since them come back, pending
// work is dropped, and everything left is expired.
void session_impl::forget_since(std::size_t inserted_mark, std::size_t deleted_mark) {
  needs_rollback_ = false;
  failed_commit_ = false;
  rollback_reason_.clear();
  std::vector<state_ref> made_transient(inserted_in_txn_.begin() + static_cast<std::ptrdiff_t>(inserted_mark),
                                        inserted_in_txn_.end());
  made_transient.insert(made_transient.end(), new_.begin(), new_.end());
  for (std::size_t i = inserted_mark; i < inserted_in_txn_.size(); ++i) {
    auto& s = inserted_in_txn_[i];
    if (s->session != this) continue;
    detach(s.get(), status::transient);
    forget_key(s.get());
  }
  inserted_in_txn_.resize(inserted_mark);
  for (auto& s : std::vector<state_ref>(new_)) detach(s.get(), status::transient);
  new_.clear();
  for (std::size_t i = deleted_mark; i < deleted_in_txn_.size(); ++i) {
    auto& s = deleted_in_txn_[i];
    s->status = status::persistent;
    s->marked_deleted = false;
    s->session = this;
    put_identity(s.get());
  }
  deleted_in_txn_.resize(deleted_mark);
  for (auto& s : deleted_) s->marked_deleted = false;
  deleted_.clear();
  touched_.clear();
  expire_all();
  limbo_.insert(limbo_.end(), made_transient.begin(), made_transient.end());
  collect_limbo();
}

void session_impl::rollback() {
  in_use guard(*this);
  const bool had_transaction = conn_.has_value();
  end_connection_with_rollback();
  // after_rollback fires when a transaction was actually rolled back (SQLAlchemy's
  // "real DBAPI rollback"), before the objects are expired.
  std::exception_ptr listener_error;
  if (had_transaction) {
    try {
      fire_session(*this, event_kind::after_rollback);
    } catch (...) {
      listener_error = std::current_exception();
    }
  }
  forget_since(0, 0);
  reset_lazy_counts();
  if (listener_error) std::rethrow_exception(listener_error);
}

// Unlike SQLAlchemy's close(), which only expunges, objects whose INSERT the
// ended transaction took with it become transient again without the keys of
// the rolled-back rows (docs/differences.md): re-adding one inserts it anew
// instead of writing over whatever row later took that key.
void session_impl::close() {
  in_use guard(*this);
  end_connection_with_rollback();
  reset_lazy_counts();
  needs_rollback_ = false;
  failed_commit_ = false;
  rollback_reason_.clear();
  for (auto& s : inserted_in_txn_) {
    if (s->session != this) continue;
    drop_identity(s.get());  // still in the session until the loop below detaches it
    s->status = status::transient;
    forget_key(s.get());
  }
  for (auto& s : deleted_in_txn_)
    if (s->session == this) s->status = status::detached;  // its row is still there
  std::vector<state_ref> all;
  identity_map_.for_each([&](instance_state* s) { all.emplace_back(s); });
  for (auto& s : new_) all.push_back(s);
  for (auto& s : inserted_in_txn_) all.push_back(s);
  for (auto& s : deleted_in_txn_) all.push_back(s);
  identity_map_.clear();
  for (auto& s : all) {
    if (s->session != this) continue;
    // Detached objects keep their columns and their loaded relationships
    // (SQLAlchemy's expunge_all); collect_limbo hands them to detached groups.
    bool unsaved = s->status == status::pending || s->status == status::transient;
    s->status = unsaved ? status::transient : status::detached;
    s->session = nullptr;
    s->marked_deleted = false;
    s->touched = false;
    s->cohort = 0;
  }
  forget_cohorts();
  new_.clear();
  deleted_.clear();
  touched_.clear();
  inserted_in_txn_.clear();
  deleted_in_txn_.clear();
  if (limbo_.empty()) limbo_ = std::move(all);
  else limbo_.insert(limbo_.end(), std::make_move_iterator(all.begin()), std::make_move_iterator(all.end()));
  collect_limbo();
}

std::uint64_t session_impl::begin_nested() {
  in_use guard(*this);
  flush();
  auto& conn = connection();
  savepoints_.push_back({conn.begin_nested(), inserted_in_txn_.size(), deleted_in_txn_.size(), ++savepoint_ids_});
  return savepoints_.back().id;
}

std::size_t session_impl::savepoint_index(std::uint64_t id) const {
  for (std::size_t i = 0; i < savepoints_.size(); ++i)
    if (savepoints_[i].id == id) return i;
  return savepoints_.size();
}

void session_impl::release_nested(std::uint64_t id) {
  in_use guard(*this);
  check_active();
  auto i = savepoint_index(id);
  if (i == savepoints_.size()) throw InvalidRequestError("savepoint is no longer active (its transaction ended)");
  if (i + 1 != savepoints_.size()) throw InvalidRequestError("savepoints must be committed innermost first");
  flush();
  savepoints_.back().tx.commit();
  savepoints_.pop_back();
}

// Rolling back a savepoint also ends the ones begun inside it (ROLLBACK TO
// releases them on the server), as SQLAlchemy's nested transactions do.
void session_impl::rollback_nested(std::uint64_t id) {
  in_use guard(*this);
  auto i = savepoint_index(id);
  if (i == savepoints_.size()) {
    if (id == failed_savepoint_) {  // the failed flush rolled it back already
      failed_savepoint_ = 0;
      needs_rollback_ = false;
      rollback_reason_.clear();
    }
    return;  // otherwise it ended with its transaction, or with an outer savepoint
  }
  while (savepoints_.size() > i + 1) {
    savepoints_.back().tx.dismiss();
    savepoints_.pop_back();
  }
  auto sp = std::move(savepoints_.back());
  savepoints_.pop_back();
  failed_savepoint_ = 0;
  sp.tx.rollback();
  std::exception_ptr listener_error;
  try {
    fire_session(*this, event_kind::after_rollback);
  } catch (...) {
    listener_error = std::current_exception();
  }
  forget_since(sp.inserted_mark, sp.deleted_mark);
  if (listener_error) std::rethrow_exception(listener_error);
}

// SQLAlchemy's rule: a flush that fails inside begin_nested() rolls back to
// the innermost savepoint, not the whole transaction; the work before it stays.
bool session_impl::roll_back_failed_savepoint() {
  if (savepoints_.empty() || !conn_ || conn_->invalidated()) return false;
  auto sp = std::move(savepoints_.back());
  savepoints_.pop_back();
  try {
    sp.tx.rollback();
  } catch (const Error&) {
    return false;
  }
  if (conn_->invalidated()) return false;
  forget_since(sp.inserted_mark, sp.deleted_mark);
  failed_savepoint_ = sp.id;
  return true;
}

}  // namespace retort::orm

namespace retort {

using orm::session_impl;

session::session(engine::engine e, session_options options)
    : impl_(std::make_unique<session_impl>(std::move(e), options)) {
  impl_->set_owner(this);
}
session::session(session&& o) noexcept : impl_(std::move(o.impl_)) {
  if (impl_) impl_->set_owner(this);
}
session& session::operator=(session&& o) noexcept {
  impl_ = std::move(o.impl_);
  if (impl_) impl_->set_owner(this);
  return *this;
}
session::~session() {
  if (impl_) impl_->set_owner(nullptr);  // closing fires no events
}

namespace {
std::vector<any_ptr> of_kind(const flush_context& f, change_kind k) {
  std::vector<any_ptr> out;
  for (const auto& c : f.changes())
    if (c.kind == k) out.push_back(c.object);
  return out;
}
}  // namespace

std::vector<any_ptr> session::new_objects() const { return of_kind(live().candidates(), change_kind::insert); }
std::vector<any_ptr> session::dirty_objects() const { return of_kind(live().candidates(), change_kind::update); }
std::vector<any_ptr> session::deleted_objects() const { return of_kind(live().candidates(), change_kind::delete_); }

orm::session_impl& session::live() const {
  if (!impl_) throw InvalidRequestError("this session was moved from; use the session it was moved to");
  return *impl_;
}
orm::session_impl& session::impl() { return live(); }

void session::flush(retort::source_location where) {
  orm::call_cause cause(live(), "flush", {}, {}, where);
  live().flush();
}
void session::commit(retort::source_location where) {
  orm::call_cause cause(live(), "commit", {}, {}, where);
  live().commit();
}
void session::rollback() { live().rollback(); }
void session::close() { live().close(); }
void session::expire_all() { live().expire_all(); }
bool session::in_transaction() const { return live().in_transaction(); }
std::size_t session::new_count() const { return live().new_count(); }
std::size_t session::dirty_count() const { return live().dirty_count(); }
std::size_t session::deleted_count() const { return live().deleted_count(); }
std::size_t session::identity_count() const { return live().identity_count(); }
engine::connection& session::connection() { return live().connection(); }
engine::engine& session::bound_engine() { return live().bound_engine(); }

nested_transaction session::begin_nested() { return nested_transaction(&live(), live().begin_nested()); }

namespace {
orm::instance_state* given(orm::instance_state* s, const char* operation) {
  if (!s) throw ArgumentError(std::string("session.") + operation + ": the ptr<> is empty (it refers to no object)");
  return s;
}
}  // namespace

void session::add_state(orm::instance_state* s) { live().add(given(s, "add")); }
void session::delete_state(orm::instance_state* s) { live().mark_deleted(given(s, "delete_")); }
orm::instance_state* session::get_state(const orm::mapper& m, std::vector<sql::value> key, retort::source_location where) {
  live().check_active();
  orm::call_cause cause(live(), "session.get", m.class_name, {}, where);
  return live().get(m, key);
}
orm::instance_state* session::get_state_by_id(const orm::mapper& m, std::int64_t id, retort::source_location where) {
  auto& core = live();
  core.check_active();
  {
    orm::session_impl::in_use guard(core);  // another thread's use is a typed error here too
    if (auto* hit = core.live_hit(m, id)) return hit;  // no SQL, nothing to record
  }
  return get_state(m, {sql::value(id)}, where);
}
void session::expire_state(orm::instance_state* s) { live().expire(given(s, "expire")); }
void session::refresh_state(orm::instance_state* s) {
  if (given(s, "refresh")->session != &live()) throw InvalidRequestError("instance is not in this session");
  live().refresh_cascade(s);
}
void session::expunge_state(orm::instance_state* s) { live().expunge(given(s, "expunge")); }
engine::result session::execute(const sql::text& t, retort::source_location where) {
  auto& s = live();
  orm::call_cause cause(s, "execute", {}, "text", where);
  orm::session_impl::in_use guard(s);
  s.check_active();
  auto c = t.compile(s.connection().dialect());  // a missing value fails before the autoflush writes anything
  s.autoflush();
  return s.connection().execute(c);
}

namespace detail {
void text_columns_mismatch(std::size_t returned, std::size_t typed) {
  throw ArgumentError("text(...).columns<...>(): the statement returns " + std::to_string(returned) + " column(s), " +
                      std::to_string(typed) + " type(s) given");
}
}  // namespace detail

// SQLAlchemy's `obj in session`: pending or in the identity map (a flushed delete is neither).
bool session::contains_state(orm::instance_state* s) const {
  return s && s->session == &live() && s->status != orm::status::deleted;
}

nested_transaction::nested_transaction(orm::session_impl* s, std::uint64_t id)
    : session_(s), alive_(s->lifetime()), id_(id) {}

nested_transaction::nested_transaction(nested_transaction&& o) noexcept
    : session_(o.session_), alive_(std::move(o.alive_)), id_(o.id_), active_(std::exchange(o.active_, false)) {}

nested_transaction::~nested_transaction() {
  if (!active_) return;
  try {
    rollback();
  } catch (const Error&) {
  }
}

void nested_transaction::commit() {
  if (!active_) throw InvalidRequestError("savepoint is no longer active");
  if (alive_.expired()) {
    active_ = false;
    throw InvalidRequestError("savepoint's session no longer exists (it was destroyed, which rolled it back)");
  }
  session_->release_nested(id_);  // a failed flush leaves it active, for rollback()
  active_ = false;
}

void nested_transaction::rollback() {
  if (!active_) return;
  active_ = false;
  if (alive_.expired()) return;  // destroying the session rolled it back
  session_->rollback_nested(id_);
}

}  // namespace retort

namespace retort {

no_autoflush::no_autoflush(session& s) : blocks_(s.impl().autoflush_blocks()) { ++*blocks_; }
no_autoflush::~no_autoflush() { --*blocks_; }

}  // namespace retort
