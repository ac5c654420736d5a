// Row access with bounds checks that name the offending column.
#include "retort/engine/result.hpp"

#include "retort/util/error.hpp"

namespace retort::engine {

const sql::value& row_view::operator[](std::size_t i) const {
  if (i >= n_) throw ArgumentError("row has " + std::to_string(n_) + " columns; index " + std::to_string(i) + " is out of range");
  return cells_[i];
}

const sql::value& row_view::operator[](std::string_view name) const {
  const auto& cols = owner_->columns();
  for (std::size_t i = 0; i < cols.size(); ++i)
    if (cols[i] == name) return cells_[i];
  throw ArgumentError("row has no column '" + std::string(name) + "'");
}

row_view result::row(std::size_t i) const {
  if (i >= size()) throw ArgumentError("result has " + std::to_string(size()) + " rows; row " + std::to_string(i) + " is out of range");
  return row_view(cells_.data() + i * columns_.size(), columns_.size(), this);
}

const sql::value& result::scalar() const {
  if (empty()) throw NoResultFound("statement returned no rows");
  return cells_[0];
}

}  // namespace retort::engine
