// The database facade: engine creation with the built-in backends, and schema
// creation from the registry's metadata.
#include "retort/orm/database.hpp"

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/engine/connection.hpp"
#include "retort/orm/registry.hpp"

namespace retort {

void register_builtin_backends() {
  sqlite::register_backend();
  postgresql::register_backend();
}

namespace {
engine::engine make_engine(std::string_view url, engine::engine_options options) {
  register_builtin_backends();
  return engine::engine(url, std::move(options));
}
}  // namespace

database::database(std::string_view url, engine::engine_options options) : engine_(make_engine(url, std::move(options))) {}

const sql::metadata& database::metadata() const { return orm::registry::instance().metadata(); }

void database::create_all() {
  auto conn = engine_.connect();
  auto tx = conn.begin();
  for (const auto& ddl : sql::create_all(metadata(), conn.dialect(), true)) conn.execute_ddl(ddl);
  tx.commit();
}

void database::drop_all() {
  auto conn = engine_.connect();
  auto tx = conn.begin();
  for (const auto& ddl : sql::drop_all(metadata(), conn.dialect(), true)) conn.execute_ddl(ddl);
  tx.commit();
}

retort::session database::session(session_options options) { return retort::session(engine_, options); }

}  // namespace retort
