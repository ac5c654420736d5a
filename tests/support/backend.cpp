// Fresh databases per test and the statement recorder.
#include "support/backend.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/engine/connection.hpp"
#include "retort/util/error.hpp"

namespace retort::testing {

namespace {

std::atomic<int> counter{0};

std::filesystem::path temp_dir() {
  static std::filesystem::path dir = [] {
    auto base = std::filesystem::temp_directory_path() / ("retort-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(base);
    return base;
  }();
  return dir;
}

struct cleanup {
  ~cleanup() {
    std::error_code ec;
    std::filesystem::remove_all(std::filesystem::temp_directory_path() / ("retort-test-" + std::to_string(::getpid())),
                                ec);
  }
} cleanup_at_exit;

/// Drops the PostgreSQL schemas this process made once every test has run, so
/// a long-lived server given by RETORT_TEST_POSTGRES_URL does not collect them.
class schema_cleanup : public ::testing::Environment {
 public:
  static schema_cleanup& instance() {
    static auto* env = static_cast<schema_cleanup*>(::testing::AddGlobalTestEnvironment(new schema_cleanup));
    return *env;
  }
  void add(const std::string& base, const std::string& schema) {
    std::lock_guard lock(mutex_);
    base_ = base;
    schemas_.push_back(schema);
  }
  void TearDown() override {
    std::lock_guard lock(mutex_);
    if (schemas_.empty()) return;
    try {
      engine::engine admin(base_);
      auto conn = admin.connect();
      conn.execute_ddl("SET lock_timeout = '5s'");  // a test that leaked a connection must not hang the run
      for (const auto& schema : schemas_) conn.execute_ddl("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (const retort::Error& e) {
      std::fprintf(stderr, "note: test schemas not dropped: %s\n", e.what());
    }
    schemas_.clear();
  }

 private:
  std::mutex mutex_;
  std::string base_;
  std::vector<std::string> schemas_;
};

}  // namespace

std::vector<backend> all_backends() { return {backend::sqlite, backend::postgres}; }

std::string backend_name(backend b) { return b == backend::sqlite ? "sqlite" : "postgres"; }

std::string backend_param_name(const ::testing::TestParamInfo<backend>& info) { return backend_name(info.param); }

bool under_ci() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::string(ci) != "0" && std::string(ci) != "false";
}

void register_backends() {
  sqlite::register_backend();
  postgresql::register_backend();
}

std::string fresh_url(backend b) {
  register_backends();
  int n = counter++;
  if (b == backend::sqlite) {
    auto path = temp_dir() / ("db" + std::to_string(n) + ".sqlite");
    std::filesystem::remove(path);
    return "sqlite:///" + path.string();
  }
  const char* base = std::getenv("RETORT_TEST_POSTGRES_URL");
  if (!base || !*base) return "";
  std::string schema = "t" + std::to_string(::getpid()) + "_" + std::to_string(n);
  {
    engine::engine admin(base);
    auto conn = admin.connect();
    conn.execute_ddl("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    conn.execute_ddl("CREATE SCHEMA " + schema);
  }
  schema_cleanup::instance().add(base, schema);
  std::string url = base;
  url += (url.find('?') == std::string::npos ? "?" : "&");
  url += "options=-csearch_path%3D" + schema;
  return url;
}

int run_without_inherited_fds(const std::string& command) {
  std::error_code ec;
  std::vector<int> fds;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = std::atoi(entry.path().filename().c_str());
    if (fd > 2) fds.push_back(fd);
  }
  for (int fd : fds) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
  return std::system(command.c_str());
}

statement_recorder::statement_recorder(engine::engine& e, bool include_control)
    : engine_(e), backend_(e.dialect().name() == "postgresql" ? backend::postgres : backend::sqlite) {
  id_ = engine_.listen([this, include_control](const engine::statement_event& ev) {
    if (ev.control && !include_control) return;
    entries_.push_back({std::string(ev.sql), std::vector<sql::value>(ev.params.begin(), ev.params.end()), ev.batch});
  });
}

statement_recorder::~statement_recorder() { engine_.unlisten(id_); }

std::vector<std::string> statement_recorder::sql() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(e.sql);
  return out;
}

}  // namespace retort::testing
