// database: the engine plus the registry's tables, as Flask-SQLAlchemy's `db`
// object is. `database db("sqlite:///blog.db"); db.create_all(); auto s = db.session();`
// The facade (target retort::retort) above orm and the dialects: the one place
// that knows which backends were built in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retort/engine/engine.hpp"
#include "retort/orm/session.hpp"

namespace retort {

class database {
 public:
  /// Opens an engine for `url` (sqlite://..., postgresql://...) with every
  /// built-in backend registered. A URL for a backend this build lacks is an
  /// ArgumentError naming the backends it has.
  explicit database(std::string_view url, engine::engine_options options = {});

  /// CREATE TABLE (IF NOT EXISTS) for every mapped class, in foreign-key order.
  void create_all();
  /// DROP TABLE (IF EXISTS) for every mapped class, children first.
  void drop_all();
  /// A new session on this database.
  retort::session session(session_options options = {});
  engine::engine& engine() { return engine_; }
  /// The tables of every mapped class (configures the registry).
  const sql::metadata& metadata() const;

 private:
  engine::engine engine_;
};

/// The backends this build of Retort has, as URL backend names: always
/// "sqlite", then "postgresql" when built with RETORT_WITH_POSTGRESQL.
std::vector<std::string> available_backends();

/// Registers the built-in backends (those of available_backends()) with the
/// engine's driver registry. Called by database; idempotent.
void register_builtin_backends();

}  // namespace retort
