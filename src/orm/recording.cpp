// The session's query record and the N+1 warning. The connection appends the
// records (engine/query_record.hpp); the lazy-load site in attributes.cpp
// reports each lazy load that ran SQL here, and one relationship loaded for
// more distinct parents than the threshold is reported once per session.
#include <string>

#include "orm/session_impl.hpp"
#include "retort/engine/log.hpp"
#include "retort/orm/relationship.hpp"

namespace retort::orm {

namespace {

n_plus_one_report make_report(const relationship_property& rel, std::size_t parents, std::size_t threshold) {
  n_plus_one_report r;
  r.parent_class = rel.parent->class_name;
  r.attribute = rel.attribute;
  r.relationship = r.parent_class + "." + r.attribute;
  r.parents = parents;
  r.threshold = threshold;
  const std::string member = "&" + r.parent_class + "::" + r.attribute;
  r.message = "N+1 queries: " + r.relationship + " was lazy-loaded with one SELECT per object for " +
              std::to_string(parents) + " " + r.parent_class + " objects in this session (more than " +
              std::to_string(threshold) + "); load it with the query that loads them: options(selectinload<" +
              member + ">()) or options(joinedload<" + member + ">()), or give the relationship such a default";
  return r;
}

}  // namespace

void session_impl::note_lazy_load(const relationship_property& rel, const instance_state* owner) {
  const auto threshold = options_.n_plus_one_threshold;
  if (threshold == 0 || warned_.count(&rel)) return;
  auto& parents = lazy_parents_[&rel];
  parents.insert(owner);
  if (parents.size() <= threshold) return;
  warned_.insert(&rel);
  auto report = make_report(rel, parents.size(), threshold);
  if (options_.on_n_plus_one) return options_.on_n_plus_one(report);
  const auto& sink = engine_.sink();
  if (sink->enabled(logging::level::warning)) sink->write(logging::level::warning, report.message);
}

}  // namespace retort::orm

namespace retort {

std::vector<engine::query_record> session::recorded_queries() const { return live().records(); }
void session::clear_recorded_queries() { live().clear_records(); }

}  // namespace retort
