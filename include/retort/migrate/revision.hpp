// Revisions (Alembic's script directory): a migrations folder whose
// versions/ subfolder holds one text file per revision - its id, its parent
// revisions, a message, and the operations of its upgrade and downgrade.
// The files are read at run time, so a new revision needs no rebuild of the
// application; docs/migrations.md shows the format.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "retort/migrate/operations.hpp"

namespace retort::migrate {

struct revision {
  std::string id{};
  /// The revisions it follows (Alembic's down_revision): none for a first
  /// revision, two or more for a merge.
  std::vector<std::string> parents{};
  std::string message{};
  std::string created{};  ///< "2026-12-03 10:00:00 UTC"
  std::vector<operation_ptr> upgrade{};
  std::vector<operation_ptr> downgrade{};
  std::filesystem::path path{};
};

/// A revision's file text; `notes` become comments above its operations.
std::string write_revision(const revision& r, const std::vector<std::string>& notes = {});
/// Reads a revision file's text; `where` names it in errors (MigrationError, with the line).
revision parse_revision(std::string_view text, const std::string& where);

class script_directory {
 public:
  /// Creates `dir` with an empty versions/ folder and a README naming the
  /// format. MigrationError when `dir` exists and is not empty.
  static script_directory init(const std::filesystem::path& dir);
  /// Reads every `versions/*.migration` file of `dir`. MigrationError for a
  /// missing folder, a malformed file, two files with one id, a parent that
  /// is no revision, or a cycle.
  explicit script_directory(std::filesystem::path dir);

  const std::filesystem::path& directory() const noexcept { return dir_; }
  /// Every revision, parents before children (ties in file-name order).
  const std::vector<revision>& revisions() const noexcept { return revisions_; }
  /// The revision whose id is `id` or starts with it; MigrationError when
  /// none or several match.
  const revision& get(std::string_view id) const;
  /// Revisions no other revision follows, in revisions() order.
  std::vector<std::string> heads() const;
  /// `ids` and every revision they follow, directly or not.
  std::vector<std::string> ancestors(const std::vector<std::string>& ids) const;
  /// The revisions that follow `id`, directly or not (not `id` itself).
  std::vector<std::string> descendants(const std::string& id) const;
  /// Writes a new revision after `parents` (the heads when empty is not
  /// wanted: pass heads() yourself) and reloads. Returns it.
  const revision& create(const std::string& message, const std::vector<std::string>& parents,
                         const std::vector<operation_ptr>& upgrade, const std::vector<operation_ptr>& downgrade,
                         const std::vector<std::string>& notes = {});

 private:
  void load();
  std::filesystem::path dir_;
  std::vector<revision> revisions_;
};

/// A new revision id: 12 random hexadecimal digits, as Alembic makes them.
std::string new_revision_id();

}  // namespace retort::migrate
