// The runtime mapper: what `mapping<T>` becomes once configured. Plain data
// plus thunks made from member pointers; everything in the ORM's compiled core
// works on mappers and type-erased objects, never on T.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "retort/orm/fwd.hpp"
#include "retort/orm/join_condition.hpp"
#include "retort/sql/expression.hpp"
#include "retort/sql/schema.hpp"
#include "retort/sql/value.hpp"

namespace retort {
class default_context;
}

namespace retort::orm {

namespace detail {
class slot;
class deferred_base;
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
  // Declared here, defined in mapper.cpp: an application's translation units
  // do not instantiate the members' copies and destructors (docs/performance.md, "Compile time").
  column_property();
  column_property(const column_property&);
  column_property(column_property&&) noexcept;
  column_property& operator=(const column_property&);
  column_property& operator=(column_property&&) noexcept;
  ~column_property();

  std::string attribute;  ///< C++ member name
  sql::column column;
  bool explicit_type = false;
  /// The SQL type the C++ member naturally holds (value_traits<V>::sql_type's kind);
  /// configuration checks the declared or referenced type against it.
  sql::type_kind member_kind = sql::type_kind::integer;
  std::optional<foreign_key_spec> foreign_key;
  /// How a member of one C++ type is read, written and compared: thunks made
  /// once per member type (not per member), given the member's own address.
  struct accessors {
    sql::value (*get)(const void* member) = nullptr;
    void (*set)(void* member, const sql::value& v) = nullptr;
    /// Whether the member equals `v` (as `get` would give it), without allocating.
    bool (*same)(const void* member, const sql::value& v) = nullptr;
    /// Sets the member from `v` and leaves in `v` what `get` would give (a text
    /// cell of a string member stays as it is): a load then moves `v` into the
    /// snapshot instead of copying the member again. Null: set, then get.
    void (*load)(void* member, sql::value& v) = nullptr;
  };
  accessors access{};
  /// The member's place in its object (set when the mapper is built).
  std::size_t offset = 0;
  /// The "no key" accessors of a plain (non-optional, non-key) integer member
  /// with a foreign key: 0 reads as NULL and NULL stores 0. Configuration
  /// installs them as `access` when the referenced column is a generated
  /// key, for which 0 is never a value (docs/orm.md, "Keys"); null otherwise.
  accessors no_key{};

  sql::value get(const void* object) const { return access.get(static_cast<const char*>(object) + offset); }
  void set(void* object, const sql::value& v) const { access.set(static_cast<char*>(object) + offset, v); }
  /// set(object, v), and v becomes get(object) (moved into the snapshot by a load).
  void load(void* object, sql::value& v) const {
    if (access.load) return access.load(static_cast<char*>(object) + offset, v);
    set(object, v);
    v = get(object);
  }
  bool same(const void* object, const sql::value& v) const {
    return access.same(static_cast<const char*>(object) + offset, v);
  }
  /// A retort::deferred<T> member: its wrapper in `object` (null for a plain
  /// member, which always loads with its object).
  detail::deferred_base* (*deferred)(void* object) = nullptr;
  bool deferred_by_default = false;  ///< deferred<T> without not_deferred
  bool deferred_raiseload = false;   ///< deferred_raiseload: a read while unloaded raises
  std::string deferred_group;        ///< deferred_group("..."), or empty
  /// The member's value in a value-initialized object (`T()`): a member still
  /// holding it, or NULL, is "unset" - an INSERT leaves the column to its
  /// default_ or server_default (docs/models.md, "Unset").
  sql::value initial;
  /// default_(...): sets the member of an object whose INSERT leaves it unset.
  std::function<void(void* object, const default_context&)> insert_default;
  /// onupdate(...): sets the member when an UPDATE of the row does not change it.
  std::function<void(void* object, const default_context&)> update_default;
  /// The onupdate callable takes the object (`[](const T&) {...}`): an ORM UPDATE
  /// of many rows has none to give it.
  bool update_default_reads_object = false;
  /// server_onupdate: the database changes the column on UPDATE; fetched or expired after.
  bool server_onupdate = false;
  /// retort::version_id: the row's version counter (mapper::version_column).
  bool version_id = false;
  /// retort::version_id_generator: the next version from the loaded one (NULL at INSERT);
  /// without it the version is an integer counter.
  std::function<sql::value(const sql::value& current)> version_generator;
  /// retort::validates: the value to store for `v` (v itself, or a normalised one);
  /// throws retort::invalid to refuse it. Run through orm::validate_column.
  std::function<sql::value(const void* object, const sql::value& v)> validator;
};

/// retort::column_property: a read-only attribute loaded from a SQL expression
/// with its row (SQLAlchemy's column_property), not a column of the table.
struct computed_property {
  // Declared here, defined in mapper.cpp: an application's translation units
  // do not instantiate the members' copies and destructors (docs/performance.md, "Compile time").
  computed_property();
  computed_property(const computed_property&);
  computed_property(computed_property&&) noexcept;
  computed_property& operator=(const computed_property&);
  computed_property& operator=(computed_property&&) noexcept;
  ~computed_property();

