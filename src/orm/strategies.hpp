// Private: strategy lookup for configuration.
#pragma once

#include "retort/orm/loader_strategy.hpp"
#include "retort/orm/mapper.hpp"

namespace retort::orm {

/// The strategy registered as `name`; ConfigurationError naming the class and attribute if none.
const loader_strategy& strategy_for(const std::string& name, const mapper& m, const std::string& attribute);

}  // namespace retort::orm
