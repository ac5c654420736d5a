// Peak memory of reading every row of a table through the ORM: yield_per(1000)
// against all(). One mode per process, so each peak RSS is its own:
//
//   bench_stream URL ROWS fill     (re)creates stream_row with ROWS rows (untimed setup)
//   bench_stream URL ROWS stream   reads them with query<T>().yield_per(1000)
//   bench_stream URL ROWS all      reads them with query<T>().all()
//
// scripts/bench --stream runs it at 100,000 and 1,000,000 rows on SQLite and
// PostgreSQL (docs/performance.md): the yield_per peak must not grow with the rows.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "retort/retort.hpp"

namespace sb {
struct StreamRow {
  int id = 0;
  std::string name{};
  int qty = 0;
};
}  // namespace sb

template <>
inline constexpr auto retort::mapping<sb::StreamRow> = retort::model(
    retort::column<&sb::StreamRow::id>(retort::primary_key),
    retort::column<&sb::StreamRow::name>(retort::String(60), retort::not_null),
    retort::column<&sb::StreamRow::qty>(retort::not_null));

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_stream URL ROWS fill|stream|all\n");
    return 2;
  }
  const std::string url = argv[1], mode = argv[3];
  const long n = std::atol(argv[2]);
  retort::database db(url);
  if (mode == "fill") {
    db.drop_all();
    db.create_all();
    auto s = db.session();
    std::vector<sb::StreamRow> rows;
    rows.reserve(10000);
    for (long i = 0; i < n; ++i) {
      rows.push_back({.name = "row " + std::to_string(i) + " with a name of some forty characters", .qty = static_cast<int>(i % 7)});
      if (rows.size() == rows.capacity()) {
        s.execute(retort::insert<sb::StreamRow>(), rows);
        rows.clear();
      }
    }
    if (!rows.empty()) s.execute(retort::insert<sb::StreamRow>(), rows);
    s.commit();
    return 0;
  }
  const auto start = std::chrono::steady_clock::now();
  auto s = db.session();
  long sum = 0, count = 0;
  if (mode == "stream") {
    for (const auto& r : s.query<sb::StreamRow>().yield_per(1000)) {
      sum += r->qty;
      ++count;
    }
  } else if (mode == "all") {
    for (const auto& r : s.query<sb::StreamRow>().all()) {
      sum += r->qty;
      ++count;
    }
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // The checksum: qty is i % 7 for i in [0, n).
  long expected = 0;
  for (long i = 0; i < n; ++i) expected += i % 7;
  if (count != n || sum != expected) {
    std::fprintf(stderr, "%s: read %ld rows, sum %ld; expected %ld rows, sum %ld\n", mode.c_str(), count, sum, n, expected);
    return 1;
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("| %s | %ld | %.0f | %.1f |\n", mode == "stream" ? "yield_per(1000)" : "all()", n, ms, u.ru_maxrss / 1024.0);
  return 0;
}
