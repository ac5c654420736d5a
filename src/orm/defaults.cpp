// Client-side defaults (default_, onupdate) and the eager_defaults rule for
// server-generated values; called by persistence.cpp at flush. What "unset"
// means for a plain C++ member is decided here (docs/models.md, "Unset").
#include <algorithm>

#include "orm/unit_of_work.hpp"
#include "retort/orm/mapping.hpp"
#include "retort/util/error.hpp"

namespace retort {

std::map<std::string, sql::value> default_context::get_current_parameters() const {
  if (statement_values_) return *statement_values_;
  std::map<std::string, sql::value> out;
  for (const auto& c : mapper_->columns) out.emplace(c.column.name, c.get(object_));
  return out;
}

sql::value default_context::current_parameter(std::string_view column) const {
  if (statement_values_) {
    auto it = statement_values_->find(std::string(column));
    if (it != statement_values_->end()) return it->second;
    throw ArgumentError("default_context: this UPDATE of " + mapper_->class_name + " (table " + mapper_->table.name() +
                        ") does not set column '" + std::string(column) + "'");
  }
  for (const auto& c : mapper_->columns)
    if (c.column.name == column) return c.get(object_);
  throw ArgumentError("default_context: " + mapper_->class_name + " (table " + mapper_->table.name() +
                      ") has no column '" + std::string(column) + "'");
}

}  // namespace retort

namespace retort::orm {

// A C++ member cannot say "never assigned", so the value decides: NULL (an
// empty optional, SQLAlchemy's None, which its INSERT leaves out too) or the
// value a value-initialized object holds (`int n = 0;`, `std::string s;`,
// `date_time t{}`, or the member initializer).
bool is_unset(const column_property& c, const void* object) {
  auto v = c.get(object);
  return v.is_null() || v == c.initial;
}

void apply_insert_defaults(const mapper& m, instance_state* s, emit_log& log) {
  default_context ctx(m, s->object, true);
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    if (!c.insert_default || !is_unset(c, s->object)) continue;
    log.defaulted.push_back({s, i, c.get(s->object)});
    c.insert_default(s->object, ctx);
  }
}

void apply_update_defaults(const mapper& m, instance_state* s, std::vector<std::size_t>& changed, emit_log& log) {
  default_context ctx(m, s->object, false);
  bool added = false;
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    if (!c.update_default || std::binary_search(changed.begin(), changed.end(), i)) continue;
    log.defaulted.push_back({s, i, c.get(s->object)});
    c.update_default(s->object, ctx);
    changed.push_back(i);
    added = true;
  }
  if (added) std::sort(changed.begin(), changed.end());
}

// SQLAlchemy 2.0: "auto" fetches an INSERT's server defaults where the dialect
// has INSERT ... RETURNING and leaves an UPDATE's expired; True fetches both;
// False fetches neither.
bool fetches_server_values(const mapper& m, const sql::dialect& d, bool update) {
  if (!d.supports_returning()) return false;
  switch (m.eager_defaults) {
    case eager_defaults_mode::always:
      return true;
    case eager_defaults_mode::never:
      return false;
    case eager_defaults_mode::auto_:
      return !update;
  }
  return false;
}

}  // namespace retort::orm
