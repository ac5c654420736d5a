// Dependency processors (SQLAlchemy's dependency.py), one per relationship
// direction: they copy keys into foreign-key columns just before a mapper's
// rows are written. Called only by the unit of work.
#include <algorithm>

#include "orm/unit_of_work.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

void copy_key(const relationship_property& rel, const instance_state* parent, instance_state* child) {
  // one_to_many: parent's local (key) columns -> child's remote (FK) columns.
  const mapper& pm = *parent->owner_mapper;
  const mapper& cm = *child->owner_mapper;
  for (std::size_t i = 0; i < rel.local_columns.size(); ++i)
    cm.columns[rel.remote_columns[i]].set(child->object, pm.columns[rel.local_columns[i]].get(parent->object));
}

void clear_key(const std::vector<std::size_t>& columns, instance_state* s) {
  for (auto i : columns) s->owner_mapper->columns[i].set(s->object, sql::value());
}

bool has_key(const instance_state* s) {
  return s->status != status::pending || !needs_generated_key(*s->owner_mapper, s->object);
}

/// Whether the child now belongs to a parent other than `from` (moved, not orphaned).
bool moved_elsewhere(const relationship_property& rel, instance_state* child, const instance_state* from,
                     const std::vector<instance_state*>& saves) {
  if (rel.reverse && rel.reverse->kind == slot_kind::scalar) {
    auto* slot = static_cast<detail::scalar_slot*>(rel.reverse->slot(child->object));
    return slot->is_loaded() && slot->peek() && slot->peek() != from;
  }
  for (auto* p : saves) {
    if (p == from || p->owner_mapper != rel.parent) continue;
    auto* c = static_cast<detail::collection_slot*>(rel.slot(p->object));
    for (const auto& a : c->added())
      if (a.get() == child) return true;
  }
  return false;
}

}  // namespace

void unit_of_work::sync_one_to_many(const mapper& child_mapper) {
  for (auto* pm : mappers_) {
    for (const auto& rel : pm->relationships) {
      if (rel.dir != direction::one_to_many || rel.target != &child_mapper) continue;
      auto parents = saves_;
      std::erase_if(parents, [&](instance_state* p) { return p->owner_mapper != pm; });
      for (auto* p : parents) {  // removals first: a moved child ends with its new parent
        if (rel.kind != slot_kind::scalar) break;
        auto* sc = static_cast<detail::scalar_slot*>(rel.slot(p->object));
        auto* old = sc->previous();
        if (!sc->changed() || !old || old == sc->peek() || old->marked_deleted || moved_elsewhere(rel, old, p, saves_))
          continue;
        clear_key(rel.remote_columns, old);
        save(old);
      }
      if (rel.kind == slot_kind::collection) {
        for (auto* p : parents) {
          auto* c = static_cast<detail::collection_slot*>(rel.slot(p->object));
          for (const auto& child : c->removed()) {
            if (child->marked_deleted || moved_elsewhere(rel, child.get(), p, saves_)) continue;
            clear_key(rel.remote_columns, child.get());
            save(child.get());
          }
        }
      }
      for (auto* p : parents) {
        std::vector<state_ref> children;
        if (rel.kind == slot_kind::collection) {
          auto* c = static_cast<detail::collection_slot*>(rel.slot(p->object));
          children = p->status == status::pending ? c->peek() : c->added();
        } else if (auto* sc = static_cast<detail::scalar_slot*>(rel.slot(p->object));
                   sc->changed() || p->status == status::pending) {
          if (sc->peek()) children.emplace_back(sc->peek());
        }
        for (auto& child : children) {
          if (child->marked_deleted) continue;
          copy_key(rel, p, child.get());
          save(child.get());
        }
      }
    }
  }
}

void unit_of_work::sync_many_to_one(const mapper& m, const std::vector<instance_state*>& states) {
  for (const auto& rel : m.relationships) {
    if (rel.dir != direction::many_to_one) continue;
    for (auto* s : states) {
      auto* slot = static_cast<detail::scalar_slot*>(rel.slot(s->object));
      if (!slot->is_loaded() || (!slot->changed() && s->status != status::pending)) continue;
      auto* target = slot->peek();
      if (!target) {
        if (slot->changed()) clear_key(rel.local_columns, s);
        continue;
      }
      if (!has_key(target))
        throw InvalidRequestError("flush order: " + m.class_name + "." + rel.attribute + " refers to a pending " +
                                  target->owner_mapper->class_name +
                                  " that has no key yet (self-referential or cyclic rows are not ordered row by row)");
      const mapper& tm = *target->owner_mapper;
      for (std::size_t i = 0; i < rel.local_columns.size(); ++i)
        m.columns[rel.local_columns[i]].set(s->object, tm.columns[rel.remote_columns[i]].get(target->object));
    }
  }
}

}  // namespace retort::orm
