// The db object: engines per bind, the sessions of the current request (or
// app_context), their removal at teardown, the modification tracking behind
// models_committed (Flask-SQLAlchemy's track_modifications.py: changes
// recorded at before_flush and before_commit, sent around the commit,
// cleared by a rollback), and paginate's request arguments.
#include "retort/web/sqlalchemy.hpp"

#include <algorithm>
#include <charconv>

#include "app_impl.hpp"

namespace retort::web {

namespace {

/// One bind's sessions and listeners for one request or app_context.
struct scope_state {
  struct bound {
    std::string key;
    std::unique_ptr<retort::session> session;
    std::vector<listener> listeners;
  };
  std::vector<bound> sessions;
  /// Tracked changes by object identity (Flask-SQLAlchemy's session._model_changes).
  std::vector<model_change> changes;
  std::vector<n_plus_one_report> warnings;

  void record(const any_ptr& object, change_kind kind) {
    for (auto& c : changes)
      if (c.object == object) {
        c.kind = kind;
        return;
      }
    changes.push_back({object, kind});
  }
};

/// Every db's state in one request (one request_context extension for all dbs).
struct request_dbs {
  std::vector<std::pair<const sqlalchemy*, std::unique_ptr<scope_state>>> by_db;
};

/// The app_contexts open on this thread, innermost last.
thread_local std::vector<std::pair<const sqlalchemy*, scope_state*>> app_contexts;

std::optional<std::int64_t> python_int(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.starts_with('+')) s.remove_prefix(1);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

struct sqlalchemy::impl {
  struct bind_entry {
    std::string key;
    std::optional<model_set> models;
    std::unique_ptr<retort::database> db;
  };
  db_config config;
  std::vector<bind_entry> binds;  ///< the default ("") first
  web::app* app = nullptr;
  std::vector<std::function<void(const model_changes&)>> before_committed;
  std::vector<std::function<void(const model_changes&)>> committed;

  bind_entry& bind(std::string_view key) {
    for (auto& b : binds)
      if (b.key == key) return b;
    std::string known;
    for (auto& b : binds)
      if (!b.key.empty()) known += (known.empty() ? "" : ", ") + b.key;
    throw ArgumentError("retort::web::sqlalchemy: no bind '" + std::string(key) + "' (binds: " +
                        (known.empty() ? "none" : known) + ")");
  }

  scope_state* find_scope(const sqlalchemy* self) {
    for (auto it = app_contexts.rbegin(); it != app_contexts.rend(); ++it)
      if (it->first == self) return it->second;
    auto* ctx = request_context::current();
    if (!ctx) return nullptr;
    auto& dbs = ctx->ext<request_dbs>();
    for (auto& [db, state] : dbs.by_db)
      if (db == self) return state.get();
    dbs.by_db.emplace_back(self, std::make_unique<scope_state>());
    return dbs.by_db.back().second.get();
  }

  retort::session& open(scope_state& scope, std::string_view key) {
    for (auto& b : scope.sessions)
      if (b.key == key) return *b.session;
    auto& entry = bind(key);
    auto options = config.session_options;
    if (config.record_queries) options.record_queries = true;
    auto user_hook = options.on_n_plus_one;
    options.on_n_plus_one = [&scope, user_hook](const n_plus_one_report& r) {
      scope.warnings.push_back(r);
      if (user_hook)
        user_hook(r);
      else
        detail::log_line(r.message);
    };
    scope_state::bound b{std::string(key), std::make_unique<retort::session>(entry.db->session(options)), {}};
    if (config.track_modifications) track(scope, *b.session, b.listeners);
    scope.sessions.push_back(std::move(b));
    return *scope.sessions.back().session;
  }

