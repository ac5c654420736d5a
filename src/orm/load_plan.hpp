// Private: the query path's loading machinery (SQLAlchemy's ORM compile state,
// QueryContext and loading.instances). A query becomes `query_parts` (the
// entity's statement as data) and a tree of `load_node`s (one per relationship
// to load on each path, with its strategy, from the query's options and the
// relationships' defaults). run_load lets each node's strategy change the
// statement, runs it, passes every row to the strategies, and lets them
// populate the parents after the rows; eager strategies that run statements of
// their own (selectin, subquery, immediate) call run_load again for their
// targets with the node's children.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "retort/engine/connection.hpp"
#include "retort/orm/instance_state.hpp"
#include "retort/orm/load_options.hpp"
#include "retort/orm/loader_strategy.hpp"
#include "retort/orm/mapper.hpp"
#include "retort/sql/statement.hpp"

namespace retort::orm {

/// A statement that loads one entity, as data the strategies can change.
struct query_parts {
  std::vector<sql::expression> lead;  ///< columns before the entity's (a key the results are grouped by)
  std::string entity;                 ///< what the entity's columns are qualified with: its table or an alias
  /// `entity` names a derived table (a wrapped statement) whose columns are the
  /// entity's, computed properties included under their labels.
  bool entity_derived = false;
  std::vector<sql::from_item> froms;
  std::vector<sql::join> joins;
  std::vector<sql::expr<bool>> where;
  std::vector<sql::expression> order;
  std::vector<sql::expression> group;
  std::vector<sql::expr<bool>> having;
  std::optional<std::int64_t> limit, offset;
  bool distinct = false;
  bool unique = false;  ///< rows may repeat an entity (explicit joins, UNION ALL): return each object once
  /// Which of the entity's columns it selects (a query's column options); null: the mapper's plan.
  std::shared_ptr<const column_plan> columns;
};

/// One relationship to load on one path of a query.
struct load_node {
  const relationship_property* rel = nullptr;
  const loader_strategy* strategy = nullptr;
  bool innerjoin = false;
  bool from_option = false;  ///< named by a query option: also governs access on the objects this load creates
  std::string from;  ///< contains_eager: the name of the query's join to the target (empty: its table)
  std::size_t keys_per_statement = 500;  ///< selectin: parent keys per IN (SQLAlchemy's chunk)
  std::vector<load_node> children;  ///< for the target's relationships (eager strategies)
  /// Which of the target's columns its loads select (column options on this path); null: its mapper's plan.
  std::shared_ptr<const column_plan> columns;

  // Filled while a statement runs.
  std::string parent_entity;  ///< the name the parent's columns have in the statement
  std::string alias;          ///< joined: the target's alias
  std::size_t offset = 0;     ///< joined: where the target's columns start in a row
  bool outer = false;         ///< joined: under a LEFT OUTER JOIN (an inner join below it stays outer)
  struct entry {
    instance_state* parent;
    std::vector<state_ref> targets;
    std::unordered_set<instance_state*> seen;
  };
  std::vector<entry> entries;  ///< joined: each parent met in the rows, with its targets
  std::unordered_map<instance_state*, std::size_t> index;
};

/// The state of one run_load: the statement being built and what the rows made.
class load_context {
 public:
  load_context(session_impl& s, bool populate_existing) : session(s), populate_existing(populate_existing) {}

  session_impl& session;
  bool populate_existing;
  query_parts parts;                       ///< the statement (after setup: as it runs)
  std::vector<sql::expression> columns;    ///< lead, entity, then what setup_query adds
  std::unordered_set<instance_state*> fresh;  ///< objects this run created (kept only when track_fresh)
  bool track_fresh = false;  ///< some loader came from a query option (it applies to the objects created)
  std::size_t base_joins = 0;  ///< parts.joins before the strategies added theirs
  /// The rows are this run's own and each entity's cells are read once: an
  /// object made from a row takes its snapshot's values out of the row's cells
  /// instead of copying them (run_load and stream_load set it).
  bool consume_cells = false;

  /// "post_1", "post_2", ...: a fresh alias for a table in this statement.
  std::string alias_for(const std::string& table);
  /// The object for the entity of `m` whose columns (as `plan` selects them;
  /// null: the mapper's plan) start at `offset`; null when its key is NULL.
  instance_state* entity_at(const mapper& m, const engine::row_view& row, std::size_t offset,
                            const column_plan* plan = nullptr);
  /// Whether a strategy should populate `s`'s attribute of `rel` (not loaded yet, or populate_existing).
  /// (populate_existing unloaded the relationships of the objects already there: they want it too.)
  bool wants(const relationship_property& rel, instance_state* s) const;

