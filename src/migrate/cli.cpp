// retort-migrate's commands, on CLI11. Each command is a few calls into the
// migrate library; everything that can fail raises a typed error, reported
// here as one message and exit status 1.
#include "retort/migrate/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <set>

#include "retort/database.hpp"
#include "retort/engine/connection.hpp"
#include "retort/migrate/autogenerate.hpp"
#include "retort/migrate/migrator.hpp"
#include "retort/util/error.hpp"

namespace retort::migrate {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

/// `table.old=new` (a column) or `old=new` (a table).
rename_hint parse_rename(const std::string& s) {
  auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
    throw ArgumentError("--rename " + s + ": expected table.old=new (a column) or old=new (a table)");
  rename_hint h;
  auto left = s.substr(0, eq);
  h.to = s.substr(eq + 1);
  auto dot = left.find('.');
  if (dot == std::string::npos) {
    h.from = left;
  } else {
    h.table = left.substr(0, dot);
    h.from = left.substr(dot + 1);
  }
  return h;
}

engine::engine open_engine(const std::string& url) {
  if (url.empty()) throw ArgumentError("no database: give --url or set RETORT_DATABASE_URL");
  register_builtin_backends();
  return engine::engine(url);
}

void print_revision_line(std::ostream& out, const script_directory& s, const revision& r) {
  auto heads = s.heads();
  auto children = 0;
  for (const auto& o : s.revisions())
    for (const auto& p : o.parents) children += p == r.id;
  out << (r.parents.empty() ? std::string("<base>") : join(r.parents)) << " -> " << r.id;
  if (std::find(heads.begin(), heads.end(), r.id) != heads.end()) out << " (head)";
  if (children > 1) out << " (branchpoint)";
  if (r.parents.size() > 1) out << " (mergepoint)";
  out << ", " << r.message << "\n";
}

}  // namespace

