// The seven-workload benchmark's driver (issue 12; docs/performance.md).
//
//   bench_workloads [--users N] [--rounds R] [--postgresql URL] [--no-sqlite]
//                   [--sqlalchemy PYTHON] [--quick] [--profile retort|raw]
//
// --profile runs one C++ side alone, in this process, once, with no table
// (for perf / callgrind: `perf record -g bench_workloads --profile retort`).
//
// Per database (a SQLite file, then PostgreSQL when a URL is given) and per
// round, each implementation runs once in a process of its own, in turn
// (hand-written, Retort, SQLAlchemy, hand-written, ...): reset, W1 .. W7.
// Each workload is timed (wall, CPU of this process) with its peak RSS
// (VmHWM, reset before it). Every checksum and both fingerprints must equal
// the values computed here from the data's definition, on every side; the
// run stops at the first mismatch. Then one markdown table per database:
// medians over the rounds.
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

#include "workloads.hpp"

namespace {

struct sample {
  double wall_ms = 0, cpu_ms = 0;
  long rss_kib = 0;
  bench::checksum sum;
};

const std::vector<std::string> workload_names = {"W1", "W2", "W3a", "W3b", "W4", "W5a", "W5b", "W6", "W7"};

struct round_result {
  std::map<std::string, sample> samples;
  bench::fingerprint after_w1{}, after_w7{};
};

double cpu_ms_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto ms = [](timeval t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

/// Linux: writing 5 to clear_refs resets the peak resident set (VmHWM) to the current one.
void reset_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}

sample measure(const std::function<bench::checksum()>& work) {
  malloc_trim(0);
  reset_peak_rss();
  auto cpu = cpu_ms_now();
  auto start = std::chrono::steady_clock::now();
  sample s;
  s.sum = work();
  s.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  s.cpu_ms = cpu_ms_now() - cpu;
  s.rss_kib = peak_rss_kib();
  return s;
}

/// One round of one C++ implementation, in this (child) process; lines in sqlalchemy_side.py's format.
std::string run_round(bench::implementation& impl, long n) {
  std::ostringstream out;
  auto emit = [&out](const std::string& name, const sample& s) {
    out << name << ' ' << s.wall_ms << ' ' << s.cpu_ms << ' ' << s.rss_kib << ' ' << s.sum.a << ' ' << s.sum.b << ' '
        << s.sum.c << '\n';
  };
  auto emit_state = [&out](const std::string& name, const bench::fingerprint& f) {
    out << name;
    for (long v : f) out << ' ' << v;
    out << '\n';
  };
  impl.reset();
  emit("W1", measure([&] { return impl.w1_create(n); }));
  emit_state("fingerprint1", impl.state());
  emit("W2", measure([&] { return impl.w2_users_with_posts(); }));
  emit("W3a", measure([&] { return impl.w3_lazy_posts(true); }));
  emit("W3b", measure([&] { return impl.w3_lazy_posts(false); }));
  emit("W4", measure([&] { return impl.w4_tag_histogram(); }));
  emit("W5a", measure([&] { return impl.w5_gets(false, n); }));
  emit("W5b", measure([&] { return impl.w5_gets(true, n); }));
  emit("W6", measure([&] { return impl.w6_edit_titles(n); }));
  emit("W7", measure([&] { return impl.w7_delete_cascade(); }));
  emit_state("fingerprint7", impl.state());
  return out.str();
}

round_result parse(const std::string& who, const std::string& text) {
  round_result r;
  std::istringstream in(text);
  std::string name;
  while (in >> name) {
    if (name == "fingerprint1" || name == "fingerprint7") {
      auto& f = name == "fingerprint1" ? r.after_w1 : r.after_w7;
      for (auto& v : f) in >> v;
      continue;
    }
    sample s;
    in >> s.wall_ms >> s.cpu_ms >> s.rss_kib >> s.sum.a >> s.sum.b >> s.sum.c;
    r.samples[name] = s;
  }
  for (const auto& w : workload_names)
    if (!r.samples.count(w)) {
      std::fprintf(stderr, "%s: no result for %s; its output was:\n%s\n", who.c_str(), w.c_str(), text.c_str());
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

std::string run_command(const std::string& who, const std::string& command) {
  std::fflush(nullptr);
  FILE* p = popen(command.c_str(), "r");
  if (!p) std::exit(1);
  std::string text;
  char buf[4096];
  for (std::size_t k; (k = std::fread(buf, 1, sizeof buf, p)) > 0;) text.append(buf, k);
  if (pclose(p) != 0) {
    std::fprintf(stderr, "%s failed: %s\n", who.c_str(), command.c_str());
    std::exit(1);
  }
  return text;
}

/// What every side must report, computed from the data's definition (workloads.hpp).
struct expectation {
  std::map<std::string, bench::checksum> sums;
  bench::fingerprint after_w1{}, after_w7{};
};

expectation expected(long n) {
  using namespace bench;
  expectation e;
  long titles = 0, edited_titles = 0, edited_ids = 0, first_ids = 0, user_sum = 0, links_product = 0;
  std::vector<long> per_tag(tag_count);
  long titles_kept = 0, user_sum_kept = 0, links_product_kept = 0;
  for (long u = 0; u < n; ++u)
    for (long p = 0; p < posts_per_user; ++p) {
      long g = u * posts_per_user + p, id = g + 1;
      long len = static_cast<long>(title(u, p).size());
      titles += len;
      user_sum += u + 1;
      for (long k = 0; k < tags_per_post; ++k) {
        ++per_tag[static_cast<std::size_t>(tag_of(g, k))];
        links_product += id * (tag_of(g, k) + 1);
        if (u >= 1000) links_product_kept += id * (tag_of(g, k) + 1);
      }
      if (id <= n) {
        edited_titles += len + 7;
        edited_ids += id;
      }
      if (u < 1000) first_ids += id;
      if (u >= 1000) {
        titles_kept += len + (id <= n ? 7 : 0);
        user_sum_kept += u + 1;
      }
    }
  long squares = 0;
  for (long c : per_tag) squares += c * c;
  auto gets = [n](long count) {
    checksum s{count, 0, 0};
    for (long i = 0; i < count; ++i) {
      long id = (i * 7919) % n + 1;
      s.b += id;
      s.c += static_cast<long>(username(id - 1).size());
    }
    return s;
  };
  long posts = n * posts_per_user, links = posts * tags_per_post;
  e.sums = {{"W1", {n, posts, links}},
            {"W2", {n, posts, titles}},
            {"W3a", {1000, 1000 * posts_per_user, first_ids}},
            {"W3b", {1000, 1000 * posts_per_user, first_ids}},
            {"W4", {posts, links, squares}},
            {"W5a", gets(100'000)},
            {"W5b", gets(10'000)},
            {"W6", {n, edited_titles, edited_ids}},
            {"W7", {1000, 1000 * posts_per_user, 1000 * posts_per_user * tags_per_post}}};
  e.after_w1 = {n, posts, links, titles, user_sum, links_product};
  e.after_w7 = {n - 1000, (n - 1000) * posts_per_user, (n - 1000) * posts_per_user * tags_per_post, titles_kept,
                user_sum_kept, links_product_kept};
  return e;
}

void check(const std::string& who, const round_result& r, const expectation& e) {
  for (const auto& w : workload_names) {
    const auto& got = r.samples.at(w).sum;
    const auto& want = e.sums.at(w);
    if (!(got == want)) {
      std::fprintf(stderr, "%s: %s checksum %ld %ld %ld, expected %ld %ld %ld\n", who.c_str(), w.c_str(), got.a, got.b,
                   got.c, want.a, want.b, want.c);
      std::exit(1);
    }
  }
  for (auto [name, got, want] : {std::tuple{"after W1", r.after_w1, e.after_w1}, {"after W7", r.after_w7, e.after_w7}})
    if (got != want) {
      std::fprintf(stderr, "%s: database state %s differs: ", who.c_str(), name);
      for (std::size_t i = 0; i < got.size(); ++i) std::fprintf(stderr, "%ld/%ld ", got[i], want[i]);
      std::fprintf(stderr, "(got/expected)\n");
      std::exit(1);
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

const char* description(const std::string& w) {
  static const std::map<std::string, const char*> d = {
      {"W1", "create the graph, one commit"},
      {"W2", "all users + posts (selectin)"},
      {"W3a", "1,000 users, lazy posts, batched"},
      {"W3b", "1,000 users, lazy posts, N+1"},
      {"W4", "all posts + tags, histogram"},
      {"W5a", "100,000 gets, identity-map hits"},
      {"W5b", "10,000 gets, fresh sessions"},
      {"W6", "edit 10% of titles, commit"},
      {"W7", "delete 1,000 users, cascade"}};
  return d.at(w);
}

void table(const std::string& database, long n, const std::vector<side>& sides) {
  const side& raw = sides[0];
  const side& orm = sides[1];
  const side* sa = sides.size() > 2 ? &sides[2] : nullptr;
  std::printf("\n### %s, N = %ld users (median of %zu rounds)\n\n", database.c_str(), n, orm.rounds.size());
  std::printf("| workload | Retort CPU ms | raw CPU ms | **Retort/raw CPU** | Retort wall ms | raw wall ms | Retort/raw wall |%s"
              " peak RSS MiB Retort / raw%s |\n",
              sa ? " SQLAlchemy 1.4.46 wall ms | SQLAlchemy/Retort wall |" : "", sa ? " / SQLAlchemy" : "");
  std::printf("|---|---:|---:|---:|---:|---:|---:|%s---:|\n", sa ? "---:|---:|" : "");
  for (const auto& w : workload_names) {
    double oc = orm.med(w, &sample::cpu_ms), rc = raw.med(w, &sample::cpu_ms);
    double ow = orm.med(w, &sample::wall_ms), rw = raw.med(w, &sample::wall_ms);
    std::printf("| %s %s | %.1f | %.1f | **%.2fx** | %.1f | %.1f | %.2fx |", w.c_str(), description(w), oc, rc,
                oc / rc, ow, rw, ow / rw);
    if (sa) {
      double sw = sa->med(w, &sample::wall_ms);
      std::printf(" %.1f | %.1fx |", sw, sw / ow);
    }
    std::printf(" %.0f / %.0f", orm.rss_mib(w), raw.rss_mib(w));
    if (sa) std::printf(" / %.0f", sa->rss_mib(w));
    std::printf(" |\n");
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

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = flag(argc, argv, "--quick");
  long n = std::atol(text_arg(argc, argv, "--users", quick ? "2000" : "10000").c_str());
  long rounds = std::atol(text_arg(argc, argv, "--rounds", quick ? "1" : "3").c_str());
  std::string pg_url = text_arg(argc, argv, "--postgresql", "");
  std::string python = text_arg(argc, argv, "--sqlalchemy", "");
  std::string script = text_arg(argc, argv, "--sqlalchemy-script", RETORT_BENCH_WORKLOADS_DIR "/sqlalchemy_side.py");
  if (n < 2000 || n % bench::posts_per_user != 0) {
    std::fprintf(stderr, "--users must be a multiple of 10, at least 2000 (W3 and W7 take the first 1,000)\n");
    return 2;
  }
  auto want = expected(n);
  auto dir = std::filesystem::temp_directory_path() / ("retort-workloads-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  struct database {
    std::string label;
    bool postgresql;
  };
  if (auto who = text_arg(argc, argv, "--profile", ""); !who.empty()) {
    bool pg = !pg_url.empty();
    auto path = (dir / "profile.db").string();
    auto impl = who == "raw" ? (pg ? bench::make_raw_postgresql(pg_url) : bench::make_raw_sqlite(path))
                             : bench::make_retort(pg, pg ? pg_url : path);
    auto text = run_round(*impl, n);
    impl.reset();
    check(who, parse(who, text), want);
    std::printf("%s", text.c_str());
    std::filesystem::remove_all(dir);
    return 0;
  }
  std::vector<database> databases;
  if (!flag(argc, argv, "--no-sqlite")) databases.push_back({"SQLite (file, WAL, foreign keys on)", false});
  if (!pg_url.empty()) databases.push_back({"PostgreSQL 15 (loopback)", true});

  std::printf("## Seven workloads: Retort against hand-written %s code%s\n", "driver",
              python.empty() ? "" : " and SQLAlchemy 1.4.46");
  for (const auto& db : databases) {
    auto target = [&](const std::string& who, int round) {
      if (db.postgresql) return pg_url;
      auto path = dir / (who + std::to_string(round) + ".db");
      std::filesystem::remove(path);
      return path.string();
    };
    std::vector<side> sides;
    sides.push_back({"hand-written", [&](int r) {
                       auto t = target("raw", r);
                       return parse("hand-written", in_child("hand-written", [&] {
                                      auto impl = db.postgresql ? bench::make_raw_postgresql(t) : bench::make_raw_sqlite(t);
                                      return run_round(*impl, n);
                                    }));
                     }, {}});
    sides.push_back({"Retort", [&](int r) {
                       auto t = target("retort", r);
                       return parse("Retort", in_child("Retort", [&] {
                                      auto impl = bench::make_retort(db.postgresql, t);
                                      return run_round(*impl, n);
                                    }));
                     }, {}});
    if (!python.empty())
      sides.push_back({"SQLAlchemy", [&](int r) {
                         auto t = target("sqlalchemy", r);
                         auto url = db.postgresql ? pg_url : "sqlite:///" + t;
                         return parse("SQLAlchemy", run_command("SQLAlchemy", shell_quote(python) + " " +
                                                                                  shell_quote(script) + " --db " +
                                                                                  shell_quote(url) + " --users " +
                                                                                  std::to_string(n)));
                       }, {}});
    for (int r = 0; r < rounds; ++r)
      for (auto& s : sides) {
        auto result = s.run(r);
        check(s.name + " on " + db.label, result, want);
        s.rounds.push_back(std::move(result));
        std::fprintf(stderr, "%s, round %d/%ld: %s done\n", db.label.c_str(), r + 1, rounds, s.name.c_str());
      }
    table(db.label, n, sides);
  }
  std::filesystem::remove_all(dir);
  std::printf("\nEvery checksum and both database fingerprints matched on every side.\n");
  return 0;
}
