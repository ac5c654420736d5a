// The set-based benchmark's driver (issue 14, item 6; docs/performance.md):
// Retort's bulk INSERT and ORM UPDATE / DELETE with criteria against the
// same statements written by hand on the raw drivers, and a streamed read of
// every row (query<T>().yield_per) against a hand-written cursor.
//
//   bench_bulk [--rows N] [--stream-rows M] [--rounds R] [--postgresql URL] [--no-sqlite]
//              [--quick] [--profile retort|raw]
//
// --quick is N = 5,000, one round. B4 and B4b read a table of M rows (default
// N), refilled untimed after B3 through the hand-written insert on both sides,
// so that the read can be large (1,000,000) while the writes stay at N.
// --profile runs one side alone, in this process, once, with no table (for
// perf: `perf record -g bench_bulk --profile retort`; PostgreSQL when
// --postgresql is given).
//
// Per database (a SQLite file in a temporary directory, then PostgreSQL when a
// URL is given) and per round, each implementation runs in a process of its
// own, in turn (hand-written, Retort, hand-written, ...): the workloads of
// bulk.hpp in order, each timed (wall, CPU of this process) with its peak RSS
// (VmHWM, reset to the current RSS just before the workload starts, so after
// any untimed setup: B4's peak is the RSS at the start of the read plus what
// the read adds). Every row count (for B4, SUM(qty)) and the table's
// fingerprint after every workload must equal the values computed here from
// the data's definition, on every side; the run stops at the first mismatch.
// Then one markdown table per database: medians over the rounds. On
// PostgreSQL the table lives in a schema of this run's own (search_path),
// dropped at the end, so concurrent runs on one server do not meet.
#include <libpq-fe.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bulk.hpp"

namespace {

struct sample {
  double wall_ms = 0, cpu_ms = 0;
  long rss_kib = 0;
  long rows = 0;  ///< what the workload returned: rows inserted, updated or deleted
};

struct workload {
  const char* name;
  const char* description;
  bool retort_only = false;  ///< no hand-written counterpart
  bool reads_m = false;      ///< on the table of M rows
};
const std::vector<workload> workloads = {
    {"B1a", "INSERT N rows from structs, commit"},
    {"B1b", "INSERT N rows from value rows, commit"},
    {"B2a", "UPDATE every row (qty + 1), sync none"},
    {"B2b", "UPDATE every row, sync auto, empty session"},
    {"B2c", "UPDATE 10% by id range (2 SETs), sync none"},
    {"B2d", "UPDATE 10% by id range, sync auto"},
    {"B3", "DELETE half the rows (price < 13.5)"},
    {"B4", "read M rows 1,000 at a time (yield_per), sum qty", false, true},
    {"B4b", "read M rows at once (all()), Retort only", true, true},
};

struct round_result {
  std::map<std::string, sample> samples;
  std::map<std::string, bench::fingerprint> states;  ///< the table after each workload
};

double cpu_ms_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](timeval t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

/// Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.
void reset_peak_rss() { std::ofstream("/proc/self/clear_refs") << "5"; }

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

sample measure(const std::function<long()>& work) {
  malloc_trim(0);
  reset_peak_rss();
  auto cpu = cpu_ms_now();
  auto start = std::chrono::steady_clock::now();
  sample s;
  s.rows = work();
  s.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  s.cpu_ms = cpu_ms_now() - cpu;
  s.rss_kib = peak_rss_kib();
  return s;
}

/// One round of one implementation, in this (child) process, as text lines:
/// "<workload> wall cpu rss rows", then "state <workload> f0 .. f6".
/// `fill` (untimed) refills the table with the M rows B4 reads.
std::string run_round(bench::implementation& impl, long n, const std::function<void()>& fill) {
  std::ostringstream out;
  auto emit = [&](const char* name, const std::function<long()>& work) {
    auto s = measure(work);
    out << name << ' ' << s.wall_ms << ' ' << s.cpu_ms << ' ' << s.rss_kib << ' ' << s.rows << '\n';
    out << "state " << name;
    for (long v : impl.state()) out << ' ' << v;
    out << '\n';
  };
  const long lo = bench::range_lo(n), hi = bench::range_hi(n);
  impl.reset();
  emit("B1a", [&] { return impl.b1_structs(n); });
  impl.reset();
  emit("B1b", [&] { return impl.b1_values(n); });
  emit("B2a", [&] { return impl.b2_all(bench::sync::none); });
  emit("B2b", [&] { return impl.b2_all(bench::sync::auto_); });
  emit("B2c", [&] { return impl.b2_range(lo, hi, bench::sync::none); });
  emit("B2d", [&] { return impl.b2_range(lo, hi, bench::sync::auto_); });
  emit("B3", [&] { return impl.b3_delete(); });
  fill();
  emit("B4", [&] { return impl.b4_read(); });
  // After B4, so B4's baseline is not what all() left behind.
  if (auto* orm = dynamic_cast<bench::orm_implementation*>(&impl)) emit("B4b", [&] { return orm->b4b_all(); });
  return out.str();
}

round_result parse(const std::string& who, const std::string& text, bool retort) {
  round_result r;
  std::istringstream in(text);
  std::string name;
  while (in >> name) {
    if (name == "state") {
      in >> name;
      for (auto& v : r.states[name]) in >> v;
      continue;
    }
    sample s;
    in >> s.wall_ms >> s.cpu_ms >> s.rss_kib >> s.rows;
    r.samples[name] = s;
  }
  for (const auto& w : workloads)
    if ((retort || !w.retort_only) && (!r.samples.count(w.name) || !r.states.count(w.name))) {
      std::fprintf(stderr, "%s: no result for %s; its output was:\n%s\n", who.c_str(), w.name, text.c_str());
      std::exit(1);
    }
  return r;
}

/// Runs `body` in a child process and returns what it printed; a failed child ends the run.
std::string in_child(const std::string& who, const std::function<std::string()>& body) {
  int fds[2];
  if (pipe(fds) != 0) std::exit(1);
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    auto text = body();
    for (std::size_t done = 0; done < text.size();) {
      auto k = write(fds[1], text.data() + done, text.size() - done);
      if (k <= 0) _exit(1);
      done += static_cast<std::size_t>(k);
    }
    close(fds[1]);
    std::fflush(nullptr);
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t k; (k = read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(k));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "%s failed (status %d)\n", who.c_str(), status);
    std::exit(1);
  }
  return text;
}

