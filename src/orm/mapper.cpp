// Mapper lookups and key extraction.
#include "retort/orm/mapper.hpp"

namespace retort::orm {

const column_property* mapper::find_column(std::string_view attribute) const {
  for (const auto& c : columns)
    if (c.attribute == attribute) return &c;
  return nullptr;
}

const relationship_property* mapper::find_relationship(std::string_view attribute) const {
  for (const auto& r : relationships)
    if (r.attribute == attribute) return &r;
  return nullptr;
}

const computed_property* mapper::find_computed(std::string_view attribute) const {
  for (const auto& c : computed)
    if (c.attribute == attribute) return &c;
  return nullptr;
}

std::optional<std::size_t> mapper::autoincrement_column() const {
  if (primary_key.size() != 1) return std::nullopt;
  if (!columns[primary_key[0]].column.autoincrement) return std::nullopt;
  return primary_key[0];
}

void column_plan::index() {
  selected.clear();
  position.assign(modes.size(), absent);
  for (std::size_t i = 0; i < modes.size(); ++i) {
    if (modes[i] != mode::load) continue;
    position[i] = selected.size();
    selected.push_back(i);
  }
}

std::vector<sql::value> mapper::key_of(const void* object) const {
  std::vector<sql::value> out;
  out.reserve(primary_key.size());
  for (auto i : primary_key) out.push_back(columns[i].get(object));
  return out;
}

}  // namespace retort::orm