int main(int argc, const char* const* argv, const cli_config& config) {
  std::ostream& out = config.out ? *config.out : std::cout;
  std::ostream& err = config.err ? *config.err : std::cerr;
  CLI::App app{"Schema migrations for Retort models: revisions in a folder, applied with upgrade and downgrade.",
               config.program};
  app.require_subcommand(1);
  std::string url = config.url;
  if (url.empty())
    if (const char* e = std::getenv("RETORT_DATABASE_URL")) url = e;
  std::string directory = config.directory;
  app.add_option("--url", url, "The database URL (default: $RETORT_DATABASE_URL)");
  app.add_option("-d,--directory", directory, "The migrations folder")->capture_default_str();

  auto* init = app.add_subcommand("init", "Create the migrations folder");

  auto* rev = app.add_subcommand("revision", "Create a revision file");
  std::string message;
  bool autogenerate = false;
  std::vector<std::string> renames;
  std::string head;
  rev->add_option("-m,--message", message, "What the revision does")->required();
  rev->add_flag("--autogenerate", autogenerate, "Fill it with the changes from the database to the models");
  rev->add_option("--rename", renames, "A rename autogenerate cannot see: table.old=new or old=new (a table)");
  rev->add_option("--head", head, "The revision to follow, when there are several heads");

  auto* merge = app.add_subcommand("merge", "Create a revision that joins heads");
  std::vector<std::string> merge_revs;
  merge->add_option("-m,--message", message, "What the merge is")->required();
  merge->add_option("revisions", merge_revs, "The heads to join (default: all)");

  std::string target;
  bool sql = false;
  auto* up = app.add_subcommand("upgrade", "Run the upgrades up to a revision");
  up->add_option("target", target, "head, heads, a revision or +N (with --sql: [from:]to)")->default_val("head");
  up->add_flag("--sql", sql, "Print the SQL instead of running it (offline mode)");
  auto* down = app.add_subcommand("downgrade", "Run the downgrades down to a revision");
  down->add_option("target", target, "base, a revision or -N (with --sql: from:to)")->required();
  down->add_flag("--sql", sql, "Print the SQL instead of running it (offline mode)");
  auto* current = app.add_subcommand("current", "Show the database's revision");
  auto* history = app.add_subcommand("history", "List the revisions, newest first");
  auto* heads = app.add_subcommand("heads", "List the head revisions");
  auto* stamp = app.add_subcommand("stamp", "Set the database's revision without running anything");
  stamp->add_option("target", target, "base, heads or a revision")->required();
  stamp->add_flag("--sql", sql, "Print the SQL instead of running it (offline mode)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? 0 : 2;
  }

  try {
    if (init->parsed()) {
      script_directory::init(directory);
      out << "created " << directory << "/versions; next: " << config.program << " revision --autogenerate -m \"...\"\n";
      return 0;
    }
    script_directory scripts(directory);
    if (rev->parsed() || merge->parsed()) {
      std::vector<std::string> parents;
      if (merge->parsed()) {
        parents = merge_revs.empty() ? scripts.heads() : merge_revs;
        if (parents.size() < 2) throw MigrationError("merge: there is nothing to merge (heads: " + join(scripts.heads()) + ")");
        for (auto& p : parents) p = scripts.get(p).id;
        const auto& r = scripts.create(message, parents, {}, {});
        out << "created merge revision " << r.id << " of " << join(r.parents) << ": " << r.path.string() << "\n";
        return 0;
      }
      parents = head.empty() ? scripts.heads() : std::vector<std::string>{scripts.get(head).id};
      if (parents.size() > 1)
        throw MigrationError("there are several heads (" + join(parents) + "): give --head, or merge them first");
      comparison diff;
      compare_options options;
      for (const auto& r : renames) options.renames.push_back(parse_rename(r));
      if (autogenerate) {
        if (!config.models)
          throw ArgumentError("--autogenerate needs the application's models: call retort::migrate::main from the "
                              "application with cli_config::models (see docs/migrations.md)");
        auto e = open_engine(url);
        migrator m(e, scripts);
        auto at = m.current();
        if (std::set<std::string>(at.begin(), at.end()) != std::set<std::string>(parents.begin(), parents.end()))
          throw MigrationError("the database is not up to date (it is at " + (at.empty() ? std::string("base") : join(at)) +
                               ", the revisions' head is " + (parents.empty() ? std::string("base") : join(parents)) +
                               "): upgrade it first");
        auto c = e.connect();
        auto db = reflect_schema(c);
        diff = compare(db, config.models->metadata(), e.dialect(), options);
      } else if (!renames.empty()) {
        throw ArgumentError("--rename is a hint for --autogenerate");
      }
      const auto& r = scripts.create(message, parents, diff.upgrade, diff.downgrade, diff.notes);
      if (autogenerate && diff.empty()) out << "no changes detected\n";
      for (const auto& o : diff.upgrade) out << "  " << o->describe() << "\n";
      for (const auto& n : diff.notes) out << "  note: " << n << "\n";
      out << "created revision " << r.id << ": " << r.path.string() << "\n";
      return 0;
    }
    if (history->parsed()) {
      const auto& all = scripts.revisions();
      for (auto it = all.rbegin(); it != all.rend(); ++it) print_revision_line(out, scripts, *it);
      return 0;
    }
    if (heads->parsed()) {
      for (const auto& h : scripts.heads()) print_revision_line(out, scripts, scripts.get(h));
      return 0;
    }
    auto e = open_engine(url);
    migrator m(e, scripts, &out);
    if (current->parsed()) {
      auto at = m.current();
      if (at.empty()) out << "base (no revision applied)\n";
      for (const auto& id : at) print_revision_line(out, scripts, scripts.get(id));
      return 0;
    }
    if (sql) {
      auto colon = target.find(':');
      std::string from = colon == std::string::npos ? "base" : target.substr(0, colon);
      std::string to = colon == std::string::npos ? target : target.substr(colon + 1);
      if (up->parsed()) out << m.upgrade_sql(to, from);
      else if (down->parsed()) {
        if (colon == std::string::npos) throw ArgumentError("downgrade --sql needs a range, from:to (offline mode does not read the database)");
        out << m.downgrade_sql(to, from);
      } else {
        out << m.stamp_sql(to, from);
      }
      return 0;
    }
    if (up->parsed()) m.upgrade(target);
    else if (down->parsed()) m.downgrade(target);
    else if (stamp->parsed()) m.stamp(target);
    return 0;
  } catch (const Error& e) {
    err << config.program << ": error: " << e.what() << "\n";
    return 1;
  } catch (const std::filesystem::filesystem_error& e) {
    err << config.program << ": error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace retort::migrate