/// What every side must report, computed by applying each workload's
/// definition (bulk.hpp) to the rows in memory.
struct expectation {
  std::map<std::string, long> rows;
  std::map<std::string, bench::fingerprint> states;
};

/// The fingerprint of the table as freshly filled with m rows, computed row by
/// row without holding them: this process's heap is every child's starting RSS.
bench::fingerprint fresh_state(long m) {
  bench::fingerprint f{};
  double price4 = 0;
  for (long i = 0; i < m; ++i) {
    auto note = bench::item_note(i);
    f[0] += 1;
    f[1] += i + 1;
    f[2] += bench::item_qty(i);
    f[3] += static_cast<long>(bench::item_name(i).size());
    f[4] += note ? 1 : 0;
    f[5] += note ? static_cast<long>(note->size()) : 0;
    price4 += bench::item_price(i) * 4;
  }
  f[6] = static_cast<long>(price4);
  return f;
}

expectation expected(long n, long m) {
  struct row {
    long id, qty;
    double price;
    std::string name;
    std::optional<std::string> note;
  };
  std::vector<row> table;
  for (long i = 0; i < n; ++i)
    table.push_back({i + 1, bench::item_qty(i), bench::item_price(i), bench::item_name(i), bench::item_note(i)});
  auto state = [&table] {
    bench::fingerprint f{};
    double price4 = 0;
    for (const auto& r : table) {
      f[0] += 1;
      f[1] += r.id;
      f[2] += r.qty;
      f[3] += static_cast<long>(r.name.size());
      f[4] += r.note ? 1 : 0;
      f[5] += r.note ? static_cast<long>(r.note->size()) : 0;
      price4 += r.price * 4;
    }
    f[6] = static_cast<long>(price4);
    return f;
  };
  expectation e;
  auto record = [&](const char* name, long rows) {
    e.rows[name] = rows;
    e.states[name] = state();
  };
  record("B1a", n);
  record("B1b", n);
  auto update_all = [&] {
    long k = 0;
    for (auto& r : table)
      if (r.qty >= 0) ++r.qty, ++k;
    return k;
  };
  record("B2a", update_all());
  record("B2b", update_all());
  auto update_range = [&] {
    long k = 0;
    for (auto& r : table)
      if (r.id > bench::range_lo(n) && r.id <= bench::range_hi(n)) {
        ++r.qty;
        r.note = bench::touched_note;
        ++k;
      }
    return k;
  };
  record("B2c", update_range());
  record("B2d", update_range());
  auto before = static_cast<long>(table.size());
  std::erase_if(table, [](const row& r) { return r.price < bench::delete_below; });
  record("B3", before - static_cast<long>(table.size()));
  // The reads leave the table as the fill made it and return SUM(qty).
  for (const char* read : {"B4", "B4b"}) {
    e.states[read] = fresh_state(m);
    e.rows[read] = e.states[read][2];
  }
  return e;
}

