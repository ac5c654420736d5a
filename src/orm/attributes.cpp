// Relationship attributes (SQLAlchemy's attributes.py): the slots behind one<T>
// and many<T>. Lazy loading on first access, history since the last flush
// (changed / added / removed, which the dependency processors read), and
// back-population: a change on one side of a bidirectional pair updates the
// other side in memory at once - scalar or collection, either way round.
#include "retort/orm/relationship.hpp"

#include <algorithm>
#include <unordered_map>

#include "orm/detached_group.hpp"
#include "orm/event_dispatch.hpp"
#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "orm/validation.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/loader_strategy.hpp"
#include "retort/orm/repr.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

bool contains(const std::vector<state_ref>& v, instance_state* s) {
  return std::any_of(v.begin(), v.end(), [s](const state_ref& r) { return r.get() == s; });
}

bool in_database(const instance_state* s) { return s->status == status::persistent || s->status == status::deleted; }

/// An unloaded attribute of an object with a row (or that had one: detached) must be loaded.
bool loadable(const instance_state* s) { return in_database(s) || s->status == status::detached; }

/// Loads an attribute through its strategy, or explains why it cannot be.
void load(const relationship_property& rel, instance_state* owner, const loader_strategy* access) {
  if (!owner->session)
    throw DetachedInstanceError("parent instance " + default_repr(owner) + " is not bound to a session; the lazy "
                                "load of " + rel.name() + " cannot proceed (load it before the session closes, or "
                                "add the object to a session)");
  auto& s = *owner->session;
  s.check_active();
  relationship_cause cause(s, rel, "lazy load", true);  // counts its statements for the N+1 warning
  (access ? access : rel.strategy)->load_on_access(s, rel, *owner);
  if (cause.statements()) s.note_lazy_load(rel, owner);
}

/// Save-update cascade: a related object joins its owner's session.
void cascade(const relationship_property& rel, instance_state* owner, instance_state* target) {
  if (!target || !rel.cascade.save_update || !owner->session) return;
  if (owner->status != status::pending && owner->status != status::persistent) return;
  if (target->session != owner->session) owner->session->add(target);
}

/// The other side's slot of `s` (which must be of the reverse's parent class).
detail::slot& reverse_slot(const relationship_property& rel, instance_state* s) {
  return *rel.reverse->slot(s->object);
}

/// Whether an unloaded many-to-one's target is the identity-map object its
/// foreign key names (SQLAlchemy's "simple" many-to-one): not when join_where
/// criteria on the target decide too; only a SELECT knows those.
bool simple_many_to_one(const relationship_property& rel) { return rel.join.simple_many_to_one(*rel.target); }

/// The scalar's target in memory, without SQL: the loaded value, or for a
/// simple many-to-one the identity-map object its foreign key names.
instance_state* current_target(const relationship_property& rel, instance_state* owner, instance_state* loaded_value,
                               bool loaded) {
  if (loaded || !in_database(owner) || !owner->session || !simple_many_to_one(rel)) return loaded_value;
  auto key = read(*rel.parent, owner->object, rel.join.local_columns);
  for (const auto& v : key)
    if (v.is_null()) return nullptr;
  return owner->session->lookup(*rel.target, key);
}

void check_class(const relationship_property& rel, const instance_state* s) {
  if (s->owner_mapper != rel.target)
    throw ArgumentError(rel.name() + (rel.kind == slot_kind::collection ? " holds " + rel.target->class_name + " objects"
                                                                        : " takes a " + rel.target->class_name) +
                        ", not " + (rel.kind == slot_kind::collection ? "" : "a ") + s->owner_mapper->class_name);
}

/// Whether `s`'s side of `rel` (the reverse of the relationship it is a target of) holds anyone but `except`.
bool held_by_other(const relationship_property& reverse, instance_state* s, const instance_state* except) {
  bool other = false;
  reverse.slot(s->object)->for_each_target([&](instance_state* p) { other = other || p != except; }, false);
  return other;
}

/// single_parent: `target` joins `owner` through `rel` only if no other object
/// holds it there; the reverse (configuration requires one) lists its parents in memory.
void check_single_parent(const relationship_property& rel, const instance_state* owner, instance_state* target) {
  if (!rel.single_parent || !rel.reverse || !target || !held_by_other(*rel.reverse, target, owner)) return;
  throw InvalidRequestError("instance of " + target->owner_mapper->class_name +
                            " is already associated with an instance of " + rel.parent->class_name + " via its " +
                            rel.name() + " attribute, and is only allowed a single parent (retort::single_parent)");
}