  std::string attribute;  ///< C++ member name; the expression's label in a SELECT
  /// Builds the expression (at configuration: it names columns).
  std::function<sql::expression()> make;
  sql::expression expression;  ///< over the class's own table name; set at configuration
  column_property::accessors access{};  ///< per member type; `same` unused
  std::size_t offset = 0;               ///< the member's place in its object

  void set(void* object, const sql::value& v) const { access.set(static_cast<char*>(object) + offset, v); }
  sql::value get(const void* object) const { return access.get(static_cast<const char*>(object) + offset); }
};

/// Which of an entity's columns one load selects, and where each sits among
/// them (SQLAlchemy's column loaders: a deferred column is left out).
struct column_plan {
  enum class mode : std::uint8_t { load, defer, raise };
  static constexpr std::size_t absent = static_cast<std::size_t>(-1);
  std::vector<mode> modes;            ///< per column of the mapper
  std::vector<std::size_t> selected;  ///< the columns selected, in column order
  std::vector<std::size_t> position;  ///< per column: its place among `selected`, or `absent`
  /// How many computed properties follow the columns (mapper::computed, in order);
  /// 0 where a statement selects columns only (from_statement).
  std::size_t computed = 0;
  /// Builds `selected` and `position` from `modes`.
  void index();
  /// Cells one entity takes in a row: its columns, then its computed properties.
  std::size_t width() const noexcept { return selected.size() + computed; }
};

/// SQLAlchemy 2.0's mapper option eager_defaults: "auto", True, False.
enum class eager_defaults_mode : std::uint8_t { auto_, always, never };

/// uselist: one<T> (scalar) or many<T> (collection).
enum class slot_kind : std::uint8_t { scalar, collection };

/// The operations a relationship passes on from parent to children (SQLAlchemy's cascade="...").
struct cascade_flags {
  bool save_update = true;
  bool merge = true;
  bool expunge = false;
  bool refresh_expire = false;
  bool delete_ = false;
  bool delete_orphan = false;
};

/// An association table as declared with retort::association_table (a table without a class).
struct association_table_spec {
  struct link {
    std::string column;                   ///< column name in the association table
    const mapper* (*target)() = nullptr;  ///< the referenced class
    std::string target_class;
    std::string target_attribute;         ///< member name of the referenced column
    sql::fk_action on_delete = sql::fk_action::no_action;
  };
  std::string name;
  std::vector<link> links;
};

class dependency_processor;

struct relationship_property {
  // Declared here, defined in mapper.cpp: an application's translation units
  // do not instantiate the members' copies and destructors (docs/performance.md, "Compile time").
  relationship_property();
  relationship_property(const relationship_property&);
  relationship_property(relationship_property&&) noexcept;
  relationship_property& operator=(const relationship_property&);
  relationship_property& operator=(relationship_property&&) noexcept;
  ~relationship_property();

