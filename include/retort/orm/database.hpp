// database: the engine plus the registry's tables, as Flask-SQLAlchemy's `db`
// object is. `database db("sqlite:///blog.db"); db.create_all(); auto s = db.session();`
#pragma once

#include <string_view>

#include "retort/engine/engine.hpp"
#include "retort/orm/session.hpp"

namespace retort {

class database {
 public:
  /// Opens an engine for `url` (sqlite://..., postgresql://...); both backends are available.
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

/// Registers the built-in backends (SQLite, PostgreSQL). Called by database; idempotent.
void register_builtin_backends();

}  // namespace retort