void check(const std::string& who, const round_result& r, const expectation& e) {
  for (const auto& w : workloads) {
    if (!r.samples.count(w.name)) continue;  // a Retort-only workload on the hand-written side (parse checked)
    long got = r.samples.at(w.name).rows, want = e.rows.at(w.name);
    if (got != want) {
      std::fprintf(stderr, "%s: %s reported %ld %s, expected %ld\n", who.c_str(), w.name, got,
                   w.reads_m ? "as SUM(qty)" : "rows", want);
      std::exit(1);
    }
    const auto& f = r.states.at(w.name);
    const auto& g = e.states.at(w.name);
    if (f != g) {
      std::fprintf(stderr, "%s: the table after %s differs: ", who.c_str(), w.name);
      for (std::size_t i = 0; i < f.size(); ++i) std::fprintf(stderr, "%ld/%ld ", f[i], g[i]);
      std::fprintf(stderr, "(got/expected: rows, SUM id, qty, LENGTH(name), COUNT note, LENGTH(note), price*4)\n");
      std::exit(1);
    }
  }
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

struct side {
  std::string name;
  std::function<round_result(int round)> run;
  std::vector<round_result> rounds;
  double med(const std::string& w, double sample::*field) const {
    std::vector<double> v;
    for (const auto& r : rounds) v.push_back(r.samples.at(w).*field);
    return median(v);
  }
  double rss_mib(const std::string& w) const {
    std::vector<double> v;
    for (const auto& r : rounds) v.push_back(static_cast<double>(r.samples.at(w).rss_kib) / 1024.0);
    return median(v);
  }
};

void table(const std::string& database, long n, long m, const side& raw, const side& orm) {
  std::printf("\n### %s, N = %ld rows, B4 on M = %ld (median of %zu rounds)\n\n", database.c_str(), n, m,
              orm.rounds.size());
  std::printf("| workload | Retort wall ms | raw wall ms | **Retort/raw wall** | Retort CPU ms | raw CPU ms | "
              "Retort/raw CPU | peak RSS MiB Retort / raw |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
  for (const auto& w : workloads) {
    if (w.retort_only) {
      std::printf("| %s %s | %.1f | – | – | %.1f | – | – | %.0f / – |\n", w.name, w.description,
                  orm.med(w.name, &sample::wall_ms), orm.med(w.name, &sample::cpu_ms), orm.rss_mib(w.name));
      continue;
    }
    double ow = orm.med(w.name, &sample::wall_ms), rw = raw.med(w.name, &sample::wall_ms);
    double oc = orm.med(w.name, &sample::cpu_ms), rc = raw.med(w.name, &sample::cpu_ms);
    std::printf("| %s %s | %.1f | %.1f | **%.2fx** | %.1f | %.1f | %.2fx | %.0f / %.0f |\n", w.name, w.description, ow,
                rw, ow / rw, oc, rc, rc > 0 ? oc / rc : 0.0, orm.rss_mib(w.name), raw.rss_mib(w.name));
  }
}

std::string text_arg(int argc, char** argv, const char* name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return argv[i + 1];
  return fallback;
}

bool flag(int argc, char** argv, const char* name) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == name) return true;
  return false;
}

/// This run's PostgreSQL schema and SQLite directory: created at the start,
/// removed at exit, also when a mismatch ends the run (by this process, not its children).
std::string pg_admin_url, pg_schema;
std::filesystem::path sqlite_dir;
pid_t parent_pid = 0;

/// Runs `sql` on a connection of its own; false (and a message) when it fails.
bool pg_run(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  bool ok = PQstatus(c) == CONNECTION_OK;
  if (ok) {
    PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
    PGresult* r = PQexec(c, sql.c_str());
    ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) std::fprintf(stderr, "postgresql: %s: %s", sql.c_str(), PQresultErrorMessage(r));
    PQclear(r);
  } else {
    std::fprintf(stderr, "postgresql: %s", PQerrorMessage(c));
  }
  PQfinish(c);
  return ok;
}

