// The database object of a web application (Flask-SQLAlchemy's `db =
// SQLAlchemy(app)`): engines configured by URI and binds, one session per
// bind per request (removed when the request ends), get_or_404 and friends,
// paginate from the request's query string, the query record and the
// models_committed signals. Compiled part: src/web/sqlalchemy.cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "retort/database.hpp"
#include "retort/orm/events.hpp"
#include "retort/orm/pagination.hpp"
#include "retort/web/app.hpp"

namespace retort::web {

/// One extra database (Flask-SQLAlchemy's SQLALCHEMY_BINDS entry): the models of
/// `models` live in it, and their sessions, queries and create_all use it.
struct bind_config {
  std::string uri;
  model_set models;
  engine::engine_options engine_options{};
};

/// The configuration (Flask-SQLAlchemy's SQLALCHEMY_* keys).
struct db_config {
  std::string uri = "sqlite://";                 ///< SQLALCHEMY_DATABASE_URI
  std::optional<model_set> models{};             ///< the default bind's models (db.Model); none: every mapped class
  std::map<std::string, bind_config, std::less<>> binds{};  ///< SQLALCHEMY_BINDS, by bind key
  /// SQLALCHEMY_ENGINE_OPTIONS. Without a `pool`, each engine's pool keeps
  /// default_worker_count() connections (the server's workers), not 5.
  engine::engine_options engine_options{};
  bool echo = false;                             ///< SQLALCHEMY_ECHO (every bind)
  bool record_queries = false;                   ///< SQLALCHEMY_RECORD_QUERIES
  /// SQLALCHEMY_TRACK_MODIFICATIONS: send before_models_committed and models_committed.
  bool track_modifications = false;
  /// Beyond Flask-SQLAlchemy 3 (which removed COMMIT_ON_TEARDOWN): commit the
  /// request's sessions after a handler returns a status below 400, before the
  /// response is sent, so a failed commit becomes the error response.
  bool commit_on_success = false;
  retort::session_options session_options{};
};

/// paginate's options (Flask-SQLAlchemy 3's db.paginate keywords).
struct paginate_options {
  std::optional<std::int64_t> page{};  ///< none: the request's `page` (default 1)
  std::optional<std::int64_t> per_page{};  ///< none: the request's `per_page` (default 20)
  std::optional<std::int64_t> max_per_page{};  ///< caps per_page (none by default, as Flask-SQLAlchemy 3.0)
  bool error_out = true;  ///< a page or per_page out of range or malformed is a 404
  bool count = true;      ///< run SELECT count(*) for total
};

/// A model change as the signals report it: the object and "insert" / "update" / "delete".
using model_changes = std::vector<model_change>;

class sqlalchemy {
 public:
  /// Opens the engines (connecting on first use). A URL of a backend this
  /// build lacks, or a malformed one, is an ArgumentError (its password masked).
  explicit sqlalchemy(db_config config);
  ~sqlalchemy();
  sqlalchemy(const sqlalchemy&) = delete;
  sqlalchemy& operator=(const sqlalchemy&) = delete;

  /// Registers with the app (db.init_app): the request's sessions are rolled
  /// back and removed when it ends; with commit_on_success they are committed
  /// first. A db serves one app.
  void init_app(web::app& a);

  /// The request's session of the default bind (db.session), made on first use.
  /// Outside a request (or an app_context): InvalidRequestError.
  retort::session& session();
  /// The request's session of a bind; an unknown key is an ArgumentError.
  retort::session& session(std::string_view bind_key);
  /// The request's session of the bind T's table lives in.
  template <class T>
  retort::session& session_for() {
    return session(bind_key_of(orm::mapper_for<T>()));
  }
  /// Model.query: a query of T on its bind's session.
  template <class T>
  retort::query<T> query() {
    return session_for<T>().template query<T>();
  }
  /// db.get_or_404(User, id): the object, or a 404 with `description`.
  template <class T, class K>
  ptr<T> get_or_404(const K& key, std::string description = {},
                    retort::source_location where = retort::source_location::current()) {
    auto p = session_for<T>().template get<T>(key, where);
    if (!p) abort(404, std::move(description));
    return p;
  }
  /// query.first_or_404(): the first row, or a 404.
  template <class T>
  ptr<T> first_or_404(retort::query<T> q, std::string description = {},
                      retort::source_location where = retort::source_location::current()) {
    auto p = q.first(where);
    if (!p) abort(404, std::move(description));
    return p;
  }
  /// query.one_or_404(): exactly one row, or a 404 (none, or more than one).
  template <class T>
  ptr<T> one_or_404(retort::query<T> q, std::string description = {},
                    retort::source_location where = retort::source_location::current()) {
    ptr<T> p;
    try {
      p = q.one_or_none(where);
    } catch (const MultipleResultsFound&) {
      abort(404, std::move(description));
    }
    if (!p) abort(404, std::move(description));
    return p;
  }
  /// db.paginate(query): the page the request asks for (`?page=N&per_page=M`).
  template <class T>
  pagination<T> paginate(const retort::query<T>& q, paginate_options options = {},
                         retort::source_location where = retort::source_location::current()) {
    auto page = q.paginate(resolve(options), where);
    // An empty page past the first is a 404 (Pagination.__init__ with error_out).
    if (options.error_out && page.items.empty() && page.page != 1) abort(404);
    return page;
  }

  /// create_all / drop_all of every bind (bind_key "__all__", as Flask-SQLAlchemy),
  /// of the default bind (""), or of one bind.
  void create_all(std::string_view bind_key = "__all__");
  void drop_all(std::string_view bind_key = "__all__");
  /// The database (engine and tables) of a bind ("" the default).
  retort::database& database(std::string_view bind_key = "");
  /// The bind keys, the default ("") first.
  std::vector<std::string> bind_keys() const;

  /// get_recorded_queries(): the statements of the current request (every bind),
  /// in order, when record_queries is on; empty otherwise.
  std::vector<engine::query_record> get_recorded_queries();
  /// The N+1 warnings the current request's sessions gave (session_options's
  /// threshold; the debug panel shows them). Also logged unless on_n_plus_one is set.
  std::vector<n_plus_one_report> n_plus_one_reports();

  /// Flask-SQLAlchemy's signals (track_modifications): before the commit, and
  /// after it, with the changes flushed in the transaction.
  void on_before_models_committed(std::function<void(const model_changes&)> f);
  void on_models_committed(std::function<void(const model_changes&)> f);

  /// Switches query recording for sessions made from now on (the debug panel turns it on).
  void record_queries(bool on) noexcept;
  const db_config& config() const noexcept;

  /// A context for work outside a request (seeding, scripts, tests): db.session
  /// works on this thread while it lives; its sessions are removed after.
  class app_context {
   public:
    explicit app_context(sqlalchemy& db);
    ~app_context();
    app_context(const app_context&) = delete;
    app_context& operator=(const app_context&) = delete;

   private:
    struct state;
    std::unique_ptr<state> state_;
  };

  /// The bind key of a mapper's model set ("" the default).
  std::string_view bind_key_of(const orm::mapper& m) const;
  /// The paginate arguments the request and options give (404 on malformed input with error_out).
  paginate_args resolve(const paginate_options& options) const;
  /// Ends the current context's sessions (what the teardown does): commits
  /// first when `commit`, then rolls back and closes each.
  void remove_sessions(bool commit);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace retort::web
