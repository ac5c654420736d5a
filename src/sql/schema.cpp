// Table and metadata bookkeeping; foreign-key ordering for DDL.
#include "retort/sql/schema.hpp"

#include <algorithm>

#include "retort/util/error.hpp"
#include "retort/util/topological.hpp"

namespace retort::sql {

table::table(std::string name) : name_(std::move(name)) {}
table::table(const table&) = default;
table::table(table&&) noexcept = default;
table& table::operator=(const table&) = default;
table& table::operator=(table&&) noexcept = default;
table::~table() = default;

std::vector<std::string> table::primary_key() const {
  std::vector<std::string> out;
  for (const auto& c : columns_)
    if (c.primary_key) out.push_back(c.name);
  return out;
}

const column* table::find(std::string_view name) const {
  for (const auto& c : columns_)
    if (c.name == name) return &c;
  return nullptr;
}

const column& table::at(std::string_view name) const {
  if (auto* c = find(name)) return *c;
  throw ArgumentError("table '" + name_ + "' has no column '" + std::string(name) + "'");
}

table& table::add(column c) {
  if (find(c.name)) throw ArgumentError("table '" + name_ + "' already has a column '" + c.name + "'");
  columns_.push_back(std::move(c));
  return *this;
}

table& table::add(foreign_key fk) {
  for (const auto& c : fk.columns) at(c);
  foreign_keys_.push_back(std::move(fk));
  return *this;
}

table& table::add(unique_constraint u) {
  for (const auto& c : u.columns) at(c);
  uniques_.push_back(std::move(u));
  return *this;
}

table& table::add(check_constraint c) {
  checks_.push_back(std::move(c));
  return *this;
}

table& table::add(sql::index i) {
  for (const auto& c : i.columns) at(c);
  if (i.name.empty()) {
    i.name = "ix_" + name_;
    for (const auto& c : i.columns) i.name += "_" + c;
  }
  indexes_.push_back(std::move(i));
  return *this;
}

table& metadata::add(table t) {
  if (find(t.name())) throw ArgumentError("metadata already has a table '" + t.name() + "'");
  tables_.push_back(std::make_shared<table>(std::move(t)));
  return *tables_.back();
}

const table* metadata::find(std::string_view name) const {
  for (const auto& t : tables_)
    if (t->name() == name) return t.get();
  return nullptr;
}

std::vector<const table*> metadata::sorted_tables() const {
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t i = 0; i < tables_.size(); ++i) {
    for (const auto& fk : tables_[i]->foreign_keys()) {
      for (std::size_t j = 0; j < tables_.size(); ++j)
        if (tables_[j]->name() == fk.ref_table) edges.emplace_back(j, i);
    }
  }
  std::vector<const table*> out;
  for (auto i : util::topological_sort(tables_.size(), edges)) out.push_back(tables_[i].get());
  return out;
}

}  // namespace retort::sql
