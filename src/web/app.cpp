// The app's request handling: the request context, hooks, routing, CSRF,
// and exceptions turned into error responses. The server (server.cpp) and
// app::test_request both call app::dispatch.
#include "retort/web/app.hpp"

#include <iostream>
#include <mutex>
#include <random>

#include "app_impl.hpp"

namespace retort::web {

namespace {

thread_local request_context* current_context = nullptr;

bool is_form(const request& req) {
  const auto m = req.mimetype();
  return m == "application/x-www-form-urlencoded" || m == "multipart/form-data";
}

bool changes_state(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string random_token() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 2; ++i) {
    auto v = gen();
    for (int j = 0; j < 16; ++j, v >>= 4) out += digits[v & 15];
  }
  return out;
}

/// Fills the parsed parts of a request from its raw ones (the server and test_request give raw ones).
void prepare(request& req) {
  if (req.args.empty() && !req.query_string.empty()) req.args = parse_urlencoded(req.query_string);
  if (req.cookies.empty())
    if (auto c = req.header("Cookie")) req.cookies = parse_cookies(*c);
  if (req.form.empty() && req.mimetype() == "application/x-www-form-urlencoded") req.form = parse_urlencoded(req.body);
}

void check_csrf(const request& req) {
  auto cookie = req.cookies.find("csrf_token");
  auto field = req.form_value("csrf_token");
  if (cookie == req.cookies.end() || cookie->second.empty() || !field || *field != cookie->second)
    throw http_error(400, "the CSRF token is missing or incorrect", "csrf_token");
}

}  // namespace

request_context::~request_context() = default;

request_context* request_context::current() noexcept { return current_context; }

request& current_request() {
  auto* ctx = request_context::current();
  if (!ctx) throw InvalidRequestError("retort::web::current_request(): working outside of a request");
  return ctx->request;
}

std::string csrf_token() {
  auto* ctx = request_context::current();
  if (!ctx) throw InvalidRequestError("retort::web::csrf_token(): working outside of a request");
  auto& req = ctx->request;
  if (auto it = req.cookies.find("csrf_token"); it != req.cookies.end() && !it->second.empty()) return it->second;
  auto token = random_token();
  // Later calls in this request (and the check of this request's own forms) see it.
  req.cookies["csrf_token"] = token;
  ctx->cookies_out.emplace_back("csrf_token", token);
  return token;
}

app::app(app_config config) : impl_(std::make_unique<impl>()), config_(config) {}

app::~app() { stop(); }

app& app::route(std::string_view rule, std::initializer_list<std::string_view> methods, handler h) {
  impl_->routes.add(rule, methods, std::move(h));
  return *this;
}

app& app::errorhandler(int status, error_handler h) {
  impl_->error_handlers[status] = std::move(h);
  return *this;
}

app& app::before_request(before_hook h) {
  impl_->before.push_back(std::move(h));
  return *this;
}

app& app::after_request(after_hook h) {
  impl_->after.push_back(std::move(h));
  return *this;
}

app& app::teardown_request(teardown_hook h) {
  impl_->teardown.push_back(std::move(h));
  return *this;
}

response app::error_response(request& req, const http_error& e) {
  if (auto it = impl_->error_handlers.find(e.status()); it != impl_->error_handlers.end()) {
    try {
      auto r = it->second(req, e);
      return r;
    } catch (...) {
      // A failing error handler falls back to the default page (and the log says why).
      detail::log_line("retort::web: the error handler for " + std::to_string(e.status()) + " raised; default page used");
    }
  }
  if (req.wants_json()) {
    nlohmann::json j{{"error", std::string(reason_phrase(e.status()))}, {"status", e.status()}};
    if (!e.description().empty()) j["description"] = e.description();
    if (!e.field().empty()) j["field"] = e.field();
    return response::json(j, e.status());
  }
  std::string title = std::to_string(e.status()) + " " + std::string(reason_phrase(e.status()));
  std::string body = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>" + title + "</title></head><body><h1>" +
                     title + "</h1>";
  if (!e.description().empty()) body += "<p>" + html_escape(e.description()) + "</p>";
  body += "</body></html>\n";
  return response::html(std::move(body), e.status());
}

response app::dispatch(request& req) {
  request_context ctx(*this, req);
  ctx.outer_ = current_context;
  current_context = &ctx;
  struct pop {
    request_context& c;
    ~pop() { current_context = c.outer_; }
  } popper{ctx};

  std::exception_ptr failure;
  response res;
  try {
    if (req.body.size() > config_.max_content_length)
      throw http_error(413, "the body is larger than " + std::to_string(config_.max_content_length) + " bytes");
    prepare(req);
    auto m = impl_->routes.find(req.path, req.method);
    if (!m) throw http_error(404, "no page at this address");
    if (!m->handler) {
      http_error e(405, "allowed: " + m->allowed);
      res = error_response(req, e);
      res.headers.emplace("Allow", m->allowed);
    } else {
      req.view_args = std::move(m->view_args);
      std::optional<response> early;
      for (auto& h : impl_->before)
        if ((early = h(req))) break;
      if (early) {
        res = std::move(*early);
      } else {
        if (config_.csrf && changes_state(req.method) && is_form(req)) check_csrf(req);
        res = (*m->handler)(req);
      }
    }
  } catch (...) {
    failure = std::current_exception();
    res = error_response(req, detail::error_for(failure, req));
  }
  // After-request hooks see every response; one that raises (a failed commit
  // on success) replaces it with the error's.
  for (auto& h : impl_->after) {
    try {
      h(req, res);
    } catch (...) {
      failure = std::current_exception();
      res = error_response(req, detail::error_for(failure, req));
    }
  }
  for (auto& [name, value] : ctx.cookies_out) res.set_cookie(name, value);
  for (auto& h : impl_->teardown) {
    try {
      h(req, failure);
    } catch (const std::exception& e) {
      detail::log_line(std::string("retort::web: a teardown hook raised: ") + e.what());
    } catch (...) {
      detail::log_line("retort::web: a teardown hook raised");
    }
  }
  if (req.method == "HEAD") res.body.clear();
  return res;
}

response app::test_request(std::string_view method, std::string_view target, std::string body, web::headers headers) {
  request req;
  req.method = std::string(method);
  const auto q = target.find('?');
  req.path = url_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) req.query_string = std::string(target.substr(q + 1));
  req.body = std::move(body);
  req.headers = std::move(headers);
  req.remote_addr = "127.0.0.1";
  return dispatch(req);
}

namespace detail {

void log_line(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::clog << "[retort.web] " << line << '\n';
}

}  // namespace detail

}  // namespace retort::web
