// Revision files and the graph they make: reading, writing, heads, ancestry.
#include "retort/migrate/revision.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "retort/util/error.hpp"
#include "retort/util/topological.hpp"

namespace retort::migrate {

namespace fs = std::filesystem;

namespace {

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) return false;
  return true;
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_ids(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + " ") {
    if (c == ' ' || c == ',' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

std::string slug(const std::string& message) {
  std::string out;
  for (char c : message) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a'), keep = true;
    if (keep) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
    if (out.size() >= 40) break;
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string now_utc() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

std::string new_revision_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string out;
  auto v = rng();
  for (int i = 0; i < 12; ++i) out += hex[(v >> (i * 4)) & 0xf];
  return out;
}

std::string write_revision(const revision& r, const std::vector<std::string>& notes) {
  std::string out = "# Retort migration: " + r.message + "\n";
  out += "revision: " + r.id + "\n";
  out += "down_revision:";
  for (const auto& p : r.parents) out += " " + p;
  out += "\nmessage: " + r.message + "\ncreated: " + r.created + "\n\nupgrade:\n";
  for (const auto& n : notes) out += "    # note: " + n + "\n";
  for (const auto& o : r.upgrade) o->write(out, "    ");
  out += "\ndowngrade:\n";
  for (const auto& o : r.downgrade) o->write(out, "    ");
  return out;
}

revision parse_revision(std::string_view text, const std::string& where) {
  revision r;
  std::set<std::string> seen;
  enum { header, up, down } section = header;
  std::string up_text, down_text;
  int up_line = 0, down_line = 0, line_no = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    ++line_no;
    start = end + 1;
    std::string at = where + ":" + std::to_string(line_no);
    bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    auto t = trim(line);
    if (!indented && (t == "upgrade:" || t == "downgrade:")) {
      if (seen.count(t)) throw MigrationError(at + ": a second '" + t + "' section");
      seen.insert(t);
      section = t == "upgrade:" ? up : down;
      (section == up ? up_line : down_line) = line_no + 1;
    } else if (section == header) {
      if (t.empty() || t[0] == '#') {
      } else {
        auto colon = t.find(':');
        if (colon == std::string::npos) throw MigrationError(at + ": expected 'key: value' or a section ('upgrade:', 'downgrade:')");
        auto key = trim(t.substr(0, colon));
        auto value = trim(t.substr(colon + 1));
        if (seen.count(key)) throw MigrationError(at + ": '" + key + "' is given twice");
        seen.insert(key);
        if (key == "revision") r.id = value;
        else if (key == "down_revision") r.parents = split_ids(value);
        else if (key == "message") r.message = value;
        else if (key == "created") r.created = value;
        else throw MigrationError(at + ": unknown header '" + key + "' (revision, down_revision, message, created)");
      }
    } else {
      if (!t.empty() && !indented && t[0] != '#')
        throw MigrationError(at + ": an operation line is indented under 'upgrade:' or 'downgrade:'");
      std::string& body = section == up ? up_text : down_text;
      body.append(line);
      body += '\n';
    }
    if (end == text.size()) break;
  }
  if (r.id.empty()) throw MigrationError(where + ": no 'revision:' line");
  if (!valid_id(r.id)) throw MigrationError(where + ": revision id '" + r.id + "' is not 1-32 letters, digits or _");
  for (const auto& p : r.parents)
    if (!valid_id(p)) throw MigrationError(where + ": down_revision '" + p + "' is not a revision id");
  if (!seen.count("upgrade:")) throw MigrationError(where + ": no 'upgrade:' section");
  if (!seen.count("downgrade:")) throw MigrationError(where + ": no 'downgrade:' section");
  r.upgrade = parse_operations(up_text, where, up_line);
  r.downgrade = parse_operations(down_text, where, down_line);
  return r;
}

// ---------------------------------------------------------------- the directory

script_directory script_directory::init(const fs::path& dir) {
  if (fs::exists(dir) && !fs::is_empty(dir))
    throw MigrationError("init: " + dir.string() + " exists and is not empty");
  fs::create_directories(dir / "versions");
  std::ofstream readme(dir / "README");
  readme << "Retort migrations. One revision per file in versions/, applied with\n"
            "`retort-migrate upgrade`; see Retort's docs/migrations.md for the format.\n";
  return script_directory(dir);
}

script_directory::script_directory(fs::path dir) : dir_(std::move(dir)) { load(); }

void script_directory::load() {
  auto versions = dir_ / "versions";
  if (!fs::is_directory(versions))
    throw MigrationError(dir_.string() + " is not a migrations folder (no versions/ in it; run `init` first)");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(versions))
    if (e.is_regular_file() && e.path().extension() == ".migration") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<revision> revs;
  std::map<std::string, std::size_t> by_id;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    auto r = parse_revision(ss.str(), f.string());
    r.path = f;
    if (by_id.count(r.id))
      throw MigrationError(f.string() + ": revision " + r.id + " is also " + revs[by_id[r.id]].path.string());
    by_id[r.id] = revs.size();
    revs.push_back(std::move(r));
  }
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t i = 0; i < revs.size(); ++i)
    for (const auto& p : revs[i].parents) {
      auto it = by_id.find(p);
      if (it == by_id.end())
        throw MigrationError(revs[i].path.string() + ": down_revision " + p + " is no revision of " + versions.string());
      edges.emplace_back(it->second, i);
    }
  std::vector<std::size_t> cyclic;
  auto order = util::topological_sort(revs.size(), edges, &cyclic);
  if (!cyclic.empty())
    throw MigrationError(versions.string() + ": the down_revision links of revision " + revs[cyclic.front()].id +
                         " (and others) form a cycle");
  revisions_.clear();
  for (auto i : order) revisions_.push_back(std::move(revs[i]));
}

