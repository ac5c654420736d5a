// Relationship slots: lazy loading on first access, and the in-memory
// bookkeeping that keeps both sides of a back_populates pair consistent
// before any flush. History (changed / added / removed) feeds the unit of
// work's dependency processors.
#include "retort/orm/relationship.hpp"

#include <algorithm>

#include "orm/session_impl.hpp"
#include "retort/orm/loader_strategy.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

detail::scalar_slot& scalar_of(const relationship_property& rel, instance_state* s) {
  return *static_cast<detail::scalar_slot*>(rel.slot(s->object));
}
detail::collection_slot& collection_of(const relationship_property& rel, instance_state* s) {
  return *static_cast<detail::collection_slot*>(rel.slot(s->object));
}

bool contains(const std::vector<state_ref>& v, instance_state* s) {
  return std::any_of(v.begin(), v.end(), [s](const state_ref& r) { return r.get() == s; });
}
bool erase(std::vector<state_ref>& v, instance_state* s) {
  auto it = std::find_if(v.begin(), v.end(), [s](const state_ref& r) { return r.get() == s; });
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}

bool in_database(const instance_state* s) { return s->status == status::persistent || s->status == status::deleted; }

/// An unloaded attribute of an object with a row (or that had one: detached) must be loaded.
bool loadable(const instance_state* s) { return in_database(s) || s->status == status::detached; }

/// Loads an attribute through its strategy, or explains why it cannot be.
void load(const relationship_property& rel, instance_state* owner) {
  if (!owner->session)
    throw DetachedInstanceError("parent instance of " + rel.parent->class_name + "." + rel.attribute +
                                " is not bound to a session; the lazy load cannot proceed (load it before the "
                                "session closes, or add the object to a session)");
  owner->session->check_active();
  rel.strategy->load_on_access(*owner->session, rel, *owner);
}

/// Save-update cascade: a related object joins its owner's session.
void cascade(const relationship_property& rel, instance_state* owner, instance_state* target) {
  if (!target || !rel.cascade_save_update || !owner->session) return;
  if (owner->status != status::pending && owner->status != status::persistent) return;
  if (target->session != owner->session) owner->session->add(target);
}

/// The many-to-one target currently in memory, without SQL: the loaded value,
/// or the identity-map object the foreign key points at.
instance_state* current_target(const relationship_property& rel, instance_state* owner) {
  auto& slot = scalar_of(rel, owner);
  if (slot.is_loaded() || !in_database(owner) || !owner->session) return slot.peek();
  if (rel.dir != direction::many_to_one) return nullptr;
  auto key = read(*rel.parent, owner->object, rel.local_columns);
  return owner->session->lookup(*rel.target, key);
}

}  // namespace

void bind_slots(instance_state* s) {
  const mapper& m = *s->owner_mapper;
  for (const auto& rel : m.relationships) {
    auto* slot = rel.slot(s->object);
    if (rel.kind == slot_kind::scalar)
      static_cast<detail::scalar_slot*>(slot)->bind(s, &rel);
    else
      static_cast<detail::collection_slot*>(slot)->bind(s, &rel);
  }
}

}  // namespace retort::orm

