// The runtime mapper: what `mapping<T>` becomes once configured. Plain data
// plus thunks made from member pointers; everything in the ORM's compiled core
// works on mappers and type-erased objects, never on T.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "retort/orm/fwd.hpp"
#include "retort/sql/schema.hpp"
#include "retort/sql/value.hpp"

namespace retort::orm {

namespace detail {
class slot;
}

/// A foreign key as declared on a column, before configuration resolves it.
struct foreign_key_spec {
  const mapper* (*target)() = nullptr;  ///< the referenced class's mapper
  std::string target_class;
  std::string target_attribute;         ///< member name of the referenced column
  sql::fk_action on_delete = sql::fk_action::no_action;
  sql::fk_action on_update = sql::fk_action::no_action;
};

struct column_property {
  std::string attribute;  ///< C++ member name
  sql::column column;
  bool explicit_type = false;
  /// The SQL type the C++ member naturally holds (value_traits<V>::sql_type's kind);
  /// configuration checks the declared or referenced type against it.
  sql::type_kind member_kind = sql::type_kind::integer;
  std::optional<foreign_key_spec> foreign_key;
  sql::value (*get)(const void* object) = nullptr;
  void (*set)(void* object, const sql::value& v) = nullptr;
  /// Whether the member equals `v` (as `get` would give it), without allocating.
  bool (*same)(const void* object, const sql::value& v) = nullptr;
  /// The "no key" thunks of a plain (non-optional, non-key) integer member
  /// with a foreign key: 0 reads as NULL and NULL stores 0. Configuration
  /// installs them as get/set/same when the referenced column is a generated
  /// key, for which 0 is never a value (docs/orm.md, "Keys"); null otherwise.
  struct no_key_thunks {
    sql::value (*get)(const void* object) = nullptr;
    void (*set)(void* object, const sql::value& v) = nullptr;
    bool (*same)(const void* object, const sql::value& v) = nullptr;
  } no_key{};
};

enum class direction : std::uint8_t { many_to_one, one_to_many };
enum class slot_kind : std::uint8_t { scalar, collection };

struct relationship_property {
  std::string attribute;
  slot_kind kind = slot_kind::scalar;
  const mapper* (*target_fn)() = nullptr;
  std::string target_class;
  std::string back_populates;       ///< attribute on the target, or empty
  /// foreign_keys<...>: the FK columns this relationship uses, as "Class.attribute",
  /// when more than one foreign key links the two tables.
  std::vector<std::string> foreign_keys;
  std::string lazy = "select";      ///< loader strategy name
  bool cascade_save_update = true;
  detail::slot* (*slot)(void* object) = nullptr;

  // Resolved by configuration:
  const mapper* parent = nullptr;
  const mapper* target = nullptr;
  orm::direction dir = direction::many_to_one;
  /// many_to_one: FK columns on parent, PK columns on target.
  /// one_to_many: PK columns on parent, FK columns on target.
  std::vector<std::size_t> local_columns;
  std::vector<std::size_t> remote_columns;
  const relationship_property* reverse = nullptr;
  const loader_strategy* strategy = nullptr;
};

class mapper {
 public:
  std::string class_name;
  sql::table table{""};
  std::vector<column_property> columns;
  std::vector<relationship_property> relationships;
  std::vector<std::size_t> primary_key;  ///< indexes into `columns`
  /// Default-constructs a T in a fresh allocation; returns its state (refs 0).
  instance_state* (*create)() = nullptr;
  /// Destroys the object and frees the allocation.
  void (*destroy)(instance_state*) = nullptr;
  std::size_t object_offset = 0;
  std::size_t id = 0;  ///< position in the registry

  const column_property* find_column(std::string_view attribute) const;
  const relationship_property* find_relationship(std::string_view attribute) const;
  /// Index of the single autoincrementing key column, if the key is one.
  std::optional<std::size_t> autoincrement_column() const;
  /// Primary key values of an object, read through the getters.
  std::vector<sql::value> key_of(const void* object) const;
};

}  // namespace retort::orm
