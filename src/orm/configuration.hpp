// Private: the relationship half of registry configuration (relationship_config.cpp),
// called by the registry once a group's columns and foreign keys are resolved.
#pragma once

#include <string>
#include <vector>

#include "retort/orm/registry.hpp"

namespace retort::orm {

/// ConfigurationError "Class.attribute: what; fix".
[[noreturn]] void configuration_fail(const mapper& m, const std::string& attribute, const std::string& what,
                                     const std::string& fix);

/// Adds to the targets the relationships that backref<...> options declare. Runs
/// before anything takes the address of a relationship_property.
void expand_backrefs(const std::vector<mapper*>& group);
/// Resolves join conditions, back_populates, strategies and dependency processors.
void configure_relationships(const std::vector<mapper*>& group, registry& reg);

}  // namespace retort::orm
