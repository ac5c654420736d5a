// The connection pool: limits, timeout, reuse, the shared in-memory SQLite
// database, and concurrent use from several threads.
#include <atomic>
#include <thread>

#include "retort/engine/connection.hpp"
#include "retort/engine/pool.hpp"
#include "retort/util/error.hpp"
#include "support/backend.hpp"

namespace {

using retort::testing::backend;
using namespace std::chrono_literals;
namespace sql = retort::sql;

class pool_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
  }
  retort::engine::engine make(std::size_t size, std::size_t overflow, std::chrono::milliseconds timeout = 200ms) {
    return retort::engine::engine(url_, {.pool = retort::engine::pool_options{size, overflow, timeout, true}});
  }
  std::string url_;
};
INSTANTIATE_TEST_SUITE_P(, pool_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

TEST_P(pool_test, size_plus_overflow_then_timeout) {
  auto e = make(1, 1);
  auto a = e.connect();
  auto b = e.connect();
  EXPECT_EQ(e.pool().checked_out(), 2u);
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(e.connect(), retort::TimeoutError);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  b.close();
  EXPECT_EQ(e.pool().checked_out(), 1u);
  EXPECT_EQ(e.pool().idle(), 1u);
  a.close();
  EXPECT_EQ(e.pool().idle(), 1u);  // beyond `size`, returned connections are closed, not kept
  auto again = e.connect();  // reuses the idle one
  EXPECT_EQ(e.pool().idle(), 0u);
}

TEST_P(pool_test, a_returned_connection_wakes_a_waiting_checkout) {
  auto e = make(1, 0, 30000ms);
  auto held = std::make_unique<retort::engine::connection>(e.connect());
  std::thread releaser([&] {
    std::this_thread::sleep_for(50ms);
    held.reset();
  });
  auto start = std::chrono::steady_clock::now();
  auto c = e.connect();  // waits for the release, not for the timeout
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);  // woken, not timed out (30 s)
  releaser.join();
  EXPECT_EQ(c.execute(sql::select({sql::count()})).scalar().as_int(), 1);
}

TEST_P(pool_test, threads_share_the_pool) {
  auto e = make(2, 2, 10000ms);
  e.connect().execute_ddl("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)");
  std::atomic<int> done{0};
  std::atomic<std::size_t> most_out{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto c = e.connect();
        auto out = e.pool().checked_out();
        for (auto seen = most_out.load(); out > seen && !most_out.compare_exchange_weak(seen, out);) {
        }
        auto tx = c.begin();
        c.execute(sql::insert("counter").columns({"id", "n"}).row({t * 100 + i, i}));
        tx.commit();
      }
      ++done;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(done.load(), 6);
  EXPECT_LE(most_out.load(), 4u);  // size + max_overflow, never more
  EXPECT_GE(most_out.load(), 1u);
  EXPECT_EQ(e.pool().checked_out(), 0u);
  EXPECT_EQ(e.connect().execute(sql::select({sql::count()}).from("counter")).scalar().as_int(), 60);
  EXPECT_LE(e.pool().idle(), 2u);
}

TEST(pool, in_memory_sqlite_is_one_shared_connection) {
  retort::testing::register_backends();
  retort::engine::engine e("sqlite://", {.pool = retort::engine::pool_options{5, 10, 100ms, true}});
  EXPECT_EQ(e.pool().options().size, 1u);
  EXPECT_EQ(e.pool().options().max_overflow, 0u);
  e.connect().execute_ddl("CREATE TABLE t (x INTEGER)");
  e.connect().execute(sql::insert("t").columns({"x"}).row({1}));
  EXPECT_EQ(e.connect().execute(sql::select({sql::count()}).from("t")).scalar().as_int(), 1);
  auto held = e.connect();
  EXPECT_THROW(e.connect(), retort::TimeoutError);
}

TEST(pool, failed_connects_do_not_leak_slots) {
  retort::testing::register_backends();
  retort::engine::engine e("sqlite:////nonexistent-dir/x.db",
                           {.pool = retort::engine::pool_options{1, 0, 100ms, true}});
  for (int i = 0; i < 3; ++i) EXPECT_THROW(e.connect(), retort::OperationalError);
  EXPECT_EQ(e.pool().checked_out(), 0u);
}

}  // namespace

namespace {

// A connection that counts pings and can be declared dead, for the pool alone.
struct counted_connection final : retort::engine::driver_connection {
  std::atomic<int>* pings;
  bool alive = true;
  explicit counted_connection(std::atomic<int>* p) : pings(p) {}
  std::unique_ptr<retort::engine::driver_statement> prepare(const std::string&) override { return nullptr; }
  void execute_direct(const std::string&) override {}
  std::unique_ptr<retort::engine::driver_cursor> open_cursor(const std::string&,
                                                             std::span<const retort::sql::value>) override {
    return nullptr;
  }
  bool ping(std::chrono::milliseconds) override {
    ++*pings;
    return alive;
  }
  bool broken() const override { return false; }
};

// pre_ping pings a connection that sat idle, not one checked in a moment ago
// (pre_ping_skip_within, HikariCP's bypass window); zero pings every checkout.
TEST(pool_pre_ping, skips_a_connection_returned_within_the_window_and_pings_an_older_one) {
  std::atomic<int> pings = 0, made = 0;
  auto make_pool = [&](std::chrono::milliseconds window) {
    retort::engine::pool_options o;
    o.pre_ping_skip_within = window;
    return std::make_unique<retort::engine::pool>(
        [&] {
          ++made;
          return std::make_unique<counted_connection>(&pings);
        },
        o, "test");
  };
  auto p = make_pool(200ms);
  p->checkin(p->checkout());
  p->checkin(p->checkout());  // returned a moment ago: handed out unpinged
  EXPECT_EQ(pings, 0);
  std::this_thread::sleep_for(250ms);
  auto c = p->checkout();  // idle past the window: pinged
  EXPECT_EQ(pings, 1);
  static_cast<counted_connection&>(*c).alive = false;
  p->checkin(std::move(c));
  std::this_thread::sleep_for(250ms);
  auto replaced = p->checkout();  // the ping fails: a new connection instead
  EXPECT_EQ(pings, 2);
  EXPECT_EQ(made, 2);
  EXPECT_TRUE(static_cast<counted_connection&>(*replaced).alive);
  p->checkin(std::move(replaced));

  auto every = make_pool(0ms);
  every->checkin(every->checkout());
  every->checkin(every->checkout());
  EXPECT_EQ(pings, 3);  // the second checkout pinged at once
}

}  // namespace