 private:
  std::map<std::string, int> aliases_;
};

/// The loaders for `m`'s relationships below `path` (the relationships walked
/// from the queried class): a query option naming the relationship at this
/// path wins, then a wildcard option, then the relationship's own strategy —
/// an eager default is not followed into a class already on the path (it
/// would recurse), which keeps the lazy load there, as SQLAlchemy does without
/// join_depth.
std::vector<load_node> plan_loaders(const mapper& m, const std::vector<load_option>& options,
                                    std::vector<const relationship_property*>& path, const mapper& root);

/// Whether some loader of `nodes` (or below them) repeats the parents' rows (a joined collection).
bool multiplies(const std::vector<load_node>& nodes);
/// The column plan of `m` at `path` from the query's column options (defer,
/// undefer, load_only, undefer_group on exactly that path), or null when none applies.
std::shared_ptr<const column_plan> plan_columns(const mapper& m, const std::vector<load_option>& options,
                                                const std::vector<const relationship_property*>& path);

/// Raises ArgumentError for a column option whose path goes through a
/// relationship that `nodes` (the plan of the query of `m`) does not load
/// with the query: a lazy load on access does not take query options' column plans.
void check_column_options(const mapper& m, const std::vector<load_option>& options,
                          const std::vector<load_node>& nodes);

/// Whether `m` has a relationship loaded eagerly by default (so loads of `m` need the query path).
bool has_eager_defaults(const mapper& m);

struct load_result {
  std::vector<state_ref> entities;  ///< one per distinct object, in order of first appearance
  /// With `keep_lead`: per row, the lead columns' values and the row's object.
  std::vector<std::pair<std::vector<sql::value>, instance_state*>> led;
};

/// SELECT `columns` with every clause of `p` (no loaders).
sql::select select_of(std::vector<sql::expression> columns, const query_parts& p);

/// The statement `parts` and `nodes` make (nothing runs): what query<T>::statement() shows.
sql::select build_statement(session_impl& s, const mapper& m, query_parts parts, std::vector<load_node>& nodes);

/// Runs the statement for `m` with the loaders of `nodes`.
load_result run_load(session_impl& s, const mapper& m, query_parts parts, std::vector<load_node> nodes,
                     bool populate_existing, bool keep_lead = false);

/// A load read in batches (yield_per): the statement runs as a cursor, and
/// each next() loads at most `batch` rows, runs the loaders' own statements
/// (selectin) for them, and lets the session free the objects of the batch
/// before that no one holds any more. Joined and subquery eager loading of
/// collections are refused, as SQLAlchemy refuses them.
class stream_load {
 public:
  stream_load(session_impl& s, const mapper& m, query_parts parts, std::vector<load_node> nodes,
              bool populate_existing, std::size_t batch);
  /// The next batch's objects; empty once the rows are all read.
  std::vector<state_ref> next();

 private:
  session_impl& session_;
  const mapper& m_;
  std::vector<load_node> nodes_;
  load_context ctx_;
  std::optional<engine::cursor> cursor_;
  std::size_t batch_;
  std::vector<state_ref> previous_;  ///< the last batch, released at the next
  std::weak_ptr<void> session_alive_;
};

/// Loads `rel` of one object now, with `children` for what it loads (the lazy
/// load: its SELECT, compiled once per session when nothing below it is eager).
std::vector<state_ref> load_relationship(session_impl& s, const relationship_property& rel, instance_state& owner,
                                         std::vector<load_node> children,
                                         std::shared_ptr<const column_plan> columns = nullptr);

/// The WHERE terms selecting the targets of `rel` for a parent whose
/// `local_columns` are `key` (the lazy load's and with_parent's criteria; a
/// many-to-many's name the secondary table, which the FROM must list).
void parent_criteria(const relationship_property& rel, const std::vector<sql::value>& key,
                     std::vector<sql::expr<bool>>& where);

/// Parts selecting `m`'s columns from its table.
query_parts entity_parts(const mapper& m);

struct relationship_path;
/// The relationship a query names; ArgumentError when the parent has none by that name.
const relationship_property& relationship_of(const relationship_path& r);

/// `n` with the columns qualified by `from` qualified by `to` instead (a
/// statement wrapped in a subquery is ordered by the subquery's columns).
sql::node_ptr rebase_columns(const sql::node_ptr& n, const std::string& from, const std::string& to);

/// `qualifier.name`.
sql::expression column_of(const std::string& qualifier, const std::string& name);
/// `m`'s columns that `plan` selects (null: the mapper's plan) qualified by `qualifier`, appended to `out`,
/// then its computed properties (`derived`: read by label from the derived table `qualifier`).
void add_entity_columns(std::vector<sql::expression>& out, const mapper& m, const std::string& qualifier,
                        const column_plan* plan = nullptr, bool derived = false);
/// A collection's ORDER BY (`order_by`: target column indexes, -(i+1) descending;
/// empty: the target's key) on the target `t` named `qualifier`.
void collection_order(const mapper& t, const std::vector<std::int64_t>& order_by, const std::string& qualifier,
                      std::vector<sql::expression>& order);
inline void collection_order(const relationship_property& rel, const std::string& qualifier,
                             std::vector<sql::expression>& order) {
  collection_order(*rel.target, rel.order_by_columns, qualifier, order);
}

}  // namespace retort::orm
