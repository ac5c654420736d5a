// Driver registry and the per-connection prepared-statement cache.
#include "retort/engine/driver.hpp"

#include <map>
#include <mutex>

#include "retort/util/error.hpp"

namespace retort::engine {

namespace {
struct registry {
  std::mutex mutex;
  std::map<std::string, driver_factory> factories;
};
registry& drivers() {
  static registry r;
  return r;
}
}  // namespace

std::vector<result> driver_statement::execute_many(std::span<const std::vector<sql::value>> rows) {
  std::vector<result> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(execute(r));
  return out;
}

void check_statement_text(const std::string& sql) {
  if (auto at = sql.find('\0'); at != std::string::npos)
    throw ArgumentError("SQL text contains a NUL byte at offset " + std::to_string(at) +
                        "; values belong in bound parameters");
}

driver_statement& driver_connection::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    recent_.splice(recent_.begin(), recent_, it->second.use);
    return *it->second.statement;
  }
  check_statement_text(sql);  // once per statement text, before it is prepared
  if (cache_.size() >= cache_limit) {
    auto victim = cache_.find(*recent_.back());
    recent_.pop_back();
    cache_.erase(victim);  // destroying the statement frees it on the server too
  }
  auto stmt = prepare(sql);
  ++prepares_;
  auto [pos, _] = cache_.emplace(sql, cache_entry{std::move(stmt), {}});
  recent_.push_front(&pos->first);
  pos->second.use = recent_.begin();
  return *pos->second.statement;
}

void driver::tune_pool(const url&, pool_options&) const {}

bool is_engine_option(std::string_view key) { return key == "echo"; }

void register_driver(const std::string& scheme, driver_factory factory) {
  auto& r = drivers();
  std::lock_guard lock(r.mutex);
  r.factories[scheme] = std::move(factory);
}

std::shared_ptr<driver> find_driver(const std::string& scheme) {
  auto& r = drivers();
  std::lock_guard lock(r.mutex);
  auto it = r.factories.find(scheme);
  if (it != r.factories.end()) return it->second();
  std::string known;
  for (const auto& [k, _] : r.factories) known += (known.empty() ? "" : ", ") + k;
  throw ArgumentError("unknown database scheme '" + scheme + "' (known: " + (known.empty() ? "none" : known) + ")");
}

}  // namespace retort::engine
