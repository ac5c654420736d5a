// Running revisions: planning which to run, one transaction per revision,
// the version table, SQLite's foreign-key switch around table rebuilds, and
// the offline (--sql) script.
#include "retort/migrate/migrator.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "retort/engine/connection.hpp"
#include "retort/engine/inspector.hpp"
#include "retort/migrate/autogenerate.hpp"
#include "retort/util/error.hpp"

namespace retort::migrate {

namespace {

const std::string version_table_name(version_table);

std::string create_version_table(const sql::dialect& d) {
  return "CREATE TABLE IF NOT EXISTS " + d.quote(version_table_name) +
         " (\n\tversion_num VARCHAR(32) NOT NULL,\n\tCONSTRAINT retort_version_pkc PRIMARY KEY (version_num)\n)";
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

std::string join(const std::vector<std::string>& v, std::string_view sep = ", ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

bool parse_count(std::string_view s, int& n) {
  if (s.size() < 2) return false;
  n = 0;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9' || n > 100000) return false;
    n = n * 10 + (c - '0');
  }
  return n > 0;
}

}  // namespace

migrator::migrator(engine::engine& e, const script_directory& scripts, std::ostream* progress)
    : engine_(&e), scripts_(&scripts), progress_(progress) {}

std::vector<std::string> migrator::current() {
  auto c = engine_->connect();
  engine::inspector in(c);
  if (!in.has_table(version_table)) return {};
  std::vector<std::string> out;
  for (const auto& row : c.execute("SELECT version_num FROM " + c.dialect().quote(version_table_name)))
    out.push_back(row[0].as_string());
  // The table's order is the database's: give them in the revisions' order.
  std::vector<std::string> ordered;
  for (const auto& r : scripts_->revisions())
    if (has(out, r.id)) ordered.push_back(r.id);
  for (const auto& id : out)
    if (!has(ordered, id))
      throw MigrationError("the database is at revision " + id + ", which is no revision of " +
                           (scripts_->directory() / "versions").string());
  return ordered;
}

std::vector<std::string> migrator::resolve(std::string_view target, const std::vector<std::string>& heads) const {
  if (target == "heads") return scripts_->heads();
  if (target == "head") {
    auto h = scripts_->heads();
    if (h.size() > 1)
      throw MigrationError("there are several heads (" + join(h) + "): upgrade to 'heads', to one of them, or merge them");
    return h;
  }
  if (target == "base") return {};
  int n = 0;
  if ((target[0] == '+' || target[0] == '-') && parse_count(target, n)) {
    if (heads.size() > 1) throw MigrationError("'" + std::string(target) + "' is relative, but the database has several heads (" + join(heads) + ")");
    std::string at = heads.empty() ? "" : heads.front();
    for (int i = 0; i < n; ++i) {
      if (target[0] == '-') {
        if (at.empty()) throw MigrationError("'" + std::string(target) + "' goes below base");
        const auto& p = scripts_->get(at).parents;
        if (p.size() > 1) throw MigrationError("'" + std::string(target) + "' crosses merge revision " + at + ": name the revision");
        at = p.empty() ? "" : p.front();
      } else {
        std::vector<std::string> next;
        for (const auto& r : scripts_->revisions())
          if (at.empty() ? r.parents.empty() : has(r.parents, at)) next.push_back(r.id);
        if (next.empty()) throw MigrationError("'" + std::string(target) + "' goes above the head");
        if (next.size() > 1) throw MigrationError("'" + std::string(target) + "' reaches a branch point (" + join(next) + "): name the revision");
        at = next.front();
      }
    }
    return at.empty() ? std::vector<std::string>{} : std::vector<std::string>{at};
  }
  std::vector<std::string> out;
  std::string t(target);
  for (std::size_t s = 0; s <= t.size();) {  // "a,b": several revisions
    auto e = t.find(',', s);
    if (e == std::string::npos) e = t.size();
    if (e > s) out.push_back(scripts_->get(t.substr(s, e - s)).id);
    s = e + 1;
  }
  return out;
}

std::vector<migrator::step> migrator::plan_upgrade(const std::vector<std::string>& heads, std::string_view target) const {
  auto applied = scripts_->ancestors(heads);
  auto wanted = scripts_->ancestors(resolve(target, heads));
  std::vector<step> out;
  for (const auto& r : scripts_->revisions())
    if (has(wanted, r.id) && !has(applied, r.id)) out.push_back({&r, true});
  return out;
}

std::vector<migrator::step> migrator::plan_downgrade(const std::vector<std::string>& heads, std::string_view target) const {
  auto applied = scripts_->ancestors(heads);
  auto targets = resolve(target, heads);
  std::vector<std::string> remove;
  if (targets.empty()) {
    remove = applied;
  } else {
    for (const auto& t : targets) {
      if (!has(applied, t)) throw MigrationError("downgrade to " + t + ": the database is not at or above it (current: " + (heads.empty() ? std::string("base") : join(heads)) + ")");
      for (const auto& d : scripts_->descendants(t))
        if (has(applied, d) && !has(remove, d)) remove.push_back(d);
    }
  }
  std::vector<step> out;
  const auto& all = scripts_->revisions();
  for (auto it = all.rbegin(); it != all.rend(); ++it)
    if (has(remove, it->id)) out.push_back({&*it, false});
  return out;
}

namespace {

/// The heads after a step: the applied revisions no applied revision follows.
std::vector<std::string> heads_after(const script_directory& s, const std::vector<std::string>& heads,
                                     const revision& r, bool up) {
  auto applied = s.ancestors(heads);
  if (up) applied.push_back(r.id);
  else std::erase(applied, r.id);
  std::vector<std::string> out;
  for (const auto& id : applied) {
    bool followed = false;
    for (const auto& other : applied)
      if (has(s.get(other).parents, id)) followed = true;
    if (!followed) out.push_back(id);
  }
  return out;
}

/// The version table's changes from `before` to `after`, as statements with the ids inline
/// (ids are letters, digits and _ only: parse_revision checks).
std::vector<std::string> version_updates(const sql::dialect& d, const std::vector<std::string>& before,
                                         const std::vector<std::string>& after) {
  std::vector<std::string> out;
  auto table = d.quote(version_table_name);
  for (const auto& id : before)
    if (!has(after, id)) out.push_back("DELETE FROM " + table + " WHERE version_num = '" + id + "'");
  for (const auto& id : after)
    if (!has(before, id)) out.push_back("INSERT INTO " + table + " (version_num) VALUES ('" + id + "')");
  return out;
}

std::string arrow(const revision& r, bool up) {
  std::string parents = join(r.parents);
  return up ? parents + " -> " + r.id : r.id + " -> " + (parents.empty() ? std::string("base") : parents);
}

/// The schema the revisions up to `heads` make, from base (offline mode's starting point).
schema replayed(const script_directory& s, const std::vector<std::string>& heads, const sql::dialect& d) {
  schema out;
  auto applied = s.ancestors(heads);
  for (const auto& r : s.revisions())
    if (has(applied, r.id)) plan_statements(r.upgrade, d, out);
  return out;
}

}  // namespace

std::vector<std::string> migrator::upgrade(std::string_view target) {
  auto heads = current();
  return run(plan_upgrade(heads, target), heads);
}

std::vector<std::string> migrator::downgrade(std::string_view target) {
  auto heads = current();
  return run(plan_downgrade(heads, target), heads);
}

std::vector<std::string> migrator::run(const std::vector<step>& steps, std::vector<std::string> heads) {
  std::vector<std::string> done;
  if (steps.empty()) {
    if (progress_) *progress_ << "nothing to do: the database is at " << (heads.empty() ? "base" : join(heads)) << "\n";
    return done;
  }
  auto c = engine_->connect();
  const auto& d = c.dialect();
  c.execute_ddl(create_version_table(d));
  schema s = reflect_schema(c);
  s.remove(version_table);
  bool sqlite = d.name() == "sqlite";
  for (const auto& st : steps) {
    const revision& r = *st.rev;
    const auto& ops = st.up ? r.upgrade : r.downgrade;
    auto fail = [&](const std::string& statement, const std::string& why) -> MigrationError {
      return MigrationError((st.up ? "upgrade " : "downgrade ") + arrow(r, st.up) + " (" + r.message + ", " +
                            r.path.filename().string() + ") failed and was rolled back" +
                            (statement.empty() ? "" : " at the statement\n  " + statement) + "\n" + why);
    };
    schema planned = s;
    std::vector<std::string> rebuilt;
    std::vector<std::string> statements;
    try {  // an operation that does not fit the schema fails here, before anything runs
      statements = plan_statements(ops, d, planned, &rebuilt);
    } catch (const Error& e) {
      throw MigrationError((st.up ? "upgrade " : "downgrade ") + arrow(r, st.up) + " (" + r.message + ", " +
                           r.path.filename().string() + ") does not fit the schema; nothing of it ran\n" + e.what());
    }
    auto next = heads_after(*scripts_, heads, r, st.up);
    for (auto& v : version_updates(d, heads, next)) statements.push_back(std::move(v));
    if (progress_) *progress_ << (st.up ? "upgrade " : "downgrade ") << arrow(r, st.up) << ", " << r.message << "\n";
    // SQLite honours the switch only outside a transaction; a rebuild's DROP TABLE with
    // enforcement on would fire ON DELETE CASCADE on the children's rows.
    bool fk_off = sqlite && !rebuilt.empty();
    bool fk_was_on = false;
    if (fk_off) {
      fk_was_on = c.execute("PRAGMA foreign_keys").scalar().as_int() != 0;
      if (fk_was_on) c.execute_ddl("PRAGMA foreign_keys=OFF");
    }
    auto restore = [&] {
      if (fk_off && fk_was_on) c.execute_ddl("PRAGMA foreign_keys=ON");
    };
    try {
      auto tx = c.begin();
      for (const auto& sql : statements) {
        auto started = std::chrono::steady_clock::now();
        bool copy = progress_ && (sql.rfind("INSERT INTO _retort_tmp_", 0) == 0 || sql.rfind("INSERT INTO \"_retort_tmp_", 0) == 0);
        if (copy) {
          auto from = sql.substr(sql.rfind(" FROM ") + 6);
          auto rows = c.execute("SELECT count(*) FROM " + from).scalar().as_int();
          *progress_ << "  copying " << rows << " rows of " << from << " into its rebuilt table\n";
        }
        try {
          c.execute_ddl(sql);
        } catch (const std::exception& e) {
          throw fail(sql, e.what());
        }
        if (copy)
          *progress_ << "  copied in "
                     << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()
                     << " ms\n";
      }
      if (fk_off) {
        auto bad = c.execute("PRAGMA foreign_key_check");
        if (!bad.empty())
          throw fail("PRAGMA foreign_key_check",
                     std::to_string(bad.size()) + " row(s) break a foreign key, the first in table " + bad[0][0].as_string() +
                         " (rowid " + bad[0][1].repr() + ") referring to " + bad[0][2].as_string());
      }
      tx.commit();
    } catch (const MigrationError&) {
      restore();
      throw;
    } catch (const std::exception& e) {
      restore();
      throw fail("", e.what());
    }
    restore();
    for (const auto& t : rebuilt)
      if (progress_) *progress_ << "  rebuilt table " << t << "\n";
    s = std::move(planned);
    heads = std::move(next);
    done.push_back(r.id);
  }
  return done;
}

void migrator::stamp(std::string_view target) {
  auto heads = current();
  auto next = resolve(target, heads);
  auto c = engine_->connect();
  c.execute_ddl(create_version_table(c.dialect()));
  auto tx = c.begin();
  for (const auto& sql : version_updates(c.dialect(), heads, next)) c.execute_ddl(sql);
  tx.commit();
  if (progress_) *progress_ << "stamped " << (next.empty() ? std::string("base") : join(next)) << "\n";
}

std::string migrator::script(const std::vector<step>& steps, std::vector<std::string> heads) {
  const auto& d = engine_->dialect();
  std::string out = create_version_table(d) + ";\n\n";
  schema s = replayed(*scripts_, heads, d);
  for (const auto& st : steps) {
    const revision& r = *st.rev;
    std::vector<std::string> rebuilt;
    auto statements = plan_statements(st.up ? r.upgrade : r.downgrade, d, s, &rebuilt);
    auto next = heads_after(*scripts_, heads, r, st.up);
    bool fk_off = d.name() == "sqlite" && !rebuilt.empty();
    out += std::string("-- ") + (st.up ? "upgrade " : "downgrade ") + arrow(r, st.up) + ", " + r.message + "\n";
    if (fk_off) out += "PRAGMA foreign_keys=OFF;\n";
    out += "BEGIN;\n";
    for (const auto& sql : statements) out += sql + ";\n";
    for (const auto& sql : version_updates(d, heads, next)) out += sql + ";\n";
    if (fk_off) out += "PRAGMA foreign_key_check;\n";
    out += "COMMIT;\n";
    if (fk_off) out += "PRAGMA foreign_keys=ON;\n";
    out += "\n";
    heads = std::move(next);
  }
  return out;
}

std::string migrator::upgrade_sql(std::string_view target, std::string_view from) {
  auto heads = resolve(from, {});
  return script(plan_upgrade(heads, target), heads);
}

std::string migrator::stamp_sql(std::string_view target, std::string_view from) {
  const auto& d = engine_->dialect();
  auto heads = resolve(from, {});
  std::string out = create_version_table(d) + ";\n\n";
  for (const auto& sql : version_updates(d, heads, resolve(target, heads))) out += sql + ";\n";
  return out;
}

std::string migrator::downgrade_sql(std::string_view target, std::string_view from) {
  auto heads = resolve(from, {});
  return script(plan_downgrade(heads, target), heads);
}

}  // namespace retort::migrate
