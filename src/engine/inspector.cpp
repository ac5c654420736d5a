// The inspector and the reflector registry: each backend registers the
// reflector for its dialect name, as drivers register their URL scheme.
#include "retort/engine/inspector.hpp"

#include <map>
#include <mutex>

#include "retort/engine/connection.hpp"
#include "retort/util/error.hpp"

namespace retort::engine {

namespace {
struct reflector_registry {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const reflector>> by_dialect;
};
reflector_registry& reflectors() {
  static reflector_registry r;
  return r;
}

std::shared_ptr<const reflector> find_reflector(const std::string& dialect_name) {
  auto& r = reflectors();
  std::lock_guard lock(r.mutex);
  if (auto it = r.by_dialect.find(dialect_name); it != r.by_dialect.end()) return it->second;
  std::string known;
  for (const auto& [k, _] : r.by_dialect) known += (known.empty() ? "" : ", ") + k;
  throw ArgumentError("no schema reflection for dialect '" + dialect_name +
                      "' (reflectors: " + (known.empty() ? "none" : known) + ")");
}
}  // namespace

void register_reflector(const std::string& dialect_name, std::shared_ptr<const reflector> r) {
  if (!r) throw ArgumentError("register_reflector: null reflector for dialect '" + dialect_name + "'");
  auto& reg = reflectors();
  std::lock_guard lock(reg.mutex);
  reg.by_dialect[dialect_name] = std::move(r);
}

inspector::inspector(connection& c) : conn_(&c), impl_(find_reflector(std::string(c.dialect().name()))) {}

std::vector<std::string> inspector::table_names() const { return impl_->table_names(*conn_); }

bool inspector::has_table(std::string_view name) const { return impl_->has_table(*conn_, name); }

sql::table inspector::table(std::string_view name) const { return impl_->table(*conn_, name); }

sql::metadata inspector::reflect() const { return reflect(table_names()); }

sql::metadata inspector::reflect(const std::vector<std::string>& only) const {
  sql::metadata m;
  for (const auto& name : only) m.add(table(name));
  return m;
}

std::vector<reflected_enum> inspector::enums() const { return impl_->enums(*conn_); }

}  // namespace retort::engine
