// Serving an app over HTTP with cpp-httplib: the only file that includes
// httplib.h. Every request goes to app::dispatch; the server's own errors
// (413 for a body over the limit, 400 for a malformed request) get the app's
// error format. Timeouts bound slow clients; the worker pool is sized for the
// connections served at once (a keep-alive connection holds a worker).
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "app_impl.hpp"

namespace retort::web {

std::size_t default_worker_count() noexcept {
  const auto cores = std::max(1u, std::thread::hardware_concurrency());
  return std::max<std::size_t>(16, std::size_t{4} * cores);
}

namespace detail {

struct server_state {
  httplib::Server server;
  std::thread thread;
};

void server_deleter::operator()(server_state* s) const noexcept { delete s; }

namespace {

std::size_t worker_count(const app_config& c) { return c.workers ? c.workers : default_worker_count(); }

request to_request(const httplib::Request& in) {
  request out;
  out.method = in.method;
  out.path = in.path;  // httplib decodes the path
  if (auto q = in.target.find('?'); q != std::string::npos) out.query_string = in.target.substr(q + 1);
  for (const auto& [k, v] : in.headers) out.headers.emplace(k, v);
  out.body = in.body;
  out.remote_addr = in.remote_addr;
  return out;
}

void write_response(const response& r, httplib::Response& out) {
  out.status = r.status;
  for (const auto& [k, v] : r.headers) out.headers.emplace(k, v);
  if (!r.content_type.empty())
    out.set_content(r.body, r.content_type);
  else
    out.body = r.body;
}

template <class D>
std::pair<time_t, time_t> split(D d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return {static_cast<time_t>(us / 1000000), static_cast<time_t>(us % 1000000)};
}

void configure(app& a, httplib::Server& s) {
  const auto& c = a.config();
  const auto workers = worker_count(c);
  s.new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  s.set_payload_max_length(c.max_content_length);
  auto [rs, rus] = split(c.read_timeout);
  s.set_read_timeout(rs, rus);
  auto [ws, wus] = split(c.write_timeout);
  s.set_write_timeout(ws, wus);
  s.set_keep_alive_timeout(std::max<time_t>(1, split(c.keep_alive_timeout).first));
  s.set_keep_alive_max_count(c.keep_alive_max_count);
  // httplib writes a response's headers and body separately: with Nagle's
  // algorithm on, the body waits for the client's delayed ACK (40 ms a request).
  s.set_tcp_nodelay(true);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a
  // second server binds the same port silently and the two share the traffic.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  auto handle = [&a](const httplib::Request& in, httplib::Response& out) {
    auto req = to_request(in);
    write_response(a.dispatch(req), out);
  };
  s.Get(".*", handle);
  s.Post(".*", handle);
  s.Put(".*", handle);
  s.Patch(".*", handle);
  s.Delete(".*", handle);
  s.Options(".*", handle);
  // What httplib answers itself (413, 400 for a malformed request line, ...):
  // in the app's error format. A handler's own response is left alone.
  s.set_error_handler(httplib::Server::HandlerWithResponse([&a](const httplib::Request& in, httplib::Response& out) {
    if (!out.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    auto req = to_request(in);
    req.body.clear();
    std::string description = out.status == 413 ? "the body is larger than " + std::to_string(a.config().max_content_length) + " bytes" : "";
    write_response(a.error_response(req, http_error(out.status, description)), out);
    return httplib::Server::HandlerResponse::Handled;
  }));
}

}  // namespace
}  // namespace detail

int app::start(const std::string& host, int port) {
  if (impl_->server) throw InvalidRequestError("retort::web::app::start: the app is serving already");
  auto state = std::unique_ptr<detail::server_state, detail::server_deleter>(new detail::server_state);
  detail::configure(*this, state->server);
  const int bound = port == 0 ? state->server.bind_to_any_port(host) : (state->server.bind_to_port(host, port) ? port : -1);
  if (bound <= 0)
    throw Error("retort::web: cannot listen on " + host + ":" + std::to_string(port) +
                " (the port is in use, or the address is not this machine's)");
  auto* s = &state->server;
  state->thread = std::thread([s] { s->listen_after_bind(); });
  // Serving once this returns: a client may connect at once (bounded wait, 5 s).
  for (int i = 0; i < 5000 && !s->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->server = std::move(state);
  return bound;
}

void app::stop() {
  if (!impl_ || !impl_->server) return;
  impl_->server->server.stop();
  if (impl_->server->thread.joinable()) impl_->server->thread.join();
  impl_->server.reset();
}

void app::run(const std::string& host, int port, bool handle_signals) {
  if (!handle_signals) {
    start(host, port);
    if (impl_->server->thread.joinable()) impl_->server->thread.join();
    impl_->server.reset();
    return;
  }
  // SIGINT / SIGTERM are blocked in this thread before the server's threads
  // start (they inherit the mask), and taken here with sigtimedwait: stopping
  // happens in ordinary code, never in a signal handler.
  sigset_t signals, old;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, &old);
  try {
    start(host, port);
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    throw;
  }
  const timespec tick{0, 200 * 1000 * 1000};
  while (impl_->server && impl_->server->server.is_running()) {
    if (sigtimedwait(&signals, nullptr, &tick) > 0) break;
  }
  stop();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

}  // namespace retort::web
