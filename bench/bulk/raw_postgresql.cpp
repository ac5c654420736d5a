// The hand-written side of the set-based benchmark on libpq (bulk.hpp says
// what each workload does): "the limit", as an expert writes it with
// INSERTs. Multi-row INSERTs of 1,000 rows (a prepared statement per batch
// size), every batch sent in one pipeline before any result is read, so the
// client builds batch k+1 while the server inserts batch k; one UPDATE or
// DELETE per workload; the read DECLAREs a cursor in a transaction and FETCHes
// FORWARD 1,000 rows at a time. Parameters and results travel as text. Any
// error ends the process.
#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "bulk.hpp"

namespace {

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result = std::unique_ptr<PGresult, result_deleter>;

std::string text_of(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return {buf, end};
}

class raw_postgresql final : public bench::implementation {
 public:
  explicit raw_postgresql(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      std::fprintf(stderr, "postgresql: %s", conn_ ? PQerrorMessage(conn_) : "out of memory\n");
      std::exit(1);
    }
    // DROP TABLE IF EXISTS says NOTICE when there was nothing to drop; not worth a line on stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
  ~raw_postgresql() override { PQfinish(conn_); }
  raw_postgresql(const raw_postgresql&) = delete;
  raw_postgresql& operator=(const raw_postgresql&) = delete;

  void reset() override {
    command("DEALLOCATE ALL");  // the prepared INSERTs name the old table
    prepared_.clear();
    command("DROP TABLE IF EXISTS bench_item");
    command("CREATE TABLE bench_item (id SERIAL NOT NULL, name VARCHAR(50) NOT NULL, qty INTEGER NOT NULL, "
            "price DOUBLE PRECISION NOT NULL, note TEXT, PRIMARY KEY (id))");
  }

  // B1a and B1b are the same code by hand: there is no struct or value row to build.
  long b1_structs(long n) override { return insert(n); }
  long b1_values(long n) override { return insert(n); }

  long b2_all(bench::sync) override {
    command("BEGIN");
    long changed = affected("UPDATE bench_item SET qty = qty + $1 WHERE qty >= $2", {"1", "0"});
    command("COMMIT");
    return changed;
  }

  long b2_range(long lo, long hi, bench::sync) override {
    command("BEGIN");
    long changed = affected("UPDATE bench_item SET qty = qty + $1, note = $2 WHERE id > $3 AND id <= $4",
                            {"1", bench::touched_note, std::to_string(lo), std::to_string(hi)});
    command("COMMIT");
    return changed;
  }

  long b3_delete() override {
    command("BEGIN");
    long deleted = affected("DELETE FROM bench_item WHERE price < $1", {text_of(bench::delete_below)});
    command("COMMIT");
    return deleted;
  }

  long b4_read() override {
    command("BEGIN");
    // The columns Retort's load selects; only qty is parsed.
    command("DECLARE bench_read NO SCROLL CURSOR FOR SELECT id, name, qty, price, note FROM bench_item");
    const std::string fetch = "FETCH FORWARD " + std::to_string(bench::read_batch) + " FROM bench_read";
    long sum = 0;
    for (;;) {
      auto r = check(PQexec(conn_, fetch.c_str()), PGRES_TUPLES_OK);
      const int rows = PQntuples(r.get());
      for (int i = 0; i < rows; ++i) sum += std::strtol(PQgetvalue(r.get(), i, 2), nullptr, 10);
      if (rows < bench::read_batch) break;  // the last batch: no empty FETCH to learn it
    }
    command("CLOSE bench_read");
    command("COMMIT");
    return sum;
  }

  bench::fingerprint state() override {
    bench::fingerprint f{};
    auto r = check(PQexecParams(conn_, bench::fingerprint_sql, 0, nullptr, nullptr, nullptr, nullptr, 0),
                   PGRES_TUPLES_OK);
    if (PQntuples(r.get()) != 1) fail("fingerprint: no row");
    for (std::size_t i = 0; i < f.size(); ++i)
      f[i] = std::strtol(PQgetvalue(r.get(), 0, static_cast<int>(i)), nullptr, 10);
    return f;
  }

 private:
  static constexpr int width = 4;  // name, qty, price, note