const revision& script_directory::get(std::string_view id) const {
  const revision* found = nullptr;
  for (const auto& r : revisions_) {
    if (r.id == id) return r;
    if (!id.empty() && r.id.compare(0, id.size(), id) == 0) {
      if (found) throw MigrationError("revision '" + std::string(id) + "' is ambiguous: " + found->id + ", " + r.id + ", ...");
      found = &r;
    }
  }
  if (!found) throw MigrationError("no revision '" + std::string(id) + "' in " + (dir_ / "versions").string());
  return *found;
}

std::vector<std::string> script_directory::heads() const {
  std::set<std::string> followed;
  for (const auto& r : revisions_)
    for (const auto& p : r.parents) followed.insert(p);
  std::vector<std::string> out;
  for (const auto& r : revisions_)
    if (!followed.count(r.id)) out.push_back(r.id);
  return out;
}

std::vector<std::string> script_directory::ancestors(const std::vector<std::string>& ids) const {
  std::set<std::string> in;
  std::vector<std::string> todo;
  for (const auto& id : ids) todo.push_back(get(id).id);
  while (!todo.empty()) {
    auto id = todo.back();
    todo.pop_back();
    if (!in.insert(id).second) continue;
    for (const auto& p : get(id).parents) todo.push_back(p);
  }
  std::vector<std::string> out;
  for (const auto& r : revisions_)
    if (in.count(r.id)) out.push_back(r.id);
  return out;
}

std::vector<std::string> script_directory::descendants(const std::string& id) const {
  std::set<std::string> in{get(id).id};
  std::vector<std::string> out;
  for (const auto& r : revisions_)  // parents come first, so one pass finds every descendant
    for (const auto& p : r.parents)
      if (in.count(p) && !in.count(r.id)) {
        in.insert(r.id);
        out.push_back(r.id);
      }
  return out;
}

const revision& script_directory::create(const std::string& message, const std::vector<std::string>& parents,
                                         const std::vector<operation_ptr>& upgrade,
                                         const std::vector<operation_ptr>& downgrade,
                                         const std::vector<std::string>& notes) {
  revision r;
  r.id = new_revision_id();
  for (const auto& p : parents) r.parents.push_back(get(p).id);
  r.message = message;
  for (auto& c : r.message)
    if (c == '\n' || c == '\r') c = ' ';
  r.created = now_utc();
  r.upgrade = upgrade;
  r.downgrade = downgrade;
  auto name = r.id + (slug(message).empty() ? "" : "_" + slug(message)) + ".migration";
  auto path = dir_ / "versions" / name;
  {
    std::ofstream out(path, std::ios::binary);
    out << write_revision(r, notes);
    if (!out) throw MigrationError("could not write " + path.string());
  }
  load();
  return get(r.id);
}

}  // namespace retort::migrate
