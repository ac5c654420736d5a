// retort-migrate: the command line of migrations (Alembic's `alembic`,
// Flask-Migrate's `flask db`). It is a library entry point: an application
// calls retort::migrate::main from its own binary (`blog migrate ...`, as
// `flask db` runs inside the Flask app), so autogenerate sees exactly the
// application's models. The stand-alone `retort-migrate` executable is the
// same entry point without models: everything but --autogenerate.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "retort/orm/model_set.hpp"

namespace retort::migrate {

struct cli_config {
  /// The application's models; without them `revision --autogenerate` is refused.
  std::optional<model_set> models{};
  /// The database when --url is not given (else $RETORT_DATABASE_URL).
  std::string url{};
  /// The migrations folder when --directory is not given.
  std::string directory = "migrations";
  /// The program name in help ("retort-migrate", "blog migrate").
  std::string program = "retort-migrate";
  std::ostream* out = nullptr;  ///< null: std::cout
  std::ostream* err = nullptr;  ///< null: std::cerr
};

/// Runs one command (`init`, `revision [--autogenerate] -m MSG`, `merge`,
/// `upgrade [TARGET] [--sql]`, `downgrade TARGET [--sql]`, `current`,
/// `history`, `heads`, `stamp TARGET [--sql]`); `argv[0]` is skipped.
/// Returns the exit status: 0, or 1 with the error on `err` (a
/// MigrationError names the revision and statement that failed), or 2 for
/// a malformed command line.
int main(int argc, const char* const* argv, const cli_config& config = {});

}  // namespace retort::migrate
