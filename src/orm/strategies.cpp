// The loader strategy registry and the lazy ("select") loader: on first
// access, a many-to-one looks in the identity map and only then SELECTs by
// primary key; a one-to-many SELECTs the children by foreign key.
#include "orm/strategies.hpp"

#include <map>
#include <mutex>

#include "orm/session_impl.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

void loader_strategy::init(const relationship_property&) const {}
void loader_strategy::setup_query(const relationship_property&, sql::select&) const {}
void loader_strategy::after_load(session_impl&, const relationship_property&,
                                 const std::vector<instance_state*>&) const {}

namespace {

/// lazy="select".
class lazy_loader final : public loader_strategy {
 public:
  std::string_view name() const override { return "select"; }

  void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const override {
    rel.slot(owner.object)->set_loaded_states(load(s, rel, owner));
  }

 private:
  static std::vector<state_ref> load(session_impl& s, const relationship_property& rel, instance_state& owner) {
    if (owner.status == status::pending) return {};
    auto key = rel.join.lazy_params(*rel.parent, owner.object);
    for (const auto& v : key)
      if (v.is_null()) return {};
    // A foreign key naming the target's primary key: the identity map answers without SQL.
    if (rel.join.parent_holds_key() && rel.join.remote_columns == rel.target->primary_key && rel.join.extra.empty()) {
      std::vector<state_ref> out;
      if (auto* t = s.get(*rel.target, key)) out.emplace_back(t);
      return out;
    }
    s.autoflush();
    return s.load_related(rel, key);
  }
};

struct strategy_table {
  std::mutex mutex;
  std::map<std::string, const loader_strategy*, std::less<>> by_name;
  strategy_table() {
    static const lazy_loader lazy;
    by_name["select"] = &lazy;
  }
};

strategy_table& strategies() {
  static strategy_table t;
  return t;
}

}  // namespace

void register_strategy(const loader_strategy* strategy) {
  auto& t = strategies();
  std::lock_guard lock(t.mutex);
  t.by_name[std::string(strategy->name())] = strategy;
}

const loader_strategy& strategy_for(const std::string& name, const mapper& m, const std::string& attribute) {
  auto& t = strategies();
  std::lock_guard lock(t.mutex);
  auto it = t.by_name.find(name);
  if (it == t.by_name.end()) {
    std::string known;
    for (const auto& [k, _] : t.by_name) known += (known.empty() ? "" : ", ") + k;
    throw ConfigurationError(m.class_name + "." + attribute + ": unknown loader strategy lazy{\"" + name +
                             "\"}; use one of: " + known);
  }
  return *it->second;
}

}  // namespace retort::orm
