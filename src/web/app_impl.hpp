// The app's private state, shared by app.cpp (dispatch) and server.cpp (the
// cpp-httplib server). Private to src/web.
#pragma once

#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "retort/web/app.hpp"
#include "router.hpp"

namespace retort::web {

namespace detail {
struct server_state;  // server.cpp
/// Deletes a server_state (defined in server.cpp, where the type is complete).
struct server_deleter {
  void operator()(server_state* s) const noexcept;
};
}  // namespace detail

struct app::impl {
  detail::router routes;
  std::map<int, error_handler> error_handlers;
  std::vector<before_hook> before;
  std::vector<after_hook> after;
  std::vector<teardown_hook> teardown;
  std::unique_ptr<detail::server_state, detail::server_deleter> server;
};

namespace detail {
/// The error response a thrown exception becomes (http_error as it says;
/// Retort's errors as 400 / 404 / 409; anything else 500, logged, never shown).
http_error error_for(std::exception_ptr e, const request& req);
/// Writes one line to the server log (stderr).
void log_line(const std::string& line);
}  // namespace detail

}  // namespace retort::web
