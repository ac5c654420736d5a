// Validators (SQLAlchemy's @validates): the typed thunks are made by
// mapper_builder.hpp; here they run, and a refusal becomes a ValidationError
// that names class, attribute and value.
#include "orm/validation.hpp"

#include <algorithm>

#include "orm/unit_of_work.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/instance_state.hpp"
#include "retort/orm/repr.hpp"
#include "retort/orm/validation.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

sql::value run_column(const mapper& m, const column_property& c, const void* object, const sql::value& v) {
  try {
    return c.validator(object, v);
  } catch (const invalid& e) {
    throw ValidationError(m.class_name, c.attribute, v.repr(), e.what());
  }
}

/// `rel`'s validator on `owner` with `item` (joining, or leaving when `removing`).
void run_link(const relationship_property& rel, instance_state* owner, instance_state* item, bool removing) {
  if (!rel.validator || !owner) return;
  if (removing && !rel.validates_removes) return;
  try {
    rel.validator(owner->object, item, removing);
  } catch (const invalid& e) {
    throw ValidationError(rel.parent ? rel.parent->class_name : std::string("?"), rel.attribute,
                          item ? default_repr(item) : std::string("None"), e.what());
  }
}

/// The other side of `rel` on `partner` as `owner` joins (or leaves) it.
void run_reverse(const relationship_property& rel, instance_state* partner, instance_state* owner, bool leaving) {
  const auto* rev = rel.reverse;
  if (!rev || !rev->validator || !partner) return;
  if (rev->kind == slot_kind::collection)
    run_link(*rev, partner, owner, leaving);
  else
    run_link(*rev, partner, leaving ? nullptr : owner, false);
}

}  // namespace

sql::value validate_column(const mapper& m, std::string_view attribute, const void* object, const sql::value& v) {
  const auto* c = m.find_column(attribute);
  if (!c) throw ArgumentError("retort::set: " + m.class_name + "." + std::string(attribute) + " is not a mapped column");
  return c->validator ? run_column(m, *c, object, v) : v;
}

void validate_scalar_change(const relationship_property& rel, instance_state* owner, instance_state* target,
                            instance_state* old) {
  if (target == old) return;
  run_link(rel, owner, target, false);
  run_reverse(rel, target, owner, false);
  run_reverse(rel, old, owner, true);
}

void validate_collection_change(const relationship_property& rel, instance_state* owner, instance_state* item,
                                bool removing) {
  run_link(rel, owner, item, removing);
  run_reverse(rel, item, owner, removing);
}

void validate_row(const mapper& m, instance_state* s, bool insert) {
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    if (!c.validator) continue;
    if (c.deferred && !c.deferred(s->object)->is_loaded()) continue;  // not loaded: not written
    if (insert) {
      // A default fills an unset member: nothing was assigned, so nothing is validated.
      bool generated = m.autoincrement_column() == i;
      if ((c.insert_default || c.column.server_default || generated) && is_unset(c, s->object)) continue;
    } else if (c.same(s->object, s->committed[i])) {
      continue;  // unchanged since it was loaded: an UPDATE does not write it
    }
    auto v = c.get(s->object);
    auto checked = run_column(m, c, s->object, v);
    if (!(checked == v)) c.set(s->object, checked);
  }
}

}  // namespace retort::orm
