// register_routes: the pages, the API and the error pages on one app (the
// `blog` executable and the HTTP tests both call it).
#include "blog.hpp"

#include <memory>
#include <string>

#include "support.hpp"

namespace blog {

namespace {

using nlohmann::json;
using retort::web::http_error;
using retort::web::request;
using retort::web::response;

/// What an error page says when the error carries no description.
std::string default_description(int status) {
  switch (status) {
    case 400: return "The request could not be understood.";
    case 404: return "There is nothing at this address.";
    case 405: return "This address does not take this method.";
    case 409: return "The change conflicts with what is stored.";
    case 413: return "The request is too large.";
    case 415: return "The request's body is not of a type this address takes.";
    default: return "Something went wrong on our side; the error is logged.";
  }
}

/// The error as JSON (the API) or as the blog's error page. A 500's details
/// stay in the log: the client sees the generic description.
response error_page(detail::env& e, request& req, const http_error& err) {
  const int status = err.status();
  if (req.wants_json()) {
    json j{{"error", std::string(retort::web::reason_phrase(status))}, {"status", status}};
    if (!err.description().empty()) j["description"] = err.description();
    if (!err.field().empty()) j["field"] = err.field();
    return response::json(j, status);
  }
  json ctx{{"page_title", std::to_string(status) + " " + std::string(retort::web::reason_phrase(status))},
           {"status", status},
           {"reason", std::string(retort::web::reason_phrase(status))},
           {"description", err.description().empty() ? default_description(status) : err.description()},
           {"field", err.field().empty() ? json(nullptr) : json(err.field())},
           {"error_page", true}};
  return response::html(e.views.render("error", ctx), status);
}

}  // namespace

void register_routes(retort::web::app& app, retort::web::sqlalchemy& db, const options& opts) {
  auto e = std::make_shared<detail::env>(db, opts);
  detail::register_pages(app, e);
  detail::register_api(app, e);
  for (int status : {400, 404, 405, 409, 413, 415, 500})
    app.errorhandler(status, [e](request& req, const http_error& err) { return error_page(*e, req, err); });
}

bool has_users(retort::web::sqlalchemy& db) {
  retort::web::sqlalchemy::app_context ctx(db);
  return db.query<User>().count() > 0;
}

}  // namespace blog