  long insert(long n) {
    constexpr long batch = 1000;
    command("BEGIN");
    // Prepared before the pipeline: the full batch and the last, shorter one.
    for (long first = 0; first < n; first += batch) prepare_insert(std::min(batch, n - first));
    std::vector<std::string> values;
    std::vector<char> nulls;
    std::vector<const char*> pointers;
    values.reserve(static_cast<std::size_t>(batch * width));
    nulls.reserve(static_cast<std::size_t>(batch * width));
    pointers.reserve(static_cast<std::size_t>(batch * width));
    if (PQenterPipelineMode(conn_) != 1) fail("PQenterPipelineMode");
    long statements = 0;
    for (long first = 0; first < n; first += batch) {
      long count = std::min(batch, n - first);
      values.clear();
      nulls.clear();
      for (long i = first; i < first + count; ++i) {
        auto note = bench::item_note(i);
        values.push_back(bench::item_name(i));
        values.push_back(std::to_string(bench::item_qty(i)));
        values.push_back(text_of(bench::item_price(i)));
        values.push_back(note ? std::move(*note) : std::string());
        nulls.insert(nulls.end(), {0, 0, 0, static_cast<char>(!note)});
      }
      pointers.clear();  // after the fill: short strings live inside the vector's elements
      for (std::size_t k = 0; k < values.size(); ++k) pointers.push_back(nulls[k] ? nullptr : values[k].c_str());
      // libpq copies the parameters into its output buffer here; the vectors can be refilled.
      if (PQsendQueryPrepared(conn_, insert_name(count).c_str(), static_cast<int>(pointers.size()), pointers.data(),
                              nullptr, nullptr, 0) != 1)
        fail("PQsendQueryPrepared");
      ++statements;
    }
    if (PQpipelineSync(conn_) != 1) fail("PQpipelineSync");
    long inserted = 0;
    for (long k = 0; k < statements; ++k) {
      auto r = check(PQgetResult(conn_), PGRES_COMMAND_OK);
      inserted += std::strtol(PQcmdTuples(r.get()), nullptr, 10);
      if (PQgetResult(conn_) != nullptr) fail("pipeline: more than one result for an INSERT");
    }
    check(PQgetResult(conn_), PGRES_PIPELINE_SYNC);
    if (PQexitPipelineMode(conn_) != 1) fail("PQexitPipelineMode");
    command("COMMIT");
    return inserted;
  }

  static std::string insert_name(long rows) { return "insert_" + std::to_string(rows); }

  void prepare_insert(long rows) {
    auto name = insert_name(rows);
    if (prepared_.count(name)) return;
    std::string sql = "INSERT INTO bench_item (name, qty, price, note) VALUES ";
    for (long row = 0, param = 1; row < rows; ++row) {
      sql += row ? ", (" : "(";
      for (int c = 0; c < width; ++c, ++param) sql += (c ? ", $" : "$") + std::to_string(param);
      sql += ')';
    }
    check(PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(rows * width), nullptr), PGRES_COMMAND_OK);
    prepared_.insert(name);
  }

  [[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "postgresql: %s: %s", what, PQerrorMessage(conn_));
    std::exit(1);
  }

  /// The result, if its status is `want`; otherwise the server's message and exit.
  result check(PGresult* raw, ExecStatusType want) {
    result r(raw);
    if (!r) fail("no result");
    if (PQresultStatus(r.get()) != want) {
      std::fprintf(stderr, "postgresql: %s", PQresultErrorMessage(r.get()));
      std::exit(1);
    }
    return r;
  }

  void command(const char* sql) { check(PQexec(conn_, sql), PGRES_COMMAND_OK); }

  /// A statement run once (the unnamed statement, one round trip); the rows it changed.
  long affected(const char* sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    auto r = check(PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
                   PGRES_COMMAND_OK);
    return std::strtol(PQcmdTuples(r.get()), nullptr, 10);
  }

  PGconn* conn_;
  std::unordered_set<std::string> prepared_;  // names prepared on this connection
};

}  // namespace

std::unique_ptr<bench::implementation> bench::make_raw_postgresql(const std::string& conninfo) {
  return std::make_unique<raw_postgresql>(conninfo);
}
