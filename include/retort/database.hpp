// database: the engine plus the tables of its models, as Flask-SQLAlchemy's `db`
// object is. `database db("sqlite:///blog.db", retort::models<User, Post>());
// db.create_all(); auto s = db.session();`
// The facade (target retort::retort) above orm and the dialects: the one place
// that knows which backends were built in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/engine/engine.hpp"
#include "retort/orm/model_set.hpp"
#include "retort/orm/session.hpp"

namespace retort {

class database {
 public:
  /// Opens an engine for `url` (sqlite://..., postgresql://...) with every
  /// built-in backend registered. A URL for a backend this build lacks is an
  /// ArgumentError naming the backends it has.
  explicit database(std::string_view url, engine::engine_options options = {});
  /// As above, for a database whose models are `models` (Flask-SQLAlchemy's
  /// db.Model): create_all(), drop_all() and metadata() use exactly its tables.
  database(std::string_view url, model_set models, engine::engine_options options = {});

  /// CREATE TABLE IF NOT EXISTS, in foreign-key order, for the database's
  /// model set; without one, for every mapped class the program registers
  /// (each class some code names: a class named nowhere is not registered;
  /// name it in a retort::models<...>() to be sure).
  void create_all();
  /// DROP TABLE IF EXISTS for the same tables, children first.
  void drop_all();
  /// CREATE TABLE IF NOT EXISTS for exactly the tables of `models`, in foreign-key order.
  void create_all(const model_set& models);
  /// DROP TABLE IF EXISTS for exactly the tables of `models`, children first.
  void drop_all(const model_set& models);
  /// A new session on this database.
  retort::session session(session_options options = {});
  engine::engine& engine() { return engine_; }
  /// The tables create_all() creates: the model set's, or those of every
  /// mapped class (configures the classes).
  const sql::metadata& metadata() const;
  /// The model set given at construction, or null.
  const model_set* models() const { return models_ ? &*models_ : nullptr; }

 private:
  void create(const sql::metadata& md);
  void drop(const sql::metadata& md);
  engine::engine engine_;
  std::optional<model_set> models_;
};

/// The backends this build of Retort has, as URL backend names: always
/// "sqlite", then "postgresql" when built with RETORT_WITH_POSTGRESQL.
std::vector<std::string> available_backends();

/// Registers the built-in backends (those of available_backends()) with the
/// engine's driver registry. Called by database; idempotent.
void register_builtin_backends();

}  // namespace retort
