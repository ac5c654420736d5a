// Dependency processors (SQLAlchemy's dependency.py): one class per direction,
// each ordering and writing its relationship at flush. Called only by the unit
// of work (unit_of_work.cpp); see dependency.hpp for the duties.
#include "orm/dependency.hpp"

#include <algorithm>

#include "orm/unit_of_work.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/sql/schema.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

detail::slot& slot_of(const relationship_property& rel, const instance_state* s) { return *rel.slot(s->object); }

detail::scalar_slot& scalar_of(const relationship_property& rel, const instance_state* s) {
  return static_cast<detail::scalar_slot&>(slot_of(rel, s));
}
detail::collection_slot& collection_of(const relationship_property& rel, const instance_state* s) {
  return static_cast<detail::collection_slot&>(slot_of(rel, s));
}

bool gone(const unit_of_work& uow, const instance_state* s) { return s->marked_deleted || uow.is_deleted(s); }

/// The states the relationship holds now, loading it first unless `passive`
/// (passive: an unloaded relationship gives nothing).
std::vector<state_ref> current(const relationship_property& rel, instance_state* parent, bool passive) {
  auto& slot = slot_of(rel, parent);
  std::vector<state_ref> out;
  if (passive && !slot.is_loaded()) return out;
  if (rel.kind == slot_kind::collection) return collection_of(rel, parent).items();
  if (auto* t = scalar_of(rel, parent).resolve()) out.emplace_back(t);
  return out;
}

/// What changed since the last flush: the states added (all current ones for a
/// pending parent's loaded collection; a write-only one has only its history)
/// and the ones removed.
void history(const relationship_property& rel, instance_state* parent, std::vector<instance_state*>& added,
             std::vector<instance_state*>& removed) {
  if (rel.kind == slot_kind::collection) {
    auto& c = collection_of(rel, parent);
    for (const auto& s : parent->status == status::pending && c.is_loaded() ? c.peek() : c.added())
      added.push_back(s.get());
    for (const auto& s : c.removed()) removed.push_back(s.get());
    return;
  }
  auto& sc = scalar_of(rel, parent);
  if (!sc.is_loaded() || (!sc.changed() && parent->status != status::pending)) return;
  if (sc.peek()) added.push_back(sc.peek());
  if (sc.changed() && sc.previous() && sc.previous() != sc.peek()) removed.push_back(sc.previous());
}

class one_to_many_dependency final : public dependency_processor {
 public:
  using dependency_processor::dependency_processor;
  process_stage stage() const noexcept override { return prop_.post_update ? process_stage::after : process_stage::sync; }
  const mapper* key_source() const noexcept override { return prop_.post_update ? nullptr : prop_.parent; }
  const mapper* key_holder() const noexcept override { return prop_.post_update ? nullptr : prop_.target; }

  void presort_saves(unit_of_work& uow, instance_state* parent) const override {
    std::vector<instance_state*> added, removed;
    history(prop_, parent, added, removed);
    for (auto* child : removed) {  // an orphan, unless it moved to another parent
      if (gone(uow, child) || moved_elsewhere(uow, child, parent)) continue;
      if (prop_.cascade.delete_orphan && child->status == status::persistent) {
        uow.register_delete(child);
      } else if (child->status == status::persistent || child->status == status::pending) {
        prop_.join.clear(*child);
        uow.register_save(child);
      }
    }
    for (auto* child : added)
      if (!gone(uow, child)) uow.register_save(child);
  }

  void presort_deletes(unit_of_work& uow, instance_state* parent) const override {
    for (auto& child : current(prop_, parent, prop_.passive_deletes)) {
      if (gone(uow, child.get())) continue;
      if (prop_.cascade.delete_) {
        uow.register_delete(child.get());
      } else {  // SQLAlchemy's default: the children stay, their foreign key set to NULL
        prop_.join.clear(*child.get());
        uow.register_save(child.get());
      }
    }
  }

  void row_edges(unit_of_work& uow, instance_state* parent, bool deleting,
                 util::function_ref<void(instance_state*, instance_state*)> add) const override {
    if (prop_.post_update) return;
    slot_of(prop_, parent).for_each_target(
        [&](instance_state* child) {
          if (deleting ? uow.is_deleted(child) : uow.is_saved(child)) deleting ? add(child, parent) : add(parent, child);
        },
        false);
  }

