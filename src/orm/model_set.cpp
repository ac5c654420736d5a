// Model sets: the classes a user names for one database, checked to be
// closed under their references, and their tables as one metadata. Used by
// retort::database's create_all / drop_all.
#include "retort/orm/model_set.hpp"

#include <algorithm>
#include <mutex>
#include <optional>

#include "retort/util/error.hpp"

namespace retort::orm {

struct model_set::state {
  std::vector<mapper_builder> builders;
  std::mutex mutex;
  std::vector<const mapper*> mappers;  ///< configured, parallel to builders once built
  std::optional<sql::metadata> metadata;
};

namespace {

[[noreturn]] void outside(const mapper& m, const std::string& attribute, const std::string& what, const mapper& t) {
  throw ConfigurationError("model set: " + m.class_name + "." + attribute + " " + what + " " + t.class_name +
                           ", which is not in the set; add " + t.class_name + " to retort::models<...>()");
}

/// Every class a member of the set refers to is in the set: its tables would
/// be missing from create_all, and its rows out of reach of the database.
void check_closed(const std::vector<const mapper*>& set) {
  auto in = [&](const mapper* t) { return std::find(set.begin(), set.end(), t) != set.end(); };
  for (const auto* m : set) {
    for (const auto& c : m->columns)
      if (c.foreign_key && !in(c.foreign_key->target()))
        outside(*m, c.attribute, "references", *c.foreign_key->target());
    for (const auto& r : m->relationships)
      if (!in(r.target)) outside(*m, r.attribute, "relates to", *r.target);
  }
}

/// The tables a class brings to its set: its own, and the tables its
/// relationships use: the association (secondary) tables of its many-to-many
/// relationships, which the registry holds without a class.
std::vector<const sql::table*> tables_used_by(const mapper& m) {
  std::vector<const sql::table*> out{&m.table};
  for (const auto& r : m.relationships)
    if (r.join.secondary) out.push_back(r.join.secondary);
  return out;
}

}  // namespace

model_set model_set::of(std::vector<mapper_builder> builders) {
  auto s = std::make_shared<state>();
  for (auto b : builders)
    if (std::find(s->builders.begin(), s->builders.end(), b) == s->builders.end()) s->builders.push_back(b);
  return model_set(std::move(s));
}

std::vector<const mapper*> model_set::mappers() const {
  std::lock_guard lock(state_->mutex);
  if (state_->mappers.empty()) {
    std::vector<const mapper*> out;
    for (auto b : state_->builders) out.push_back(&registry::instance().get(b));
    check_closed(out);
    state_->mappers = std::move(out);
  }
  return state_->mappers;
}

const sql::metadata& model_set::metadata() const {
  auto ms = mappers();
  std::lock_guard lock(state_->mutex);
  if (!state_->metadata) {
    sql::metadata md;
    for (const auto* m : ms)
      for (const auto* t : tables_used_by(*m))
        if (!md.find(t->name())) md.add(*t);
    state_->metadata = std::move(md);
  }
  return *state_->metadata;
}

bool model_set::contains(const mapper& m) const {
  auto ms = mappers();
  return std::find(ms.begin(), ms.end(), &m) != ms.end();
}

std::size_t model_set::size() const { return state_->builders.size(); }

}  // namespace retort::orm
