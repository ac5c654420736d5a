// Mapper lookups and key extraction.
#include "retort/orm/mapper.hpp"

#include "retort/util/names.hpp"

namespace retort::orm {

column_property::column_property() = default;
column_property::column_property(const column_property&) = default;
column_property::column_property(column_property&&) noexcept = default;
column_property& column_property::operator=(const column_property&) = default;
column_property& column_property::operator=(column_property&&) noexcept = default;
column_property::~column_property() = default;

computed_property::computed_property() = default;
computed_property::computed_property(const computed_property&) = default;
computed_property::computed_property(computed_property&&) noexcept = default;
computed_property& computed_property::operator=(const computed_property&) = default;
computed_property& computed_property::operator=(computed_property&&) noexcept = default;
computed_property::~computed_property() = default;

relationship_property::relationship_property() = default;
relationship_property::relationship_property(const relationship_property&) = default;
relationship_property::relationship_property(relationship_property&&) noexcept = default;
relationship_property& relationship_property::operator=(const relationship_property&) = default;
relationship_property& relationship_property::operator=(relationship_property&&) noexcept = default;
relationship_property::~relationship_property() = default;

mapper::mapper() = default;
mapper::~mapper() = default;

std::unique_ptr<mapper> mapper::make(std::string_view class_name) {
  auto m = std::make_unique<mapper>();
  m->class_name = std::string(class_name);
  m->table = sql::table(util::snake_case(m->class_name));
  return m;
}

column_property& mapper::add_column(std::string_view attribute, const sql::type& type, bool nullable) {
  auto& p = columns.emplace_back();
  p.attribute = std::string(attribute);
  p.column.name = p.attribute;
  p.column.sql_type = type;
  p.member_kind = type.kind;
  p.column.nullable = nullable;
  return p;
}

relationship_property& mapper::add_relationship(std::string_view attribute, slot_kind kind, const mapper* (*target)(),
                                                std::string_view target_class) {
  auto& r = relationships.emplace_back();
  r.attribute = std::string(attribute);
  r.kind = kind;
  r.target_fn = target;
  r.target_class = std::string(target_class);
  return r;
}

void mapper::rename_table(std::string_view name) {
  sql::table renamed{std::string(name)};
  for (const auto& c : table.checks()) renamed.add(c);
  table = std::move(renamed);
}

computed_property& mapper::add_computed(std::string_view attribute) {
  auto& p = computed.emplace_back();
  p.attribute = std::string(attribute);
  return p;
}


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
