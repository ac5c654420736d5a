// Column deferral on the object side (SQLAlchemy's deferred column loader's
// load on access): a retort::deferred<T> member read while unloaded loads
// itself, and its deferred group with it, by primary key through its owner's
// session. What a query selects is decided in load_plan.cpp (column plans).
#include "orm/session_impl.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/repr.hpp"
#include "retort/util/error.hpp"

namespace retort::orm::detail {

void deferred_base::load() const {
  instance_state* s = owner_;
  if (!s) throw InvalidRequestError("a retort::deferred<T> value that belongs to no object is not loaded");
  const mapper& m = *s->owner_mapper;
  const auto& c = m.columns[column_];
  if (s->expired && s->session) {  // the refresh loads what the mapping loads by default
    ensure_loaded(s);
    if (loaded_) return;
  }
  if (raise_)
    throw InvalidRequestError("'" + m.class_name + "." + c.attribute +
                              "' is not available due to raiseload=True (load it with the query: undefer<&" +
                              m.class_name + "::" + c.attribute + ">())");
  if (!s->session)
    throw DetachedInstanceError("Parent instance " + default_repr(s) +
                                " is not bound to a Session; deferred load operation of attribute '" + c.attribute +
                                "' cannot proceed");
  if (!s->has_identity())
    throw InvalidRequestError("instance " + default_repr(s) + " has no row to load " + m.class_name + "." +
                              c.attribute + " from");
  // An ungrouped column loads alone; a grouped one with the rest of its group not loaded yet.
  std::vector<std::size_t> columns;
  if (c.deferred_group.empty()) {
    columns.push_back(column_);
  } else {
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      const auto& g = m.columns[i];
      if (g.deferred && g.deferred_group == c.deferred_group && !g.deferred(s->object)->is_loaded())
        columns.push_back(i);
    }
  }
  s->session->load_columns(s, columns);
}

void deferred_base::assigned() {
  stored();
  if (owner_) touch(owner_);
}

}  // namespace retort::orm::detail