  void process_saves(unit_of_work& uow, const std::vector<instance_state*>& parents) const override {
    std::vector<instance_state*> updated;
    for (auto* parent : parents) {
      if (!has_key(parent)) continue;
      std::vector<instance_state*> added, removed;
      history(prop_, parent, added, removed);
      for (auto* child : added) {
        if (gone(uow, child)) continue;
        if (prop_.post_update) {
          if (!prop_.join.links(*parent, *child)) updated.push_back(child);
        } else if (!uow.due(child)) {
          continue;
        }
        prop_.join.sync(*parent, *child);
      }
    }
    if (!updated.empty()) emit_column_updates(uow.connection(), *prop_.target, prop_.join.remote_columns, updated);
  }

  void process_deletes(unit_of_work&, const std::vector<instance_state*>&) const override {}

 private:
  /// Whether the child now belongs to another parent (moved, not orphaned).
  bool moved_elsewhere(const unit_of_work& uow, instance_state* child, const instance_state* from) const {
    if (const auto* rev = prop_.reverse; rev && rev->kind == slot_kind::scalar) {
      auto& back = scalar_of(*rev, child);
      return back.is_loaded() && back.peek() && back.peek() != from;
    }
    for (auto* p : uow.saves_of(*prop_.parent)) {
      if (p == from) continue;
      std::vector<instance_state*> added, removed;
      history(prop_, p, added, removed);
      if (std::find(added.begin(), added.end(), child) != added.end()) return true;
    }
    return false;
  }
};

class many_to_one_dependency final : public dependency_processor {
 public:
  using dependency_processor::dependency_processor;
  process_stage stage() const noexcept override { return prop_.post_update ? process_stage::after : process_stage::sync; }
  const mapper* key_source() const noexcept override { return prop_.post_update ? nullptr : prop_.target; }
  const mapper* key_holder() const noexcept override { return prop_.post_update ? nullptr : prop_.parent; }

  void presort_saves(unit_of_work& uow, instance_state* child) const override {
    if (!prop_.cascade.delete_orphan) return;
    auto& sc = scalar_of(prop_, child);
    if (sc.changed() && sc.previous() && sc.previous() != sc.peek() && sc.previous()->status == status::persistent &&
        !gone(uow, sc.previous()))
      uow.register_delete(sc.previous());
  }

  void presort_deletes(unit_of_work& uow, instance_state* child) const override {
    if (!prop_.cascade.delete_) return;
    for (auto& t : current(prop_, child, prop_.passive_deletes))
      if (t->status == status::persistent && !gone(uow, t.get())) uow.register_delete(t.get());
  }

  void row_edges(unit_of_work& uow, instance_state* child, bool deleting,
                 util::function_ref<void(instance_state*, instance_state*)> add) const override {
    if (prop_.post_update) return;
    auto* target = target_of(uow, child);
    if (!target || target == child) return;
    if (deleting ? uow.is_deleted(target) : uow.is_saved(target)) deleting ? add(child, target) : add(target, child);
  }

  void process_saves(unit_of_work& uow, const std::vector<instance_state*>& children) const override {
    std::vector<instance_state*> updated;
    for (auto* child : children) {
      if (!prop_.post_update && !uow.due(child)) continue;
      auto& sc = scalar_of(prop_, child);
      if (!sc.is_loaded() || (!sc.changed() && child->status != status::pending)) continue;
      auto* target = sc.peek();
      if (!target) {
        if (!sc.changed()) continue;
        prop_.join.clear(*child);
      } else {
        if (!has_key(target))
          throw InvalidRequestError("flush order: " + prop_.name() + " refers to a pending " +
                                    target->owner_mapper->class_name + " that has no key yet");
        if (prop_.post_update && prop_.join.links(*target, *child) && child->status != status::pending) continue;
        prop_.join.sync(*target, *child);
      }
      if (prop_.post_update) updated.push_back(child);
    }
    if (!updated.empty()) emit_column_updates(uow.connection(), *prop_.parent, prop_.join.local_columns, updated);
  }

  void process_deletes(unit_of_work& uow, const std::vector<instance_state*>& children) const override {
    if (!prop_.post_update) return;
    // The row about to go may be referred to by a row deleted later: NULL its key first.
    std::vector<instance_state*> updated;
    for (auto* child : children) {
      auto* target = target_of(uow, child);
      if (!target || !uow.is_deleted(target)) continue;
      prop_.join.clear(*child);
      updated.push_back(child);
    }
    if (!updated.empty()) emit_column_updates(uow.connection(), *prop_.parent, prop_.join.local_columns, updated);
  }

