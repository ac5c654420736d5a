// Connects and pre-pings against a PostgreSQL server that stops answering: a
// loopback listener that accepts and never speaks, and a loopback proxy to the
// test server that can go silent. Both bound every wait; nothing here hangs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "retort/engine/connection.hpp"
#include "retort/util/error.hpp"
#include "support/backend.hpp"

namespace {

using retort::testing::backend;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

/// A socket listening on 127.0.0.1 at a free port.
int listen_loopback(int& port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  return fd;
}

int connect_loopback(const std::string& host, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  if (fd < 0 || ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

/// Accepts connections and never sends a byte: a server stuck before its
/// startup reply. Gives up after `lifetime` at the latest.
class silent_server {
 public:
  explicit silent_server(std::chrono::seconds lifetime = 30s) {
    listener_ = listen_loopback(port_);
    if (listener_ < 0) return;
    thread_ = std::thread([this, end = clock_type::now() + lifetime] {
      std::vector<int> accepted;
      while (!stop_ && clock_type::now() < end) {
        pollfd p{listener_, POLLIN, 0};
        if (::poll(&p, 1, 50) > 0) {
          int fd = ::accept(listener_, nullptr, nullptr);
          if (fd >= 0) accepted.push_back(fd);  // held open, read from never
        }
      }
      for (int fd : accepted) ::close(fd);
    });
  }
  ~silent_server() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  int port() const { return port_; }
  bool ok() const { return listener_ >= 0; }

 private:
  int listener_ = -1, port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(postgresql_connect_timeout, a_server_that_accepts_and_never_answers_fails_the_connect_in_connect_timeout) {
  retort::testing::register_backends();
  silent_server server;
  ASSERT_TRUE(server.ok());
  // libpq waits at least 2 s whatever connect_timeout says below that.
  retort::engine::engine e("postgresql://u@127.0.0.1:" + std::to_string(server.port()) + "/db?connect_timeout=1");
  auto begin = clock_type::now();
  try {
    auto c = e.connect();
    FAIL() << "connected to a server that never answers";
  } catch (const retort::OperationalError& err) {
    EXPECT_EQ(err.info().sqlstate, "08001");
    std::string what = err.what();
    EXPECT_NE(what.find("could not connect to PostgreSQL at 127.0.0.1:" + std::to_string(server.port())),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("timeout"), std::string::npos) << what;
  }
  EXPECT_LT(clock_type::now() - begin, 8s);
  EXPECT_EQ(e.pool().checked_out(), 0u);
}

/// Forwards loopback connections to the test server until silence(): from then
/// on the connections made so far carry nothing either way (their sockets stay
/// open), while new ones are forwarded as before. A silenced connection is
/// closed after `silent_for`, so the old, unbounded pre-ping fails late
/// instead of hanging the suite.
class silencing_proxy {
 public:
  silencing_proxy(std::string host, int target, std::chrono::seconds silent_for = 10s)
      : host_(std::move(host)), target_(target), silent_for_(silent_for) {
    listener_ = listen_loopback(port_);
    if (listener_ >= 0) thread_ = std::thread([this] { run(); });
  }
  ~silencing_proxy() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listener_ >= 0) ::close(listener_);
  }
  int port() const { return port_; }
  bool ok() const { return listener_ >= 0; }
  void silence() {
    std::lock_guard lock(mutex_);
    silence_requested_ = true;
  }

 private:
  struct link {
    int client, server;
    bool silent = false;
    clock_type::time_point silent_since{};
  };

  void run() {
    const auto end = clock_type::now() + 120s;  // bounded even if the test forgets to stop it
    std::vector<link> links;
    while (!stop_ && clock_type::now() < end) {
      {
        std::lock_guard lock(mutex_);
        if (silence_requested_)
          for (auto& l : links) l.silent = true, l.silent_since = clock_type::now();
        silence_requested_ = false;
      }
      std::vector<pollfd> fds{{listener_, POLLIN, 0}};
      for (const auto& l : links)
        if (!l.silent) fds.push_back({l.client, POLLIN, 0}), fds.push_back({l.server, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) < 0) break;
      std::size_t i = 1;  // fds holds the links polled, in order; accept only after them
      for (auto& l : links) {
        if (l.silent) continue;
        bool alive = pass(fds[i].revents, l.client, l.server) && pass(fds[i + 1].revents, l.server, l.client);
        i += 2;
        if (!alive) close_link(l);
      }
      if (fds[0].revents & POLLIN) accept_one(links);
      for (auto& l : links)
        if (l.silent && l.client >= 0 && clock_type::now() - l.silent_since > silent_for_) close_link(l);
      std::erase_if(links, [](const link& l) { return l.client < 0; });
    }
    for (auto& l : links) close_link(l);
  }

  void accept_one(std::vector<link>& links) {
    int client = ::accept(listener_, nullptr, nullptr);
    if (client < 0) return;
    int server = connect_loopback(host_, target_);
    if (server < 0) {
      ::close(client);
      return;
    }
    links.push_back({client, server});
  }

  /// Copies what is readable on `from` to `to`; false once either side is done.
  static bool pass(short revents, int from, int to) {
    if (!(revents & (POLLIN | POLLHUP | POLLERR))) return true;
    char buf[16384];
    auto n = ::read(from, buf, sizeof buf);
    if (n <= 0) return false;
    for (ssize_t sent = 0; sent < n;) {
      auto m = ::write(to, buf + sent, static_cast<std::size_t>(n - sent));
      if (m <= 0) return false;
      sent += m;
    }
    return true;
  }

  static void close_link(link& l) {
    if (l.client >= 0) ::close(l.client), ::close(l.server);
    l.client = l.server = -1;
  }

  std::string host_;
  int target_, listener_ = -1, port_ = 0;
  std::chrono::seconds silent_for_;
  std::mutex mutex_;
  bool silence_requested_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class postgresql_timeouts : public ::testing::TestWithParam<backend> {};
INSTANTIATE_TEST_SUITE_P(, postgresql_timeouts, ::testing::Values(backend::postgres),
                         retort::testing::backend_param_name);

TEST_P(postgresql_timeouts, a_pre_ping_the_server_never_answers_counts_as_dead_within_its_timeout) {
  auto fresh = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(fresh);
  auto real = retort::engine::url::parse(fresh);
  if (real.host() != "127.0.0.1" || real.password().size()) GTEST_SKIP() << "needs a 127.0.0.1 server without password";
  silencing_proxy proxy(real.host(), real.port().value_or(5432));
  ASSERT_TRUE(proxy.ok());
  auto via_proxy = fresh;
  auto port_at = via_proxy.find(":" + std::to_string(real.port().value_or(5432)) + "/");
  ASSERT_NE(port_at, std::string::npos) << fresh;
  via_proxy.replace(port_at + 1, std::to_string(real.port().value_or(5432)).size(), std::to_string(proxy.port()));

  retort::engine::pool_options pool;
  pool.pre_ping_timeout = 500ms;
  pool.pre_ping_skip_within = 0ms;  // a silent server says nothing: only a ping finds it
  retort::engine::engine e(via_proxy, {.pool = pool});
  std::int64_t first = 0;
  {
    auto c = e.connect();
    first = c.execute("SELECT pg_backend_pid()").scalar().as_int();
  }
  ASSERT_EQ(e.pool().idle(), 1u);
  proxy.silence();
  std::this_thread::sleep_for(100ms);  // the proxy has seen it
  auto begin = clock_type::now();
  auto c = e.connect();  // the pre-ping goes unanswered: the connection is replaced
  auto waited = clock_type::now() - begin;
  EXPECT_GE(waited, 450ms);
  EXPECT_LT(waited, 4s);
  EXPECT_NE(c.execute("SELECT pg_backend_pid()").scalar().as_int(), first);
}

}  // namespace
