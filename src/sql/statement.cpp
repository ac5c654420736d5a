// Out-of-line parts of the statement builders.
#include "retort/sql/statement.hpp"

namespace retort::sql {

from_item::from_item(const select& q, std::string a)
    : alias(std::move(a)), subquery(std::make_shared<const select>(q)) {}

select& select::union_(const select& other, bool all) {
  compounds_.push_back({std::make_shared<const select>(other), all});
  return *this;
}

}  // namespace retort::sql