/// A pending child that leaves a delete-orphan relationship and has no parent
/// left leaves the session at once, as SQLAlchemy expunges a pending orphan:
/// nothing is inserted for it. (A persistent orphan is deleted at flush.)
void leave_if_pending_orphan(const relationship_property& rel, const instance_state* owner, instance_state* child) {
  if (!rel.cascade.delete_orphan || !child || child->status != status::pending || !child->session ||
      child->session != owner->session)
    return;
  if (rel.reverse && held_by_other(*rel.reverse, child, nullptr)) return;  // moved to another parent
  child->session->expunge(child);
}

}  // namespace

void bind_slots(instance_state* s) {
  const mapper& m = *s->owner_mapper;
  for (const auto& rel : m.relationships) rel.slot(s->object)->bind(s, &rel);
  if (!m.has_deferred) return;
  for (std::size_t i = 0; i < m.columns.size(); ++i)
    if (m.columns[i].deferred) m.columns[i].deferred(s->object)->bind(s, static_cast<std::uint32_t>(i));
}

std::string relationship_property::name() const { return (parent ? parent->class_name : target_class) + "." + attribute; }

}  // namespace retort::orm

namespace retort::orm::detail {

// ---- state_list ----

/// Occurrences per member (a list normally holds each object once; counting
/// keeps the index right if a caller ever put one in twice).
struct state_list::index {
  std::unordered_map<const instance_state*, std::uint32_t> count;
};

namespace {
/// Below this length a linear scan is cheaper than hashing.
constexpr std::size_t index_threshold = 16;
}  // namespace

state_list::state_list() noexcept = default;
state_list::state_list(state_list&& o) noexcept = default;
state_list& state_list::operator=(state_list&& o) noexcept = default;
state_list::~state_list() = default;

state_list& state_list::operator=(std::vector<state_ref> items) {
  v_ = std::move(items);
  index_.reset();
  return *this;
}

bool state_list::contains(const instance_state* s) const {
  if (v_.size() < index_threshold)
    return std::any_of(v_.begin(), v_.end(), [s](const state_ref& r) { return r.get() == s; });
  if (!index_) {
    index_ = std::make_unique<index>();
    index_->count.reserve(v_.size() * 2);
    for (const auto& r : v_) ++index_->count[r.get()];
  }
  return index_->count.count(s) != 0;
}

void state_list::push_back(state_ref r) {
  if (index_) ++index_->count[r.get()];
  v_.push_back(std::move(r));
}

bool state_list::erase(const instance_state* s) {
  auto it = std::find_if(v_.begin(), v_.end(), [s](const state_ref& r) { return r.get() == s; });
  if (it == v_.end()) return false;
  if (index_) {
    auto c = index_->count.find(s);
    if (--c->second == 0) index_->count.erase(c);
  }
  v_.erase(it);
  return true;
}

void state_list::move_to(const instance_state* s, std::size_t index) {
  auto it = std::find_if(v_.begin(), v_.end(), [s](const state_ref& r) { return r.get() == s; });
  if (it == v_.end()) return;
  state_ref keep = std::move(*it);
  v_.erase(it);
  v_.insert(v_.begin() + static_cast<std::ptrdiff_t>(std::min(index, v_.size())), std::move(keep));
}

void state_list::clear() noexcept {
  v_.clear();
  index_.reset();
}

std::vector<state_ref> state_list::take() noexcept {
  index_.reset();
  return std::exchange(v_, {});
}


// ---- scalar_slot ----

void scalar_slot::bind(instance_state* owner, const relationship_property* prop) {
  owner_ = owner;
  prop_ = prop;
  loaded_ = true;  // a new object has nothing in the database to load
  if (auto initial = std::exchange(target_, state_ref()); initial) assign(initial.get());
}

instance_state* scalar_slot::resolve() {
  if (!loaded_ && owner_ && loadable(owner_)) load(*prop_, owner_, access_.get());
  return target_.get();
}

void scalar_slot::assign(instance_state* target) {
  detached_scope scope(owner_, target);
  if (!owner_) {
    target_ = state_ref(target);
    return;
  }
  if (target) check_class(*prop_, target);
  if (target != target_.get()) check_single_parent(*prop_, owner_, target);
  // When the key is on the other side (a one-to-one seen from its parent), the
  // value replaced must be known to unlink it: load it first, as SQLAlchemy's
  // active history does. So must a delete-orphan many-to-one's: it is deleted.
  // A many-to-one with join_where criteria and a reverse loads it (with the
  // criteria) to unlink it, as SQLAlchemy's backref does.
  bool needs_old = !prop_->join.parent_holds_key() || prop_->cascade.delete_orphan ||
                   (prop_->reverse && !simple_many_to_one(*prop_));
  if (!loaded_ && needs_old && loadable(owner_)) resolve();
  instance_state* old = current_target(*prop_, owner_, target_.get(), loaded_);
  state_ref keep(old);  // old may lose its last reference below
  validate_scalar_change(*prop_, owner_, target, old);  // both sides, before either changes
  fire_attribute(event_kind::set, *prop_, owner_, target, old);  // before the change, as SQLAlchemy's
  if (!changed_ && old != target) previous_ = state_ref(old);
  target_ = state_ref(target);
  loaded_ = true;
  changed_ = changed_ || old != target;
  touch(owner_);
  if (prop_->reverse && old != target) {
    if (old) reverse_slot(*prop_, old).unlink_quiet(owner_);
    if (target) reverse_slot(*prop_, target).link_quiet(owner_);
  }
  cascade(*prop_, owner_, target);
  if (old != target) leave_if_pending_orphan(*prop_, owner_, old);
}

void scalar_slot::set_quiet(instance_state* target) {
  if (target_.get() != target || !loaded_) {
    if (!changed_) previous_ = state_ref(current_target(*prop_, owner_, target_.get(), loaded_));
    changed_ = true;
  }
  target_ = state_ref(target);
  loaded_ = true;
  touch(owner_);
}

// The other side took `s` as this owner's partner: this side now refers to
// `s`, and whatever it referred to before lets go of the owner (a post moved
// to another user leaves the old user's posts; a passport given to another
// person leaves the previous holder).
void scalar_slot::link_quiet(instance_state* s) {
  if (!owner_) return;
  detached_scope scope(owner_, s);
  instance_state* old = current_target(*prop_, owner_, target_.get(), loaded_);
  if (old == s && loaded_) return;
  state_ref keep(old);
  if (old != s) fire_attribute(event_kind::set, *prop_, owner_, s, old);
  if (old && old != s && prop_->reverse) reverse_slot(*prop_, old).unlink_quiet(owner_);
  set_quiet(s);
  if (old != s) leave_if_pending_orphan(*prop_, owner_, old);
}

void scalar_slot::unlink_quiet(instance_state* s) {
  if (!owner_) return;
  detached_scope scope(owner_, s);
  if (current_target(*prop_, owner_, target_.get(), loaded_) != s) return;
  fire_attribute(event_kind::set, *prop_, owner_, nullptr, s);
  set_quiet(nullptr);
  leave_if_pending_orphan(*prop_, owner_, s);
}

void scalar_slot::set_loaded_states(std::vector<state_ref> states) {
  detached_scope scope(owner_, nullptr);
  target_ = states.empty() ? state_ref() : std::move(states.front());
  loaded_ = true;
}

void scalar_slot::for_each_target(target_fn f, bool history) const {
  if (target_) f(target_.get());
  if (history && previous_) f(previous_.get());
}

void scalar_slot::unload() {
  detached_scope scope(owner_, nullptr);
  target_ = state_ref();
  previous_ = state_ref();
  loaded_ = false;
  changed_ = false;
}

// ---- collection_slot ----

void collection_slot::bind(instance_state* owner, const relationship_property* prop) {
  owner_ = owner;
  prop_ = prop;
  loaded_ = true;
  auto initial = items_.take();
  for (auto& i : initial) append(i.get());
}

const std::vector<state_ref>& collection_slot::items() {
  if (!loaded_ && owner_ && loadable(owner_)) load(*prop_, owner_, access_.get());
  return items_.vec();
}

void collection_slot::note_added(instance_state* s) {
  if (!removed_.erase(s)) added_.push_back(state_ref(s));
}

void collection_slot::note_removed(instance_state* s) {
  if (!added_.erase(s)) removed_.push_back(state_ref(s));
}

void collection_slot::append(instance_state* s) {
  if (!s) throw ArgumentError("cannot append a null object to a collection");
  detached_scope scope(owner_, s);
  if (!owner_) {
    if (!items_.contains(s)) items_.push_back(state_ref(s));
    return;
  }
  check_class(*prop_, s);
  if (prop_->ordering_column >= 0) items();  // an ordering list numbers from the loaded sequence
  if (loaded_ && items_.contains(s)) return;
  if (!loaded_ && added_.contains(s)) return;
  check_single_parent(*prop_, owner_, s);
  validate_collection_change(*prop_, owner_, s, false);
  fire_attribute(event_kind::append, *prop_, owner_, s, nullptr);
  if (loaded_) items_.push_back(state_ref(s));
  note_added(s);
  touch(owner_);
  touch(s);
  if (prop_->reverse) reverse_slot(*prop_, s).link_quiet(owner_);
  cascade(*prop_, owner_, s);
  renumber();
}

void collection_slot::remove(instance_state* s) {
  detached_scope scope(owner_, s);
  if (!owner_) {
    items_.erase(s);
    return;
  }
  // Removal needs the loaded collection to know membership, unless `s` was
  // appended while it was unloaded (loading would autoflush it first).
  bool appended_unloaded = !loaded_ && added_.contains(s);
  if (!appended_unloaded) items();
  state_ref keep(s);
  if (!appended_unloaded && !items_.contains(s)) throw InvalidRequestError("object is not in " + prop_->name());
  validate_collection_change(*prop_, owner_, s, true);
  fire_attribute(event_kind::remove, *prop_, owner_, s, nullptr);
  if (!appended_unloaded) items_.erase(s);
  note_removed(s);
  touch(owner_);
  touch(s);
  if (prop_->reverse) reverse_slot(*prop_, s).unlink_quiet(owner_);
  renumber();
  leave_if_pending_orphan(*prop_, owner_, s);
}

void collection_slot::clear() {
  detached_scope scope(owner_, nullptr);
  auto copy = items();
  for (auto& s : copy) remove(s.get());
}

void collection_slot::replace(const std::vector<instance_state*>& states) {
  detached_scope scope(owner_, nullptr);
  if (!owner_) {
    items_.clear();
    for (auto* s : states) append(s);
    return;
  }
  auto copy = items();
  for (auto& s : copy)
    if (std::find(states.begin(), states.end(), s.get()) == states.end()) remove(s.get());
  for (auto* s : states) append(s);
  // The kept items take the order given (a reorder is an assignment too).
  std::vector<state_ref> ordered;
  for (auto* s : states)
    if (items_.contains(s) && !contains(ordered, s)) ordered.emplace_back(s);
  for (auto& r : items_)
    if (!contains(ordered, r.get())) ordered.push_back(r);
  items_ = std::move(ordered);
  renumber();
}

void collection_slot::insert(std::size_t index, instance_state* s) {
  if (!s) throw ArgumentError("cannot insert a null object into a collection");
  detached_scope scope(owner_, s);
  if (owner_) {
    items();  // a position needs the loaded sequence
    append(s);
  } else if (!items_.contains(s)) {
    items_.push_back(state_ref(s));
  }
  items_.move_to(s, index);
  if (owner_) renumber();
}

void collection_slot::renumber() {
  if (!prop_ || prop_->ordering_column < 0 || !loaded_) return;
  const auto& position = prop_->target->columns[static_cast<std::size_t>(prop_->ordering_column)];
  for (std::size_t i = 0; i < items_.size(); ++i) {
    instance_state* s = items_[i].get();
    if (s->expired) ensure_loaded(s);
    sql::value want(prop_->ordering_start + static_cast<std::int64_t>(i));
    if (position.same(s->object, want)) continue;
    position.set(s->object, want);
    touch(s);
  }
}

std::size_t collection_slot::key_column() const {
  if (!prop_)
    throw InvalidRequestError("a keyed collection of an object Retort does not manage yet has no key attribute; "
                              "create the object with retort::make(...) or session.add(...) first");
  if (prop_->collection_key_column < 0)
    throw InvalidRequestError(prop_->name() + " is not keyed by an attribute; map it with "
                              "retort::attribute_keyed_dict<&" + prop_->target->class_name + "::...>");
  return static_cast<std::size_t>(prop_->collection_key_column);
}

sql::value collection_slot::key_of(instance_state* s) const {
  std::size_t i = key_column();
  const auto& column = prop_->target->columns[i];
  if (s->expired) ensure_loaded(s);
  return column.get(s->object);
}

instance_state* collection_slot::find_key(const sql::value& key) {
  std::size_t column = key_column();
  for (const auto& r : items()) {
    if (r->expired) ensure_loaded(r.get());
    if (prop_->target->columns[column].same(r->object, key)) return r.get();
  }
  return nullptr;
}

void collection_slot::set_key(const sql::value& key, instance_state* s) {
  if (!s) throw ArgumentError("cannot put a null object into " + (prop_ ? prop_->name() : std::string("a collection")));
  std::size_t column = key_column();
  check_class(*prop_, s);
  detached_scope scope(owner_, s);
  if (auto own = key_of(s); !(own == key))
    throw ArgumentError(prop_->name() + " is keyed by " + prop_->target->class_name + "." +
                        prop_->target->columns[column].attribute + ": the object's " +
                        prop_->target->columns[column].attribute + " is " + own.repr() + ", not the key " +
                        key.repr() + " (set it before putting the object under that key)");
  if (auto* old = find_key(key); old && old != s) remove(old);
  append(s);
}

void throw_missing_key(const collection_slot& c, const sql::value& key) {
  throw InvalidRequestError((c.property() ? c.property()->name() : std::string("keyed collection")) +
                            ": no object under the key " + key.repr());
}

void collection_slot::set_loaded_states(std::vector<state_ref> loaded) {
  detached_scope scope(owner_, nullptr);
  items_ = std::move(loaded);
  loaded_ = true;
  // Changes made while unloaded (and not yet flushed) win over what the database said.
  for (auto& a : added_)
    if (!items_.contains(a.get())) items_.push_back(a);
  for (auto& r : removed_) items_.erase(r.get());
  if (!added_.empty()) renumber();
}

void collection_slot::link_quiet(instance_state* s) {
  if (!owner_) return;
  detached_scope scope(owner_, s);
  if (loaded_ ? items_.contains(s) : added_.contains(s)) return;
  fire_attribute(event_kind::append, *prop_, owner_, s, nullptr);
  if (loaded_) items_.push_back(state_ref(s));
  note_added(s);
  touch(owner_);
  renumber();
}

void collection_slot::unlink_quiet(instance_state* s) {
  if (!owner_) return;
  state_ref keep(s);
  detached_scope scope(owner_, s);
  if (loaded_ && !items_.contains(s)) return;
  fire_attribute(event_kind::remove, *prop_, owner_, s, nullptr);
  if (loaded_) items_.erase(s);
  note_removed(s);
  touch(owner_);
  renumber();
  leave_if_pending_orphan(*prop_, owner_, s);
}

void collection_slot::for_each_target(target_fn f, bool history) const {
  for (const auto& s : items_) f(s.get());
  if (!loaded_)
    for (const auto& s : added_) f(s.get());
  if (history) {
    if (loaded_)
      for (const auto& s : added_) f(s.get());
    for (const auto& s : removed_) f(s.get());
  }
}

void collection_slot::unload() {
  detached_scope scope(owner_, nullptr);
  items_.clear();
  added_.clear();
  removed_.clear();
  loaded_ = false;
}

}  // namespace retort::orm::detail

