// Private: dependency processors (SQLAlchemy's dependency.py), one object per
// relationship, made at configuration by the processor class of its
// direction. Each says how its relationship orders the flush (edges between
// mappers, and between rows where a table depends on itself), which related
// objects a save or delete drags in (presort), and what it writes: foreign-key
// values copied just before a row is written, association rows, post_update
// UPDATEs. The unit of work (unit_of_work.hpp) calls them and never looks at a
// relationship's direction itself.
#pragma once

#include <memory>
#include <vector>

#include "retort/orm/mapper.hpp"
#include "retort/util/function_ref.hpp"

namespace retort::orm {

class unit_of_work;

/// Where a processor's process_saves / process_deletes run in the plan.
enum class process_stage : std::uint8_t {
  sync,    ///< copies keys into the rows of `child` just before they are written
  after,   ///< writes statements of its own after every row is saved (link rows, post_update)
};

class dependency_processor {
 public:
  explicit dependency_processor(const relationship_property& p) : prop_(p) {}
  virtual ~dependency_processor() = default;
  dependency_processor(const dependency_processor&) = delete;
  dependency_processor& operator=(const dependency_processor&) = delete;

  const relationship_property& property() const noexcept { return prop_; }
  /// sync: its process_saves runs just before `key_holder()`'s rows are written,
  /// after `key_source()`'s; after: once every row is saved (and before any is deleted).
  virtual process_stage stage() const noexcept = 0;
  /// The mapper whose rows must be saved first / whose rows receive the key.
  /// Null for processors that add no ordering (many-to-many, post_update).
  virtual const mapper* key_source() const noexcept = 0;
  virtual const mapper* key_holder() const noexcept = 0;

  /// A state of the relationship's parent class is being saved / deleted: register
  /// the related states that this changes (children whose key changes, orphans,
  /// cascaded deletes) with the unit of work.
  virtual void presort_saves(unit_of_work& uow, instance_state* parent) const = 0;
  virtual void presort_deletes(unit_of_work& uow, instance_state* parent) const = 0;
  /// Row ordering inside a table that depends on itself: add(before, after) for
  /// states in the flush related to `parent` through this relationship.
  virtual void row_edges(unit_of_work& uow, instance_state* parent, bool deleting,
                         util::function_ref<void(instance_state*, instance_state*)> add) const = 0;
  /// Writes: for `sync` processors, copies keys into the rows due now; for
  /// `after` processors, their own statements. `parents` are the relationship's
  /// parent-class states being saved / deleted.
  virtual void process_saves(unit_of_work& uow, const std::vector<instance_state*>& parents) const = 0;
  virtual void process_deletes(unit_of_work& uow, const std::vector<instance_state*>& parents) const = 0;

 protected:
  const relationship_property& prop_;
};

/// The processor for `p`'s direction (and post_update).
std::shared_ptr<const dependency_processor> make_dependency_processor(const relationship_property& p);

}  // namespace retort::orm