  void track(scope_state& scope, retort::session& s, std::vector<listener>& out) {
    auto record_all = [&scope](retort::session& session) {
      for (auto& o : session.new_objects()) scope.record(o, change_kind::insert);
      for (auto& o : session.dirty_objects()) scope.record(o, change_kind::update);
      for (auto& o : session.deleted_objects()) scope.record(o, change_kind::delete_);
    };
    out.push_back(s.on(retort::before_flush, [&scope](retort::session&, const flush_context& f) {
      for (const auto& c : f.changes()) scope.record(c.object, c.kind);
    }));
    out.push_back(s.on(retort::before_commit, [this, &scope, record_all](retort::session& session) {
      record_all(session);
      if (!scope.changes.empty())
        for (auto& f : before_committed) f(scope.changes);
    }));
    out.push_back(s.on(retort::after_commit, [this, &scope](retort::session&) {
      if (!scope.changes.empty())
        for (auto& f : committed) f(scope.changes);
      scope.changes.clear();
    }));
    out.push_back(s.on(retort::after_rollback, [&scope](retort::session&) { scope.changes.clear(); }));
  }
};

sqlalchemy::sqlalchemy(db_config config) : impl_(std::make_unique<impl>()) {
  impl_->config = std::move(config);
  auto options_for = [&](engine::engine_options o) {
    if (impl_->config.echo && !o.echo.on()) o.echo = logging::echo_mode(true);
    // A pool as large as the server's workers: each request holds a connection
    // while its session is in a transaction, and a pool smaller than the
    // workers closes and reopens connections under load (5 idle, SQLAlchemy's
    // default, with 16 workers: a new PostgreSQL backend every few requests).
    if (!o.pool) {
      engine::pool_options p;
      p.size = default_worker_count();
      o.pool = p;
    }
    return o;
  };
  auto open = [&](std::string key, const std::string& uri, const std::optional<model_set>& models,
                  const engine::engine_options& o) {
    auto db = models ? std::make_unique<retort::database>(uri, *models, options_for(o))
                     : std::make_unique<retort::database>(uri, options_for(o));
    impl_->binds.push_back({std::move(key), models, std::move(db)});
  };
  open("", impl_->config.uri, impl_->config.models, impl_->config.engine_options);
  for (const auto& [key, b] : impl_->config.binds) {
    if (key.empty() || key == "__all__")
      throw ArgumentError("retort::web::sqlalchemy: a bind key must not be empty or \"__all__\"");
    open(key, b.uri, b.models, b.engine_options);
  }
}

sqlalchemy::~sqlalchemy() = default;

void sqlalchemy::init_app(web::app& a) {
  if (impl_->app && impl_->app != &a)
    throw InvalidRequestError("retort::web::sqlalchemy::init_app: this db serves another app already");
  if (impl_->app) return;
  impl_->app = &a;
  if (impl_->config.commit_on_success) {
    a.after_request([this](request&, response& res) {
      if (res.status < 400) remove_sessions(true);
    });
  }
  a.teardown_request([this](request&, std::exception_ptr) { remove_sessions(false); });
}

retort::session& sqlalchemy::session() { return session(std::string_view{}); }

retort::session& sqlalchemy::session(std::string_view bind_key) {
  auto* scope = impl_->find_scope(this);
  if (!scope)
    throw InvalidRequestError(
        "retort::web::sqlalchemy::session(): working outside of a request; handlers get one per request, "
        "scripts and tests open a retort::web::sqlalchemy::app_context first");
  return impl_->open(*scope, bind_key);
}

void sqlalchemy::remove_sessions(bool commit) {
  auto* scope = impl_->find_scope(this);
  if (!scope) return;
  if (commit) {
    for (auto& b : scope->sessions) b.session->commit();
    return;
  }
  // Listeners first (they refer to the scope), then each session: close() rolls back.
  for (auto& b : scope->sessions) {
    b.listeners.clear();
    try {
      b.session->close();
    } catch (const std::exception& e) {
      detail::log_line(std::string("retort::web: closing a session failed: ") + e.what());
    }
  }
  scope->sessions.clear();
  scope->changes.clear();
}

std::string_view sqlalchemy::bind_key_of(const orm::mapper& m) const {
  for (const auto& b : impl_->binds)
    if (!b.key.empty() && b.models && b.models->contains(m)) return b.key;
  return {};
}

paginate_args sqlalchemy::resolve(const paginate_options& o) const {
  paginate_args a;
  a.count = o.count;
  auto* ctx = request_context::current();
  auto from_request = [&](std::string_view name, std::int64_t fallback) {
    auto text = ctx->request.query(name);
    if (!text) return fallback;
    auto v = python_int(*text);
    if (!v) {
      if (o.error_out) abort(404, "'" + std::string(name) + "' is not a number");
      return fallback;
    }
    return *v;
  };
  a.page = o.page ? *o.page : ctx ? from_request("page", 1) : 1;
  a.per_page = o.per_page ? *o.per_page : ctx ? from_request("per_page", 20) : 20;
  if (o.max_per_page) a.per_page = std::min(a.per_page, *o.max_per_page);
  if (a.page < 1) {
    if (o.error_out) abort(404, "page must be at least 1");
    a.page = 1;
  }
  if (a.per_page < 1) {
    if (o.error_out) abort(404, "per_page must be at least 1");
    a.per_page = 20;
  }
  return a;
}

void sqlalchemy::create_all(std::string_view bind_key) {
  for (auto& b : impl_->binds)
    if (bind_key == "__all__" || b.key == bind_key) b.db->create_all();
  if (bind_key != "__all__") impl_->bind(bind_key);  // an unknown key is an error
}

void sqlalchemy::drop_all(std::string_view bind_key) {
  for (auto& b : impl_->binds)
    if (bind_key == "__all__" || b.key == bind_key) b.db->drop_all();
  if (bind_key != "__all__") impl_->bind(bind_key);
}

retort::database& sqlalchemy::database(std::string_view bind_key) { return *impl_->bind(bind_key).db; }

std::vector<std::string> sqlalchemy::bind_keys() const {
  std::vector<std::string> out;
  for (const auto& b : impl_->binds) out.push_back(b.key);
  return out;
}

std::vector<engine::query_record> sqlalchemy::get_recorded_queries() {
  std::vector<engine::query_record> out;
  auto* scope = impl_->find_scope(this);
  if (!scope) return out;
  for (auto& b : scope->sessions) {
    auto r = b.session->recorded_queries();
    out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.start < y.start; });
  return out;
}

std::vector<n_plus_one_report> sqlalchemy::n_plus_one_reports() {
  auto* scope = impl_->find_scope(this);
  return scope ? scope->warnings : std::vector<n_plus_one_report>{};
}

void sqlalchemy::on_before_models_committed(std::function<void(const model_changes&)> f) {
  impl_->before_committed.push_back(std::move(f));
}

void sqlalchemy::on_models_committed(std::function<void(const model_changes&)> f) {
  impl_->committed.push_back(std::move(f));
}

void sqlalchemy::record_queries(bool on) noexcept { impl_->config.record_queries = on; }

const db_config& sqlalchemy::config() const noexcept { return impl_->config; }

struct sqlalchemy::app_context::state {
  sqlalchemy* db;
  scope_state scope;
};

sqlalchemy::app_context::app_context(sqlalchemy& db) : state_(std::make_unique<state>()) {
  state_->db = &db;
  app_contexts.emplace_back(&db, &state_->scope);
}

sqlalchemy::app_context::~app_context() {
  state_->db->remove_sessions(false);
  auto it = std::find_if(app_contexts.rbegin(), app_contexts.rend(),
                         [&](const auto& e) { return e.second == &state_->scope; });
  if (it != app_contexts.rend()) app_contexts.erase(std::next(it).base());
}

}  // namespace retort::web