namespace retort::orm::detail {

// ---- write_only_slot ----

// Never loaded: what is added to a new object stays history, written by its first flush.
void write_only_slot::bind(instance_state* owner, const relationship_property* prop) {
  owner_ = owner;
  prop_ = prop;
  loaded_ = false;
  auto initial = items_.take();
  for (auto& i : initial) append(i.get());
}

void write_only_slot::set_loaded_states(std::vector<state_ref> loaded) {
  detached_scope scope(owner_, nullptr);
  items_ = std::move(loaded);
  for (auto& a : added_)
    if (!items_.contains(a.get())) items_.push_back(a);
  for (auto& r : removed_) items_.erase(r.get());
}

void write_only_slot::discard(instance_state* s) {
  if (!s) throw ArgumentError("cannot remove a null object from " + (prop_ ? prop_->name() : std::string("a collection")));
  detached_scope scope(owner_, s);
  if (!owner_) {
    items_.erase(s);
    return;
  }
  check_class(*prop_, s);
  state_ref keep(s);
  validate_collection_change(*prop_, owner_, s, true);
  items_.erase(s);
  note_removed(s);
  touch(owner_);
  touch(s);
  if (prop_->reverse) reverse_slot(*prop_, s).unlink_quiet(owner_);
  leave_if_pending_orphan(*prop_, owner_, s);
}

bool write_only_slot::queryable() {
  if (!owner_) return false;
  auto* s = owner_->session;
  if (s && (owner_->status == status::pending || owner_->status == status::persistent)) {
    s->check_active();
    s->autoflush();  // when the session autoflushes
  }
  return s && owner_->has_identity() && owner_->status == status::persistent;
}

}  // namespace retort::orm::detail