namespace retort::orm::detail {

// ---- scalar_slot ----

void scalar_slot::bind(instance_state* owner, const relationship_property* prop) {
  owner_ = owner;
  prop_ = prop;
  loaded_ = true;  // a new object has nothing in the database to load
  if (auto initial = std::exchange(target_, state_ref()); initial) assign(initial.get());
}

instance_state* scalar_slot::resolve() {
  if (!loaded_ && owner_ && loadable(owner_)) load(*prop_, owner_);
  return target_.get();
}

void scalar_slot::assign(instance_state* target) {
  if (!owner_) {
    target_ = state_ref(target);
    return;
  }
  if (target && target->owner_mapper != prop_->target)
    throw ArgumentError(prop_->parent->class_name + "." + prop_->attribute + " takes a " + prop_->target->class_name +
                        ", not a " + target->owner_mapper->class_name);
  // A scalar one-to-many (one-to-one from the key's far side) must know what it
  // replaces, to unlink it: load it first, as SQLAlchemy's active history does.
  if (!loaded_ && prop_->dir == direction::one_to_many && loadable(owner_)) resolve();
  instance_state* old = current_target(*prop_, owner_);
  state_ref keep(old);  // old may lose its last reference below
  if (!changed_ && old != target) previous_ = state_ref(old);
  target_ = state_ref(target);
  loaded_ = true;
  changed_ = changed_ || old != target;
  touch(owner_);
  if (const auto* rev = prop_->reverse; rev && old != target) {
    if (old) {
      if (rev->kind == slot_kind::collection)
        collection_of(*rev, old).remove_quiet(owner_);
      else
        scalar_of(*rev, old).set_quiet(nullptr);
    }
    if (target) {
      if (rev->kind == slot_kind::collection) {
        collection_of(*rev, target).append_quiet(owner_);
      } else {
        auto& other = scalar_of(*rev, target);
        if (auto* prev = other.peek(); prev && prev != owner_) scalar_of(*prop_, prev).set_quiet(nullptr);
        other.set_quiet(owner_);
      }
    }
  }
  cascade(*prop_, owner_, target);
}

void scalar_slot::set_loaded(instance_state* target) {
  target_ = state_ref(target);
  loaded_ = true;
}

void scalar_slot::set_quiet(instance_state* target) {
  if (!loaded_ && target == nullptr && !owner_) return;
  if (target_.get() != target || !loaded_) changed_ = true;
  target_ = state_ref(target);
  loaded_ = true;
  if (owner_) touch(owner_);
}

void scalar_slot::unload() {
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
  auto initial = std::exchange(items_, {});
  for (auto& i : initial) append(i.get());
}

const std::vector<state_ref>& collection_slot::items() {
  if (!loaded_ && owner_ && loadable(owner_)) load(*prop_, owner_);
  return items_;
}

void collection_slot::append(instance_state* s) {
  if (!s) throw ArgumentError("cannot append a null object to a collection");
  if (!owner_) {
    if (!contains(items_, s)) items_.emplace_back(s);
    return;
  }
  if (s->owner_mapper != prop_->target)
    throw ArgumentError(prop_->parent->class_name + "." + prop_->attribute + " holds " + prop_->target->class_name +
                        " objects, not " + s->owner_mapper->class_name);
  if (loaded_ && contains(items_, s)) return;
  if (loaded_) items_.emplace_back(s);
  if (!erase(removed_, s)) added_.emplace_back(s);
  touch(owner_);
  touch(s);
  if (const auto* rev = prop_->reverse; rev && rev->kind == slot_kind::scalar) {
    instance_state* old = current_target(*rev, s);
    if (old && old != owner_) collection_of(*prop_, old).remove_quiet(s);
    scalar_of(*rev, s).set_quiet(owner_);
  }
  cascade(*prop_, owner_, s);
}

void collection_slot::remove(instance_state* s) {
  if (!owner_) {
    erase(items_, s);
    return;
  }
  items();  // removal needs the loaded collection to know membership
  state_ref keep(s);
  if (!erase(items_, s))
    throw InvalidRequestError("object is not in " + prop_->parent->class_name + "." + prop_->attribute);
  if (!erase(added_, s)) removed_.emplace_back(s);
  touch(owner_);
  touch(s);
  if (const auto* rev = prop_->reverse; rev && rev->kind == slot_kind::scalar) {
    auto& back = scalar_of(*rev, s);
    if (current_target(*rev, s) == owner_) back.set_quiet(nullptr);
  }
}

void collection_slot::clear() {
  auto copy = items();
  for (auto& s : copy) remove(s.get());
}

void collection_slot::set_loaded(std::vector<state_ref> loaded) {
  items_ = std::move(loaded);
  loaded_ = true;
  // Changes made while unloaded (and not yet flushed) win over what the database said.
  for (auto& a : added_)
    if (!contains(items_, a.get())) items_.push_back(a);
  for (auto& r : removed_) erase(items_, r.get());
}

void collection_slot::append_quiet(instance_state* s) {
  if (loaded_ && !contains(items_, s)) items_.emplace_back(s);
}

void collection_slot::remove_quiet(instance_state* s) {
  if (loaded_) erase(items_, s);
}

void collection_slot::unload() {
  items_.clear();
  added_.clear();
  removed_.clear();
  loaded_ = false;
}

}  // namespace retort::orm::detail
