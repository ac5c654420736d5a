// How a relationship joins its parent to its target (SQLAlchemy's
// _JoinCondition): local/remote column pairs, the association table if any,
// and the direction. Built by configuration; it writes the lazy-load WHERE,
// the JOIN ON and the key sync at flush, so no other code reads foreign keys
// to find out how two classes relate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "retort/orm/fwd.hpp"
#include "retort/sql/value.hpp"

namespace retort::sql {
class table;
class select;
template <class T>
class expr;
}

namespace retort::orm {

/// Which side holds the foreign key: the parent (many_to_one), the target
/// (one_to_many), or an association table between them (many_to_many).
enum class direction : std::uint8_t { many_to_one, one_to_many, many_to_many };

struct join_condition {
  orm::direction dir = direction::many_to_one;
  /// Pairs (local_columns[i], remote_columns[i]), indexes into the mappers' columns:
  ///  many_to_one:  FK columns of the parent = key columns of the target;
  ///  one_to_many:  key columns of the parent = FK columns of the target;
  ///  many_to_many: parent columns = secondary_local; target columns = secondary_remote.
  std::vector<std::size_t> local_columns;
  std::vector<std::size_t> remote_columns;
  const sql::table* secondary = nullptr;
  std::vector<std::string> secondary_local;   ///< association columns paired with local_columns
  std::vector<std::string> secondary_remote;  ///< association columns paired with remote_columns
  /// Extra criteria on the target's columns (primaryjoin's "and ..."): column index = value.
  std::vector<std::pair<std::size_t, sql::value>> extra;

  /// The foreign-key side's columns: where the key is copied to at flush.
  bool parent_holds_key() const noexcept { return dir == direction::many_to_one; }
  /// A many-to-one naming the target's primary key without extra criteria
  /// (SQLAlchemy's "simple" many-to-one): the identity map can answer it.
  bool simple_many_to_one(const mapper& target) const;
  /// SELECT of the target's columns for one parent, the parent's `local_columns`
  /// values bound in order; collections ordered by `order_by` (target column
  /// indexes, negative = descending: -(i+1)) or else by the target's key.
  sql::select lazy_select(const mapper& parent, const mapper& target, bool collection,
                          const std::vector<std::int64_t>& order_by) const;
  /// The values lazy_select binds: the parent's `local_columns` read from the
  /// object, then the `extra` criteria's values.
  std::vector<sql::value> lazy_params(const mapper& parent, const void* object) const;
  /// The ON clause joining the parent's table to the target's (through the
  /// secondary for many_to_many, whose own ON is `secondary_on`). The names
  /// qualify each side's columns: an alias, or empty for the table's own name.
  sql::expr<bool> join_on(const mapper& parent, const mapper& target, const std::string& parent_as = {},
                          const std::string& target_as = {}, const std::string& secondary_as = {}) const;
  sql::expr<bool> secondary_on(const mapper& parent, const std::string& parent_as = {},
                               const std::string& secondary_as = {}) const;
  /// Copies the parent's key into the child's foreign key (one_to_many / many_to_one).
  void sync(const instance_state& parent, instance_state& child) const;
  /// Sets the foreign-key side's columns to NULL (the key is dropped).
  void clear(instance_state& key_holder) const;
  /// The association row linking `parent` and `child` (many_to_many): local then remote values.
  std::vector<sql::value> secondary_row(const instance_state& parent, const instance_state& child) const;
  /// Whether `child`'s foreign key already names `parent` (one_to_many / many_to_one).
  bool links(const instance_state& parent, const instance_state& child) const;
};

}  // namespace retort::orm