void clean_up() {
  if (getpid() != parent_pid) return;
  std::error_code ignored;
  if (!sqlite_dir.empty()) std::filesystem::remove_all(sqlite_dir, ignored);
  if (pg_schema.empty()) return;
  auto schema = std::move(pg_schema);
  pg_schema.clear();
  (void)pg_run(pg_admin_url, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

/// The URL with search_path set to this run's schema, created empty.
std::string pg_url_in_own_schema(const std::string& url) {
  if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
    std::fprintf(stderr, "--postgresql takes a postgresql:// URL\n");
    std::exit(2);
  }
  pg_admin_url = url;
  pg_schema = "bench_bulk_" + std::to_string(parent_pid);
  if (!pg_run(url, "DROP SCHEMA IF EXISTS " + pg_schema + " CASCADE; CREATE SCHEMA " + pg_schema)) {
    pg_schema.clear();
    std::exit(1);
  }
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" + pg_schema;
}

std::unique_ptr<bench::implementation> make_raw(bool postgresql, const std::string& target) {
  return postgresql ? bench::make_raw_postgresql(target) : bench::make_raw_sqlite(target);
}

/// B4's table: m fresh rows through the hand-written insert on a connection of
/// its own, closed before the read (its page cache and buffers go with it).
void fill(bool postgresql, const std::string& target, long m) {
  auto raw = make_raw(postgresql, target);
  raw->reset();
  raw->b1_structs(m);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = flag(argc, argv, "--quick");
  long n = std::atol(text_arg(argc, argv, "--rows", quick ? "5000" : "100000").c_str());
  long rounds = std::atol(text_arg(argc, argv, "--rounds", quick ? "1" : "3").c_str());
  long m = std::atol(text_arg(argc, argv, "--stream-rows", std::to_string(n)).c_str());
  std::string pg_url = text_arg(argc, argv, "--postgresql", "");
  if (n < 100 || n % 100 != 0) {
    std::fprintf(stderr, "--rows must be a multiple of 100, at least 100 (B3 deletes exactly half)\n");
    return 2;
  }
  if (m < 1) {
    std::fprintf(stderr, "--stream-rows must be at least 1\n");
    return 2;
  }
  if (rounds < 1) {
    std::fprintf(stderr, "--rounds must be at least 1\n");
    return 2;
  }
  parent_pid = getpid();
  std::atexit(clean_up);
  if (!pg_url.empty()) pg_url = pg_url_in_own_schema(pg_url);
  auto want = expected(n, m);
  auto dir = std::filesystem::temp_directory_path() / ("retort-bulk-" + std::to_string(parent_pid));
  std::filesystem::create_directories(dir);
  sqlite_dir = dir;

  if (auto who = text_arg(argc, argv, "--profile", ""); !who.empty()) {
    bool pg = !pg_url.empty();
    auto path = (dir / "profile.db").string();
    auto target = pg ? pg_url : path;
    std::unique_ptr<bench::implementation> impl;
    if (who == "raw")
      impl = make_raw(pg, target);
    else
      impl = bench::make_retort(pg, target);
    auto text = run_round(*impl, n, [&] { fill(pg, target, m); });
    impl.reset();
    check(who, parse(who, text, who != "raw"), want);
    std::printf("%s", text.c_str());
    return 0;
  }

  struct database {
    std::string label;
    bool postgresql;
  };
  std::vector<database> databases;
  if (!flag(argc, argv, "--no-sqlite")) databases.push_back({"SQLite (file, WAL, foreign keys on)", false});
  if (!pg_url.empty()) databases.push_back({"PostgreSQL 15 (loopback)", true});

  std::printf("## Set-based work: Retort's bulk INSERT, UPDATE and DELETE against hand-written driver code\n");
  for (const auto& db : databases) {
    auto target = [&](const std::string& who, int round) {
      if (db.postgresql) return pg_url;
      auto path = dir / (who + std::to_string(round) + ".db");
      std::filesystem::remove(path);
      return path.string();
    };
    auto make_side = [&](const std::string& name, const std::string& file, bool retort) {
      return side{name, [&, name, file, retort](int r) {
                    auto t = target(file, r);
                    return parse(name,
                                 in_child(name,
                                          [&] {
                                            std::unique_ptr<bench::implementation> impl;
                                            if (retort)
                                              impl = bench::make_retort(db.postgresql, t);
                                            else
                                              impl = make_raw(db.postgresql, t);
                                            return run_round(*impl, n, [&] { fill(db.postgresql, t, m); });
                                          }),
                                 retort);
                  }, {}};
    };
    std::vector<side> sides{make_side("hand-written", "raw", false), make_side("Retort", "retort", true)};
    for (int r = 0; r < rounds; ++r)
      for (auto& s : sides) {
        auto result = s.run(r);
        check(s.name + " on " + db.label, result, want);
        s.rounds.push_back(std::move(result));
        std::fprintf(stderr, "%s, round %d/%ld: %s done\n", db.label.c_str(), r + 1, rounds, s.name.c_str());
      }
    table(db.label, n, m, sides[0], sides[1]);
  }
  std::printf("\nEvery row count and the table's fingerprint after every workload matched on both sides.\n");
  return 0;
}