  std::string attribute;
  slot_kind kind = slot_kind::scalar;
  const mapper* (*target_fn)() = nullptr;
  std::string target_class;
  std::string back_populates;       ///< attribute on the target, or empty
  /// backref<&Target::member>: the target's relationship this one creates (SQLAlchemy's backref=).
  std::string backref;
  slot_kind backref_kind = slot_kind::scalar;
  detail::slot* (*backref_slot)(void* object) = nullptr;
  /// backref<&Target::m>(attribute_keyed_dict<&Parent::a>): the created keyed collection's key attribute.
  std::string backref_collection_key;
  /// foreign_keys<...>: the FK columns this relationship uses, as "Class.attribute",
  /// when more than one foreign key links the two tables.
  std::vector<std::string> foreign_keys;
  /// remote_side<...>: the columns on the far side of a self-referential join, as "Class.attribute".
  std::vector<std::string> remote_side;
  /// secondary<table>: the association table of a many-to-many.
  const association_table_spec* (*secondary_fn)() = nullptr;
  /// secondary_columns("local", "remote"): which association columns join to the parent
  /// and to the target, when both reference the same table (self-referential many-to-many).
  std::string secondary_local, secondary_remote;
  std::string lazy = "select";      ///< loader strategy name
  /// The member is a write_only<T> / dynamic<T> (a write_only_slot): never loaded into memory.
  bool never_loaded = false;
  bool innerjoin = false;           ///< a joined load uses an inner JOIN
  bool batch_lazy_loads = true;     ///< no_batching not given
  cascade_flags cascade;
  bool cascade_given = false;   ///< cascades("...") was given (a viewonly relationship takes none that write)
  /// join_where<&Target::column>(value): extra criteria, as (target attribute, value); configuration
  /// resolves them into join.extra.
  std::vector<std::pair<std::string, sql::value>> join_where;
  bool post_update = false;     ///< write this foreign key with a second UPDATE (breaks row cycles)
  bool viewonly = false;        ///< loads, never written at flush
  bool passive_deletes = false; ///< rely on ON DELETE CASCADE: no SELECT of children on delete
  bool single_parent = false;   ///< a target has at most one parent through this relationship
  detail::slot* (*slot)(void* object) = nullptr;
  /// retort::validates: checks `item` joining (or, with validates_removes, leaving:
  /// `removing`) the owner's relationship; throws retort::invalid to refuse it.
  std::function<void(const void* owner, instance_state* item, bool removing)> validator;
  bool validates_removes = false;  ///< the validator takes is_remove (include_removes=True)
  /// order_by<...>: the collection's order as declared, "Class" and "attribute" per key.
  struct order_key {
    std::string class_name;
    std::string attribute;
    bool descending = false;
  };
  std::vector<order_key> order_by;
  /// attribute_keyed_dict<...>: the target's attribute a keyed<K, T> collection is keyed by.
  std::string collection_key;
  /// ordering_list<...>: the target's position attribute and the first position.
  std::string ordering_attribute;
  std::int64_t ordering_start = 0;

  // Resolved by configuration:
  const mapper* parent = nullptr;
  const mapper* target = nullptr;
  orm::join_condition join;
  const relationship_property* reverse = nullptr;
  /// Collection order: target column indexes, -(i+1) for descending; empty: the target's key.
  std::vector<std::int64_t> order_by_columns;
  /// The target column a keyed collection is keyed by / an ordering list numbers (-1: none).
  std::int64_t collection_key_column = -1;
  std::int64_t ordering_column = -1;
  const loader_strategy* strategy = nullptr;
  std::shared_ptr<const dependency_processor> processor;  ///< null when viewonly

  orm::direction dir() const noexcept { return join.dir; }
  std::string name() const;  ///< "Class.attribute"
};

class mapper {
 public:
  mapper();
  mapper(const mapper&) = delete;
  mapper& operator=(const mapper&) = delete;
  ~mapper();
  /// A mapper for `class_name`, its table named snake_case(class_name) until table_name says otherwise.
  static std::unique_ptr<mapper> make(std::string_view class_name);
  /// Appends a column (named as its attribute) and returns it, for the mapping's options to fill in.
  column_property& add_column(std::string_view attribute, const sql::type& type, bool nullable);
  /// Appends a relationship and returns it, for the mapping's options to fill in.
  relationship_property& add_relationship(std::string_view attribute, slot_kind kind, const mapper* (*target)(),
                                          std::string_view target_class);
  computed_property& add_computed(std::string_view attribute);
  /// retort::table_name: the table is called `name` (its checks kept).
  void rename_table(std::string_view name);

  std::string class_name;
  sql::table table{""};
  std::vector<column_property> columns;
  std::vector<relationship_property> relationships;
  std::vector<computed_property> computed;  ///< column_property attributes, loaded after the columns
  std::vector<std::size_t> primary_key;  ///< indexes into `columns`
  /// What a load selects unless a query option says otherwise (set at configuration):
  /// every column but the deferred ones.
  column_plan plan;
  bool has_deferred = false;  ///< some column is a deferred<T> member
  /// The retort::version_id column (SQLAlchemy's version_id_col), if any: index into `columns`.
  std::optional<std::size_t> version_column;
  /// Default-constructs a T in a fresh allocation; returns its state (refs 0).
  instance_state* (*create)() = nullptr;
  /// Destroys the object and frees the allocation.
  void (*destroy)(instance_state*) = nullptr;
  std::size_t object_offset = 0;
  /// This mapper, through the registry (what relationships to this class hold as their target).
  const mapper* (*self_fn)() = nullptr;
  std::size_t id = 0;  ///< position in the registry
  /// When server-generated values are read back at flush (retort::eager_defaults).
  eager_defaults_mode eager_defaults = eager_defaults_mode::auto_;

  const column_property* find_column(std::string_view attribute) const;
  const relationship_property* find_relationship(std::string_view attribute) const;
  const computed_property* find_computed(std::string_view attribute) const;
  /// Index of the single autoincrementing key column, if the key is one.
  std::optional<std::size_t> autoincrement_column() const;
  /// Primary key values of an object, read through the getters.
  std::vector<sql::value> key_of(const void* object) const;
};

}  // namespace retort::orm
