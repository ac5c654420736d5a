// The database facade: engine creation with the built-in backends, and schema
// creation from the registry's metadata. The only file above orm that names a
// dialect; RETORT_WITH_POSTGRESQL (a definition of this target) says which.
#include "retort/database.hpp"

#include <algorithm>

#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/engine/connection.hpp"
#include "retort/engine/url.hpp"
#include "retort/orm/registry.hpp"
#include "retort/util/error.hpp"
#if RETORT_WITH_POSTGRESQL
#include "retort/dialect/postgresql/postgresql.hpp"
#endif

namespace retort {

std::vector<std::string> available_backends() {
#if RETORT_WITH_POSTGRESQL
  return {"sqlite", "postgresql"};
#else
  return {"sqlite"};
#endif
}

void register_builtin_backends() {
  sqlite::register_backend();
#if RETORT_WITH_POSTGRESQL
  postgresql::register_backend();
#endif
}

namespace {

/// The engine would say "unknown database scheme"; for a backend Retort has
/// but this build left out, say so and how to get it.
void require_built_in(std::string_view url) {
  auto available = available_backends();
  auto backend = engine::url::parse(url).backend();
  if (backend != "postgresql" || std::ranges::find(available, backend) != available.end()) return;
  std::string names;
  for (const auto& b : available) names += (names.empty() ? "" : ", ") + b;
  throw ArgumentError("this build of Retort has no PostgreSQL backend (configured with RETORT_WITH_POSTGRESQL=OFF, "
                      "or libpq was not found); backends available: " + names);
}

engine::engine make_engine(std::string_view url, engine::engine_options options) {
  register_builtin_backends();
  require_built_in(url);
  return engine::engine(url, std::move(options));
}

}  // namespace

database::database(std::string_view url, engine::engine_options options) : engine_(make_engine(url, std::move(options))) {}

database::database(std::string_view url, model_set models, engine::engine_options options)
    : engine_(make_engine(url, std::move(options))), models_(std::move(models)) {}

const sql::metadata& database::metadata() const {
  return models_ ? models_->metadata() : orm::registry::instance().metadata();
}

void database::create_all() { create(metadata()); }
void database::drop_all() { drop(metadata()); }
void database::create_all(const model_set& models) { create(models.metadata()); }
void database::drop_all(const model_set& models) { drop(models.metadata()); }

void database::create(const sql::metadata& md) {
  auto conn = engine_.connect();
  auto tx = conn.begin();
  for (const auto& ddl : sql::create_all(md, conn.dialect(), true)) conn.execute_ddl(ddl);
  tx.commit();
}

void database::drop(const sql::metadata& md) {
  auto conn = engine_.connect();
  auto tx = conn.begin();
  for (const auto& ddl : sql::drop_all(md, conn.dialect(), true)) conn.execute_ddl(ddl);
  tx.commit();
}

retort::session database::session(session_options options) { return retort::session(engine_, options); }

}  // namespace retort
