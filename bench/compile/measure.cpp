// The compile-time benchmark (issue 12, docs/performance.md "Compile time"):
// runs the compiler on three translation units, in turn, for a number of
// rounds, and reads each run's CPU time and peak memory from wait4's rusage.
//
//   baseline  bench/compile/baseline.cpp: the seed program on the sqlite3 C API
//   seed      examples/seed_blog/main.cpp: the seed's two models and main
//   twenty    bench/compile/twenty_models.cpp: twenty models (every relationship
//             kind), the seed's program on two of them
//   all       bench/compile/twenty_models_all.cpp: the twenty models, every one used
//
// Each in a release (-O3 -DNDEBUG) and a debug (-O0 -g) configuration, with
// the project's warning flags. The table gives medians and the ratios to the
// seed TU; the targets (issue 12: the seed's TU in at most 3 s and 400 MB,
// the twenty-model TU in at most twice the seed's time) are checked on CPU
// time (user + system of the compiler), which a busy machine moves less than
// wall time. "all" is reported beside them, with no target.
//
//   bench_compile [--rounds R] [--cxx PATH]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct tu {
  const char* name;
  const char* what;
  std::string source;
  std::vector<std::string> includes;
};

struct config {
  const char* name;
  std::vector<std::string> flags;
};

struct sample {
  double cpu_s = 0, wall_s = 0, rss_mb = 0;
};

sample compile(const std::string& cxx, const tu& t, const config& c) {
  std::vector<std::string> args{cxx, "-std=c++20", "-Wall", "-Wextra", "-Wpedantic", "-Werror"};
  args.insert(args.end(), c.flags.begin(), c.flags.end());
  args.push_back("-I" RETORT_BENCH_SOURCE_DIR "/include");
  for (const auto& i : t.includes) args.push_back("-I" + i);
  args.insert(args.end(), {"-c", t.source, "-o", "/dev/null"});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("bench_compile: fork");
    std::exit(2);
  }
  if (pid == 0) {
    execvp(argv[0], argv.data());
    std::perror("bench_compile: exec");
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) {
    std::perror("bench_compile: wait4");
    std::exit(2);
  }
  auto wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "bench_compile: compiling %s (%s) failed\n", t.source.c_str(), c.name);
    std::exit(1);
  }
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  // ru_maxrss is the largest child's peak in KiB: the compiler proper (cc1plus), not the driver.
  return {seconds(ru.ru_utime) + seconds(ru.ru_stime), wall, static_cast<double>(ru.ru_maxrss) / 1024.0};
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 3;
  std::string cxx = RETORT_BENCH_CXX;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--rounds" && i + 1 < argc) rounds = std::max(1, std::atoi(argv[++i]));
    else if (a == "--cxx" && i + 1 < argc) cxx = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_compile [--rounds R] [--cxx PATH]\n");
      return 2;
    }
  }
  const std::string src = RETORT_BENCH_SOURCE_DIR;
  const std::vector<tu> tus{
      {"baseline", "the seed program by hand on sqlite3", src + "/bench/compile/baseline.cpp", {}},
      {"seed", "the seed's two models (examples/seed_blog)", src + "/examples/seed_blog/main.cpp", {src + "/examples/seed_blog"}},
      {"twenty", "twenty models, the seed's program", src + "/bench/compile/twenty_models.cpp", {}},
      {"all", "twenty models, each one used", src + "/bench/compile/twenty_models_all.cpp", {}},
  };
  const std::vector<config> configs{{"release -O3", {"-O3", "-DNDEBUG"}}, {"debug -O0 -g", {"-O0", "-g"}}};

  std::printf("compiler: %s, %d round(s), TUs compiled in turn\n\n", cxx.c_str(), rounds);
  std::printf("| TU | configuration | CPU s | wall s | peak MB | CPU / seed | MB / seed |\n");
  std::printf("|---|---|---:|---:|---:|---:|---:|\n");
  bool met = true;
  std::vector<std::string> verdicts;
  for (const auto& c : configs) {
    std::vector<std::vector<sample>> runs(tus.size());
    for (int r = 0; r < rounds; ++r)
      for (std::size_t t = 0; t < tus.size(); ++t) runs[t].push_back(compile(cxx, tus[t], c));
    std::vector<sample> med(tus.size());
    for (std::size_t t = 0; t < tus.size(); ++t) {
      std::vector<double> cpu, wall, rss;
      for (const auto& s : runs[t]) {
        cpu.push_back(s.cpu_s);
        wall.push_back(s.wall_s);
        rss.push_back(s.rss_mb);
      }
      med[t] = {median(cpu), median(wall), median(rss)};
    }
    const sample& seed = med[1];
    for (std::size_t t = 0; t < tus.size(); ++t)
      std::printf("| %s (%s) | %s | %.2f | %.2f | %.0f | %.2fx | %.2fx |\n", tus[t].name, tus[t].what, c.name,
                  med[t].cpu_s, med[t].wall_s, med[t].rss_mb, med[t].cpu_s / seed.cpu_s, med[t].rss_mb / seed.rss_mb);
    const sample& twenty = med[2];
    bool seed_ok = seed.cpu_s <= 3.0 && seed.rss_mb <= 400.0;
    bool twenty_ok = twenty.cpu_s <= 2.0 * seed.cpu_s;
    char line[200];
    std::snprintf(line, sizeof line, "%s: seed TU <= 3 s and 400 MB %s; twenty-model TU <= 2x the seed's time %s",
                  c.name, seed_ok ? "met" : "MISSED", twenty_ok ? "met" : "MISSED");
    verdicts.emplace_back(line);
    met = met && seed_ok && twenty_ok;
  }
  std::printf("\n");
  for (const auto& v : verdicts) std::printf("- %s\n", v.c_str());
  std::printf("\n%s\n", met ? "all targets met" : "targets missed (see docs/performance.md, \"Compile time\")");
  return 0;
}
