// Loader strategies (SQLAlchemy's LoaderStrategy): how a relationship's value
// is loaded. Strategies register by name; relationships look them up by their
// `lazy` option and never name a strategy class. Each has the same duties: set
// up the attribute, change the parent's statement, turn rows into state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retort/orm/fwd.hpp"
#include "retort/sql/statement.hpp"

namespace retort::orm {

class loader_strategy {
 public:
  virtual ~loader_strategy() = default;
  virtual std::string_view name() const = 0;
  /// Set up the attribute: checks the relationship can use this strategy (at configuration).
  virtual void init(const relationship_property& rel) const;
  /// Change the statement that loads parents (eager strategies add joins or columns here).
  virtual void setup_query(const relationship_property& rel, sql::select& parents) const;
  /// Turn rows into state: after parents are loaded, populate their attribute (eager strategies).
  virtual void after_load(session_impl& s, const relationship_property& rel,
                          const std::vector<instance_state*>& parents) const;
  /// Load an unloaded attribute on first access.
  virtual void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const = 0;
};

/// Makes `strategy` available as `retort::lazy{name}`. The strategy must outlive the program.
void register_strategy(const loader_strategy* strategy);

}  // namespace retort::orm
