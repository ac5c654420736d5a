// Loader strategies (SQLAlchemy's LoaderStrategy): how a relationship's value
// is loaded. Strategies register by name; relationships and query options
// look them up by name and never name a strategy class. Each has the same
// duties, called by the query path (src/orm/load_plan.cpp) in this order:
// change the parents' statement, process each row, then populate the parents'
// attribute after the rows (running statements of its own if it needs them);
// and load an attribute still unloaded when it is first touched.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retort/orm/fwd.hpp"

namespace retort::engine {
class row_view;
}

namespace retort::orm {

struct load_node;
class load_context;

class loader_strategy {
 public:
  virtual ~loader_strategy() = default;
  virtual std::string_view name() const = 0;
  /// Whether it loads with the parents (joined, selectin, subquery, immediate):
  /// the target's own eager defaults and a query option's further steps then
  /// apply to what it loads.
  virtual bool eager() const { return false; }
  /// Whether it adds rows per parent to the parents' statement (a joined
  /// collection): a LIMIT / OFFSET must then apply to the parents in a subquery.
  virtual bool multiplies_rows(const relationship_property&) const { return false; }
  /// Checks, at configuration, that the relationship can use this strategy.
  virtual void init(const relationship_property& rel) const;
  /// Changes the statement that loads the parents (joined adds its join and columns).
  virtual void setup_query(load_context& ctx, load_node& node) const;
  /// Called for each row with the row's parent object (joined takes the target from the row).
  virtual void process_row(load_context& ctx, load_node& node, instance_state* parent,
                           const engine::row_view& row) const;
  /// After the rows: populates `parents`' attribute where it is not loaded yet.
  virtual void after_load(load_context& ctx, load_node& node, const std::vector<instance_state*>& parents) const;
  /// Loads an unloaded attribute on first access.
  virtual void load_on_access(session_impl& s, const relationship_property& rel, instance_state& owner) const = 0;
};

/// Makes `strategy` available as `retort::lazy_named(name)`. The strategy must outlive the program.
void register_strategy(const loader_strategy* strategy);

}  // namespace retort::orm