 private:
  /// The target in memory (loaded, or the identity-map object the key names), without SQL.
  instance_state* target_of(unit_of_work& uow, instance_state* child) const {
    auto& sc = scalar_of(prop_, child);
    if (sc.is_loaded()) return sc.peek();
    auto key = read(*prop_.parent, child->object, prop_.join.local_columns);
    for (const auto& v : key)
      if (v.is_null()) return nullptr;
    if (prop_.join.remote_columns != prop_.target->primary_key) return nullptr;
    return uow.session().lookup(*prop_.target, key);
  }
};

class many_to_many_dependency final : public dependency_processor {
 public:
  using dependency_processor::dependency_processor;
  process_stage stage() const noexcept override { return process_stage::after; }
  const mapper* key_source() const noexcept override { return nullptr; }
  const mapper* key_holder() const noexcept override { return nullptr; }

  // delete-orphan (with single_parent): a target removed from its only parent's collection is deleted.
  void presort_saves(unit_of_work& uow, instance_state* parent) const override {
    if (!prop_.cascade.delete_orphan) return;
    std::vector<instance_state*> added, removed;
    history(prop_, parent, added, removed);
    for (auto* t : removed) {
      if (t->status != status::persistent || gone(uow, t)) continue;
      bool other_parent = false;  // moved to another parent: not an orphan
      if (prop_.reverse)
        prop_.reverse->slot(t->object)->for_each_target([&](instance_state*) { other_parent = true; }, false);
      if (!other_parent) uow.register_delete(t);
    }
  }
  void presort_deletes(unit_of_work&, instance_state* parent) const override {
    current(prop_, parent, prop_.passive_deletes);  // the link rows to delete are the loaded collection's
  }
  void row_edges(unit_of_work&, instance_state*, bool, util::function_ref<void(instance_state*, instance_state*)>) const override {}

  void process_saves(unit_of_work& uow, const std::vector<instance_state*>& parents) const override {
    std::vector<std::vector<sql::value>> inserts, deletes;
    for (auto* parent : parents) {
      std::vector<instance_state*> added, removed;
      history(prop_, parent, added, removed);
      for (auto* t : removed)
        if (first_time(uow, parent, t) && t->status != status::pending) deletes.push_back(prop_.join.secondary_row(*parent, *t));
      for (auto* t : added)
        if (!gone(uow, t) && first_time(uow, parent, t)) inserts.push_back(prop_.join.secondary_row(*parent, *t));
    }
    write(uow, deletes, inserts);
  }

  void process_deletes(unit_of_work& uow, const std::vector<instance_state*>& parents) const override {
    std::vector<std::vector<sql::value>> deletes;
    for (auto* parent : parents) {
      auto& c = collection_of(prop_, parent);
      std::vector<instance_state*> linked;
      for (const auto& t : c.peek()) linked.push_back(t.get());
      for (const auto& t : c.removed()) linked.push_back(t.get());
      for (const auto& t : c.added()) std::erase(linked, t.get());  // never written
      for (auto* t : linked)
        if (t->status != status::pending && first_time(uow, parent, t))
          deletes.push_back(prop_.join.secondary_row(*parent, *t));
    }
    write(uow, deletes, {});
  }

 private:
  /// Both sides of a pair see each link in their history: the first to process it writes it.
  bool first_time(unit_of_work& uow, instance_state* parent, instance_state* target) const {
    const auto* owner = prop_.reverse && prop_.reverse < &prop_ ? prop_.reverse : &prop_;
    bool mine = owner == &prop_;
    return uow.first_link(owner, mine ? parent : target, mine ? target : parent);
  }
  void write(unit_of_work& uow, const std::vector<std::vector<sql::value>>& deletes,
             const std::vector<std::vector<sql::value>>& inserts) const {
    std::vector<std::string> columns = prop_.join.secondary_local;
    columns.insert(columns.end(), prop_.join.secondary_remote.begin(), prop_.join.secondary_remote.end());
    if (!deletes.empty()) emit_secondary_deletes(uow.connection(), *prop_.join.secondary, columns, deletes);
    if (!inserts.empty()) emit_secondary_inserts(uow.connection(), *prop_.join.secondary, columns, inserts);
  }
};

}  // namespace

std::shared_ptr<const dependency_processor> make_dependency_processor(const relationship_property& p) {
  switch (p.join.dir) {
    case direction::one_to_many: return std::make_shared<one_to_many_dependency>(p);
    case direction::many_to_one: return std::make_shared<many_to_one_dependency>(p);
    case direction::many_to_many: return std::make_shared<many_to_many_dependency>(p);
  }
  return nullptr;
}

}  // namespace retort::orm
