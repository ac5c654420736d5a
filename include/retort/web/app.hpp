// The application (Flask's `Flask` object): routes with converters, request
// hooks, error handlers, the request context, and serving it over HTTP with
// cpp-httplib (src/web/server.cpp, the only file that includes httplib.h).
//
//   retort::web::app app;
//   app.get("/users/<int:id>", [&](retort::web::request& req) {
//     return retort::web::response::json(retort::web::to_json(db.get_or_404<User>(req.arg<int>("id"))));
//   });
//   app.run("127.0.0.1", 8080);
#pragma once

#include <any>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "retort/web/http.hpp"

namespace retort::web {

struct app_config {
  /// The largest request body accepted (Flask's MAX_CONTENT_LENGTH); a larger
  /// one is answered 413 before its handler runs. 1 MiB by default.
  std::size_t max_content_length = 1 << 20;
  /// How long the server waits for a slow client to send (or take) data
  /// before closing the connection.
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};
  /// How long an idle keep-alive connection is kept, and how many requests one serves.
  std::chrono::milliseconds keep_alive_timeout{2000};
  std::size_t keep_alive_max_count = 100;
  /// Worker threads. A keep-alive connection holds a worker while it is open,
  /// so this bounds the connections served at once; 0 means 4 per core, at
  /// least 16 (cpp-httplib's own default is 8).
  std::size_t workers = 0;
  /// Require a CSRF token on every form POST (csrf_token(), docs/web.md).
  bool csrf = true;
  /// Debug mode: error responses for a 500 still never show internals; the
  /// debug panel (debug_panel.hpp) is switched on separately.
  bool debug = false;
};

class app;

/// The server's worker threads when app_config::workers is 0: 4 per core, at
/// least 16. The db object sizes each engine's pool to it (sqlalchemy.hpp).
std::size_t default_worker_count() noexcept;

/// A request's life on this thread (Flask's request context): what handlers
/// and extensions reach through current(). Extensions keep per-request state
/// in it by type (`ctx.ext<my_state>()`), dropped when the request ends.
class request_context {
 public:
  request_context(web::app& a, web::request& r) : app(a), request(r) {}
  request_context(const request_context&) = delete;
  request_context& operator=(const request_context&) = delete;
  ~request_context();

  web::app& app;
  web::request& request;
  /// Cookies to add to the response (csrf_token sets one).
  std::vector<std::pair<std::string, std::string>> cookies_out;

  /// This request's state of type S, made on first use.
  template <class S>
  S& ext() {
    for (auto& e : exts_)
      if (e.type == typeid(S)) return *std::static_pointer_cast<S>(e.value);
    exts_.push_back({typeid(S), std::make_shared<S>()});
    return *std::static_pointer_cast<S>(exts_.back().value);
  }
  template <class S>
  S* find_ext() {
    for (auto& e : exts_)
      if (e.type == typeid(S)) return std::static_pointer_cast<S>(e.value).get();
    return nullptr;
  }

  /// The innermost context on this thread, or null outside any request.
  static request_context* current() noexcept;

 private:
  friend class app;
  struct entry {
    std::type_index type;
    std::shared_ptr<void> value;
  };
  std::vector<entry> exts_;
  request_context* outer_ = nullptr;
};

/// The current request (Flask's `request`): an InvalidRequestError outside one.
web::request& current_request();

/// The CSRF token of this request's client (set as a cookie on the response
/// when new), for a hidden `csrf_token` field in every form.
std::string csrf_token();

/// The application.
class app {
 public:
  using handler = std::function<response(request&)>;
  using error_handler = std::function<response(request&, const http_error&)>;
  /// Runs before each request's handler; a response returned answers the request instead.
  using before_hook = std::function<std::optional<response>(request&)>;
  /// Runs after the handler with its response (also an error response).
  using after_hook = std::function<void(request&, response&)>;
  /// Runs when the request ends, always, with the exception that ended it (or null).
  using teardown_hook = std::function<void(request&, std::exception_ptr)>;

  explicit app(app_config config = {});
  ~app();
  app(const app&) = delete;
  app& operator=(const app&) = delete;

  /// Adds a route (Flask's @app.route(rule, methods=...)). A rule's dynamic
  /// parts are `<name>` (one path segment), `<int:name>` (digits, fits int64),
  /// `<path:name>` (the rest, slashes included). A path that matches a rule
  /// but not its methods is a 405; none at all, a 404. A rule added twice for
  /// one method is an ArgumentError.
  app& route(std::string_view rule, std::initializer_list<std::string_view> methods, handler h);
  app& get(std::string_view rule, handler h) { return route(rule, {"GET"}, std::move(h)); }
  app& post(std::string_view rule, handler h) { return route(rule, {"POST"}, std::move(h)); }
  app& put(std::string_view rule, handler h) { return route(rule, {"PUT"}, std::move(h)); }
  app& patch(std::string_view rule, handler h) { return route(rule, {"PATCH"}, std::move(h)); }
  app& delete_(std::string_view rule, handler h) { return route(rule, {"DELETE"}, std::move(h)); }

  /// Replaces the response for an HTTP status (Flask's @app.errorhandler(404)).
  app& errorhandler(int status, error_handler h);
  app& before_request(before_hook h);
  app& after_request(after_hook h);
  app& teardown_request(teardown_hook h);

  /// Handles one request in this thread, as the server does (and Flask's
  /// test_client, without a socket): routing, hooks, the handler, errors.
  response dispatch(request& req);
  /// Builds a request and dispatches it: `app.test_request("POST", "/posts?x=1", body, {{"Content-Type", "..."}})`.
  response test_request(std::string_view method, std::string_view target, std::string body = {},
                        web::headers headers = {});

  /// Serves on host:port until stop() (or SIGINT / SIGTERM when `handle_signals`),
  /// in this thread. A port in use is a retort::Error naming host and port.
  void run(const std::string& host = "127.0.0.1", int port = 8080, bool handle_signals = true);
  /// Serves in a background thread; returns the bound port (port 0: any free one).
  int start(const std::string& host = "127.0.0.1", int port = 0);
  /// Stops serving (from any thread) and joins the background thread.
  void stop();

  const app_config& config() const noexcept { return config_; }
  /// The error response for `e` as the app gives it (errorhandler or default),
  /// JSON or HTML as the request wants.
  response error_response(request& req, const http_error& e);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  app_config config_;
};

}  // namespace retort::web
