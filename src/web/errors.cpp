// Exceptions to HTTP errors: what a client may see of a failure. Database
// errors become 400 / 409 naming at most the column (never the SQL, the
// table's internals or the database's own message); anything unexpected is a
// 500 with its details in the server log only.
#include <string>

#include "app_impl.hpp"

namespace retort::web::detail {

namespace {

http_error from_integrity(const IntegrityError& e) {
  const auto& info = e.info();
  if (info.sqlstate == "23502")  // NOT NULL: a value the request did not give
    return http_error(400, info.column.empty() ? "a required value is missing" : "'" + info.column + "' is required",
                      info.column);
  if (info.sqlstate == "23503")
    return http_error(409, info.column.empty() ? "a referenced row does not exist, or rows still refer to this one"
                                               : "'" + info.column + "' refers to a row that does not exist, or rows still refer to this one",
                      info.column);
  if (info.sqlstate == "23514")
    return http_error(400, "a value is not allowed by a CHECK constraint", info.column);
  return http_error(409, info.column.empty() ? "a row with these values already exists"
                                             : "'" + info.column + "' is already taken",
                    info.column);
}

}  // namespace

http_error error_for(std::exception_ptr e, const request& req) {
  try {
    std::rethrow_exception(e);
  } catch (const http_error& h) {
    return h;
  } catch (const NoResultFound&) {
    return http_error(404, "no such row");
  } catch (const IntegrityError& i) {
    log_line(req.method + " " + req.path + ": " + error_class_name(i) + ": " + i.what());
    return from_integrity(i);
  } catch (const DataError& d) {
    log_line(req.method + " " + req.path + ": " + error_class_name(d) + ": " + d.what());
    return http_error(400, "a value does not fit its column", d.column());
  } catch (const std::exception& x) {
    log_line(req.method + " " + req.path + ": 500: " + error_class_name(x) + ": " + x.what());
  } catch (...) {
    log_line(req.method + " " + req.path + ": 500: an exception of unknown type");
  }
  return http_error(500, "the server failed to handle the request");
}

}  // namespace retort::web::detail
