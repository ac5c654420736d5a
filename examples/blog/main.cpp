// The `blog` executable (docs/blog.md): parses the flags, creates the tables,
// seeds the demo data on first start, and serves the blog until Ctrl-C or
// SIGTERM. scripts/run starts it. `blog migrate ...` runs the migrations
// command line on the blog's models instead (docs/migrations.md).
#include <pthread.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>

#include "blog.hpp"

#ifndef BLOG_TEMPLATES_DIR
#error "BLOG_TEMPLATES_DIR (the source tree's examples/blog/templates) is set by examples/CMakeLists.txt"
#endif
// With the migrations command line (RETORT_WITH_MIGRATE_CLI), examples/CMakeLists.txt
// sets BLOG_MIGRATIONS_DIR, the source tree's examples/blog/migrations.
#ifdef BLOG_MIGRATIONS_DIR
#include <retort/migrate/cli.hpp>
#endif

namespace {

struct flags {
  std::string database = "sqlite:///blog.db";
  std::string host = "127.0.0.1";
  int port = 8080;
  bool debug = false;
  bool seed = true;
  std::filesystem::path templates = BLOG_TEMPLATES_DIR;
  /// argv's index of `migrate` (0: serve the blog); what follows is the migrate command's.
  int migrate = 0;
};

constexpr std::string_view usage =
    "usage: blog [--database URL] [--host HOST] [--port N] [--debug] [--no-seed] [--templates DIR]\n"
    "       blog [--database URL] migrate COMMAND ...  (blog migrate --help: the schema migrations)\n"
    "  --database URL   sqlite:///blog.db (default, in the current directory) or postgresql://user@host:port/db\n"
    "  --host HOST      the address to listen on (default 127.0.0.1)\n"
    "  --port N         the port (default 8080; 0 picks a free one)\n"
    "  --debug          show the debug panel (the SQL of each request) on every page\n"
    "  --no-seed        do not create the demo data on first start\n"
    "  --templates DIR  the templates folder (default: the source tree's examples/blog/templates)\n";

[[noreturn]] void fail_usage(const std::string& message) {
  std::cerr << "blog: " << message << "\n" << usage;
  std::exit(2);
}

flags parse(int argc, char** argv) {
  flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) fail_usage(std::string(a) + " needs a value");
      return argv[++i];
    };
    if (a == "--database") {
      f.database = value();
    } else if (a == "--host") {
      f.host = value();
    } else if (a == "--port") {
      const auto v = value();
      char* end = nullptr;
      const long p = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || p < 0 || p > 65535) fail_usage("--port takes a number from 0 to 65535");
      f.port = static_cast<int>(p);
    } else if (a == "--debug") {
      f.debug = true;
    } else if (a == "--no-seed") {
      f.seed = false;
    } else if (a == "--templates") {
      f.templates = value();
    } else if (a == "migrate") {
      f.migrate = i;
      break;
    } else if (a == "--help" || a == "-h") {
      std::cout << usage;
      std::exit(0);
    } else {
      fail_usage("unknown argument " + std::string(a));
    }
  }
  return f;
}

/// `blog migrate ...`: retort-migrate's commands with the blog's models, its
/// database and its migrations folder (as `flask db` runs inside the app).
int run_migrate(const flags& f, int argc, char** argv) {
#ifdef BLOG_MIGRATIONS_DIR
  retort::migrate::cli_config config;
  config.models = blog::models;
  config.url = f.database;
  config.directory = BLOG_MIGRATIONS_DIR;
  config.program = "blog migrate";
  // The migrate command's argv: its own argv[0], then everything after `migrate`.
  return retort::migrate::main(argc - f.migrate, argv + f.migrate, config);
#else
  (void)f, (void)argc, (void)argv;
  std::cerr << "blog: built without the migrations command line (RETORT_WITH_MIGRATE_CLI, needs libcli11-dev)\n";
  return 2;
#endif
}

}  // namespace

int main(int argc, char** argv) {
  const auto f = parse(argc, argv);
  if (f.migrate) return run_migrate(f, argc, argv);
  if (!std::filesystem::is_directory(f.templates)) {
    std::cerr << "blog: the templates folder " << f.templates << " does not exist (--templates DIR)\n";
    return 2;
  }
  // SIGINT and SIGTERM are blocked in every thread (the server's workers
  // inherit the mask) and taken by sigwait below: Ctrl-C stops the server,
  // lets in-flight requests finish, and returns from main.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  try {
    retort::web::app app;
    retort::web::sqlalchemy db({.uri = f.database, .models = blog::models, .record_queries = f.debug});
    db.init_app(app);
    db.create_all();
    if (f.seed && !blog::has_users(db)) {
      blog::seed_demo_data(db);
      std::cout << "Seeded the demo data (users alice, bob, carol, dave, erin)\n";
    }
    blog::register_routes(app, db, {.templates = f.templates});
    if (f.debug) retort::web::enable_debug_panel(app, db);
    const int port = app.start(f.host, f.port);
    std::cout << "Serving the blog on http://" << f.host << ":" << port << std::endl;
    int sig = 0;
    sigwait(&stop_signals, &sig);
    std::cout << "Stopping (" << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ")" << std::endl;
    app.stop();
  } catch (const retort::Error& e) {
    std::cerr << "blog: " << e.what() << '\n';
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "blog: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
