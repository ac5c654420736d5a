// The registry of mapped classes (SQLAlchemy's registry). Each mapped class
// registers a builder before main; configuration builds every mapper, resolves
// foreign keys, relationship directions and back_populates, and raises
// ConfigurationError naming class, attribute and fix for any mistake.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "retort/orm/mapper.hpp"
#include "retort/sql/schema.hpp"

namespace retort::orm {

using mapper_builder = std::unique_ptr<mapper> (*)();

class registry {
 public:
  static registry& instance();

  /// Adds a class's builder; returns true (for static registration).
  bool add(mapper_builder build);
  /// The configured mapper built by `build`; configures the registry if needed.
  const mapper& get(mapper_builder build);
  /// Builds and checks every registered mapper; raises ConfigurationError.
  void configure();
  /// Every configured mapper, in registration order.
  std::vector<const mapper*> mappers();
  /// The tables of every mapped class, and the association tables their relationships use.
  const sql::metadata& metadata();
  /// The table an association_table declaration describes, its column types taken
  /// from the columns it references (during configuration).
  const sql::table& association_table(const association_table_spec& spec);

 private:
  registry() = default;
  std::size_t index_of(mapper_builder build);
  void configure_from(std::size_t start);
  void rebuild_metadata();
  std::recursive_mutex mutex_;
  std::vector<mapper_builder> builders_;
  std::vector<std::unique_ptr<mapper>> mappers_;  // parallel to builders_ once built
  std::vector<bool> configured_;
  std::map<const association_table_spec*, std::unique_ptr<sql::table>> associations_;
  sql::metadata metadata_;
  bool configuring_ = false;
};

}  // namespace retort::orm
