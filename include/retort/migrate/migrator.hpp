// Running revisions (Alembic's `command.upgrade` / `downgrade` / `stamp`):
// the version table records the database's current heads; each revision runs
// in a transaction of its own, so a failed one leaves the database at the
// revision before it. On SQLite, a revision that rebuilds a table runs with
// foreign-key enforcement off (switched outside the transaction, where
// SQLite honours it) and ends with PRAGMA foreign_key_check before COMMIT.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "retort/engine/engine.hpp"
#include "retort/migrate/revision.hpp"

namespace retort::migrate {

/// The table holding the applied heads (Alembic's alembic_version).
inline constexpr std::string_view version_table = "retort_version";

class migrator {
 public:
  /// `progress`, when given, gets a line per revision run and per table rebuilt.
  migrator(engine::engine& e, const script_directory& scripts, std::ostream* progress = nullptr);

  /// The revisions the version table holds (none: the database is at base).
  std::vector<std::string> current();
  /// Runs the upgrades up to `target`: "head" (the one head), "heads", a
  /// revision id or a unique prefix of one, or "+N" steps from the current head.
  /// Returns the revisions run.
  std::vector<std::string> upgrade(std::string_view target = "heads");
  /// Runs the downgrades down to `target`: "base", a revision, or "-N" steps.
  std::vector<std::string> downgrade(std::string_view target);
  /// Sets the version table to `target` ("base", "heads", revisions) without running anything.
  void stamp(std::string_view target);

  /// Offline mode (Alembic's --sql): the SQL that upgrade(target) would run
  /// from the state `from` ("base" or revisions, comma-separated), without
  /// connecting. The schema the statements start from is the revisions'
  /// own (replayed from base), as Alembic's offline batch mode needs.
  std::string upgrade_sql(std::string_view target, std::string_view from = "base");
  std::string downgrade_sql(std::string_view target, std::string_view from);
  /// The statements stamp(target) would run from the state `from`.
  std::string stamp_sql(std::string_view target, std::string_view from = "base");

 private:
  struct step {
    const revision* rev;
    bool up;
  };
  std::vector<step> plan_upgrade(const std::vector<std::string>& applied, std::string_view target) const;
  std::vector<step> plan_downgrade(const std::vector<std::string>& applied, std::string_view target) const;
  std::vector<std::string> resolve(std::string_view target, const std::vector<std::string>& heads) const;
  std::vector<std::string> run(const std::vector<step>& steps, std::vector<std::string> heads);
  std::string script(const std::vector<step>& steps, std::vector<std::string> heads);

  engine::engine* engine_;
  const script_directory* scripts_;
  std::ostream* progress_;
};

}  // namespace retort::migrate
