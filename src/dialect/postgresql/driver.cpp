// The PostgreSQL driver on libpq; the only file that includes libpq-fe.h.
// Parameters travel typed (OIDs from their value kinds), results come back as
// text and are decoded by column type OID, and SQLSTATEs become the DB-API
// error family with table, column and constraint filled in.
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "dialect/postgresql/decode.hpp"
#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/engine/driver.hpp"
#include "retort/util/error.hpp"

namespace retort::postgresql {

namespace {

using engine::result;

// Type OIDs (pg_type.dat), one list with the decoders'.
using detail::bool_oid, detail::bytea_oid, detail::int8_oid, detail::text_oid, detail::float8_oid, detail::date_oid,
    detail::timestamp_oid, detail::timestamptz_oid, detail::numeric_oid, detail::uuid_oid;

// ---- errors ---------------------------------------------------------------

std::string field(const PGresult* r, int code) {
  const char* v = r ? PQresultErrorField(r, code) : nullptr;
  return v ? v : "";
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

database_error_info error_info(PGconn* conn, const PGresult* r, const std::string& sql) {
  database_error_info info;
  info.message = field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (info.message.empty()) info.message = trimmed(PQerrorMessage(conn));  // no result, or the connection died
  if (auto detail = field(r, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) info.message += " (" + detail + ")";
  info.table = field(r, PG_DIAG_TABLE_NAME);
  info.column = field(r, PG_DIAG_COLUMN_NAME);
  info.constraint = field(r, PG_DIAG_CONSTRAINT_NAME);
  info.sqlstate = field(r, PG_DIAG_SQLSTATE);
  info.statement = sql;
  // Unique and foreign-key violations name no column; their detail does, when
  // the key is the reported table's own: "Key (user_id)=(99) is not present in
  // table "user"." or "Key (username)=(a) already exists." (the first column of
  // a composite key). "... is still referenced from table "post"" is the
  // parent's key with the child's table: no column is named then.
  if (info.column.empty() && info.sqlstate.rfind("23", 0) == 0) {
    auto detail = field(r, PG_DIAG_MESSAGE_DETAIL);
    bool own_key = detail.find(" is not present in table ") != std::string::npos ||
                   detail.find(" already exists") != std::string::npos;
    if (own_key && detail.rfind("Key (", 0) == 0) {
      auto end = detail.find_first_of(",)", 5);
      if (end != std::string::npos) info.column = detail.substr(5, end - 5);
      if (info.column.size() > 1 && info.column.front() == '"') info.column = info.column.substr(1, info.column.size() - 2);
    }
  }
  return info;
}

/// SQLSTATE classes that mean the SQL itself is wrong: syntax, names, privileges,
/// unsupported features, misuse of transactions or cursors (every 2x but 22 and 23).
bool programming_class(std::string_view cls) {
  for (std::string_view c : {"42", "26", "34", "3D", "3F", "0A"})
    if (cls == c) return true;
  return cls.size() == 2 && cls[0] == '2';
}

/// Connection exceptions (08), operator intervention (57), resources (53),
/// system (58), internal (XX), serialization failures (40) and anything without
/// a SQLSTATE are operational: the SQL may succeed another time.
[[noreturn]] void raise(PGconn* conn, const PGresult* r, const std::string& sql) {
  auto info = error_info(conn, r, sql);
  const std::string cls = info.sqlstate.substr(0, 2);
  if (PQstatus(conn) == CONNECTION_BAD) {
    // libpq folds the server's FATAL into its own "server closed the connection" result, without a SQLSTATE.
    if (info.sqlstate.empty()) info.sqlstate = "08006";  // connection_failure
    throw OperationalError(std::move(info));
  }
  if (info.sqlstate.empty()) throw OperationalError(std::move(info));  // a client-side libpq failure
  if (cls == "23") throw IntegrityError(std::move(info));
  if (cls == "22") throw DataError(std::move(info));
  if (programming_class(cls)) throw ProgrammingError(std::move(info));
  throw OperationalError(std::move(info));
}

/// A PGresult that is always cleared.
struct result_ptr {
  PGresult* r;
  explicit result_ptr(PGresult* p) : r(p) {}
  ~result_ptr() { PQclear(r); }
  result_ptr(const result_ptr&) = delete;
  result_ptr& operator=(const result_ptr&) = delete;
};

void check(PGconn* conn, const result_ptr& res, const std::string& sql) {
  auto st = res.r ? PQresultStatus(res.r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) raise(conn, res.r, sql);
}

// ---- parameters -----------------------------------------------------------

/// Parameters in libpq's form; owns the text of each.
struct bound_params {
  std::vector<Oid> types;
  std::vector<std::string> text;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;

  explicit bound_params(std::span<const sql::value> params)
      : types(params.size()), text(params.size()), values(params.size()), lengths(params.size()),
        formats(params.size()) {
    for (std::size_t i = 0; i < params.size(); ++i) encode(i, params[i]);
  }

  void encode(std::size_t i, const sql::value& v) {
    if (v.is_null()) {  // OID 0: the server infers the type from where the NULL goes
      types[i] = 0;
      values[i] = nullptr;
      return;
    }
    if (v.kind() == sql::value_kind::text && v.text().find('\0') != std::string::npos) {
      // libpq's text format ends a value at its first NUL: it would be stored cut short.
      database_error_info info;
      info.message = "text parameter $" + std::to_string(i + 1) +
                     " contains a NUL byte, which PostgreSQL text cannot store; it was not sent (use a blob)";
      info.sqlstate = "22021";
      throw DataError(std::move(info));
    }
    types[i] = encode_text(v, text[i]);
    formats[i] = v.kind() == sql::value_kind::binary ? 1 : 0;  // bytea goes as raw bytes
    values[i] = text[i].data();
    lengths[i] = static_cast<int>(text[i].size());
  }

  /// Writes `v` in PostgreSQL's text input form (bytea: the bytes) and returns its type OID.
  static Oid encode_text(const sql::value& v, std::string& out) {
    switch (v.kind()) {
      case sql::value_kind::boolean: out = v.as_bool() ? "true" : "false"; return bool_oid;
      case sql::value_kind::integer: out = std::to_string(v.as_int()); return int8_oid;
      case sql::value_kind::real: out = real_text(v.as_double()); return float8_oid;
      case sql::value_kind::text: out = v.text(); return text_oid;
      case sql::value_kind::binary: out.assign(v.bytes().begin(), v.bytes().end()); return bytea_oid;
      case sql::value_kind::decimal: out = v.as_numeric().text; return numeric_oid;
      case sql::value_kind::date: out = sql::format_date(v.as_date()); return date_oid;
      case sql::value_kind::date_time: out = sql::format_date_time(v.as_date_time()); return timestamp_oid;
      case sql::value_kind::date_time_tz: out = sql::format_date_time_tz(v.as_date_time_tz()); return timestamptz_oid;
      case sql::value_kind::uuid: out = v.as_uuid().str(); return uuid_oid;
      // Untyped (OID 0): the column's type applies, so one value fits a jsonb or
      // json column, and a label any native ENUM type (text would not: PostgreSQL
      // has no implicit cast from text to either).
      case sql::value_kind::json: out = v.json(); return 0;
      case sql::value_kind::enum_label: out = v.label(); return 0;
      case sql::value_kind::null: break;
    }
    return 0;
  }

  static std::string real_text(double d) {
    char buf[64];
    if (!std::isfinite(d)) {
      std::snprintf(buf, sizeof buf, "%.17g", d);  // inf, -inf, nan: PostgreSQL reads them
      return buf;
    }
    // The shortest text that reads back bit for bit (std::to_chars), a tenth of snprintf's cost.
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
  }
};

/// The parameter OIDs as a map key: a statement is prepared once per signature.
std::string signature(const std::vector<Oid>& types) {
  std::string s;
  for (auto t : types) s += std::to_string(t) + ",";
  return s;
}

// ---- results ----------------------------------------------------------------

using detail::decode;  // text output forms to values: decode.hpp

sql::value cell(const PGresult* r, int row, int c, Oid type) {
  return PQgetisnull(r, row, c) ? sql::value() : decode(PQgetvalue(r, row, c), PQgetlength(r, row, c), type);
}

result to_result(PGresult* r) {
  const int ncols = PQnfields(r), nrows = PQntuples(r);
  std::vector<std::string> names;
  std::vector<Oid> types;
  for (int c = 0; c < ncols; ++c) {
    names.emplace_back(PQfname(r, c));
    types.push_back(PQftype(r, c));
  }
  result out(std::move(names));
  out.reserve_cells(static_cast<std::size_t>(ncols) * static_cast<std::size_t>(nrows));
  for (int row = 0; row < nrows; ++row)
    for (int c = 0; c < ncols; ++c) out.push(cell(r, row, c, types[static_cast<std::size_t>(c)]));
  const char* affected = PQcmdTuples(r);
  if (affected && *affected) out.set_rows_affected(std::strtoll(affected, nullptr, 10));
  return out;
}

// ---- connecting -------------------------------------------------------------

using keywords = std::vector<std::pair<std::string, std::string>>;

/// The connection keywords the linked libpq knows (PQconndefaults), read once.
const std::vector<std::string>& libpq_keywords() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    PQconninfoOption* options = PQconndefaults();
    for (auto* o = options; o && o->keyword; ++o) out.emplace_back(o->keyword);
    PQconninfoFree(options);
    return out;
  }();
  return names;
}

bool libpq_knows(const std::string& key) {
  const auto& k = libpq_keywords();
  return std::find(k.begin(), k.end(), key) != k.end();
}

/// What Retort sets when the URL does not: a connect that gives up, and TCP
/// that notices a peer gone quiet (keepalives after 30 s idle, every 10 s, 3
/// tries; unacknowledged data abandoned after 30 s). Unix sockets ignore all but
/// connect_timeout. tcp_user_timeout needs libpq 12: left out where it is unknown.
constexpr std::pair<const char*, const char*> connect_defaults[] = {
    {"connect_timeout", "10"}, {"keepalives", "1"},         {"keepalives_idle", "30"},
    {"keepalives_interval", "10"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "30000"},
};

/// libpq keywords from the URL: host, port, user, password, dbname, then every
/// query option as it is (options, sslmode, application_name...), then the
/// defaults above for what the URL leaves out.
keywords conninfo(const engine::url& u) {
  keywords kv;
  auto add = [&](const char* k, const std::string& v) {
    if (!v.empty()) kv.emplace_back(k, v);
  };
  add("host", u.host());
  if (u.port()) add("port", std::to_string(*u.port()));
  add("user", u.username());
  add("password", u.password());
  add("dbname", u.database());
  for (const auto& [k, v] : u.query())
    if (!engine::is_engine_option(k)) kv.emplace_back(k, v);
  for (const auto& [k, v] : connect_defaults)
    if (!u.query().contains(k) && libpq_knows(k)) kv.emplace_back(k, v);
  return kv;
}

/// Keywords whose value libpq parses as an integer, and the least it may be.
constexpr std::pair<const char*, long> integer_options[] = {
    {"port", 1}, {"connect_timeout", 0}, {"keepalives", 0}, {"keepalives_idle", 0},
    {"keepalives_interval", 0}, {"keepalives_count", 0}, {"tcp_user_timeout", 0},
};

/// ArgumentError unless every query option is a libpq keyword (or the engine's),
/// integer options are integers, and no option repeats a part the URL already
/// has: `?dbname=` beside a path would silently win over it. An empty part may
/// be given as an option (`postgresql:///db?host=/run/postgresql`).
void validate_url(const engine::url& u) {
  const std::string where = "postgresql URL " + u.render();
  for (const auto& [key, value] : u.query()) {
    if (engine::is_engine_option(key)) continue;
    if (!libpq_knows(key)) {
      std::string known = "echo";
      for (const auto& k : libpq_keywords()) known += ", " + k;
      throw ArgumentError(where + ": unknown option '" + key + "' (accepted: " + known + ")");
    }
    for (const auto& [name, least] : integer_options) {
      if (key != name) continue;
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n < least || n > 2147483647)
        throw ArgumentError(where + ": option " + key + "='" + value + "' is not an integer of at least " +
                            std::to_string(least));
    }
  }
  const std::pair<const char*, bool> parts[] = {
      {"host", !u.host().empty()},         {"port", u.port().has_value()}, {"user", !u.username().empty()},
      {"password", !u.password().empty()}, {"dbname", !u.database().empty()},
  };
  for (const auto& [key, in_url] : parts)
    if (in_url && u.query().contains(key))
      throw ArgumentError(where + ": the " + std::string(key) +
                          " is given both in the URL and as ?" + key + "=; give it once");
}

/// "host:port" for messages; a socket directory given as ?host=/dir is named
/// as libpq names the socket ("/dir/.s.PGSQL.5432").
std::string location(const engine::url& u) {
  std::string port = u.port() ? std::to_string(*u.port()) : u.option("port", "5432");
  std::string host = u.host().empty() ? u.option("host") : u.host();
  if (host.empty()) return "local socket .s.PGSQL." + port;
  if (host.front() == '/') return host + "/.s.PGSQL." + port;
  return host + ":" + port;
}

struct pgconn_deleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using pgconn_ptr = std::unique_ptr<PGconn, pgconn_deleter>;

[[noreturn]] void connect_failed(const engine::url& u, const std::string& why) {
  database_error_info info;
  info.message = "could not connect to PostgreSQL at " + location(u) + ": " + why;
  info.sqlstate = "08001";  // sqlclient_unable_to_establish_sqlconnection
  throw OperationalError(std::move(info));
}

pgconn_ptr open(const engine::url& u) {
  auto kv = conninfo(u);
  std::vector<const char*> keys, values;
  for (const auto& [k, v] : kv) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  pgconn_ptr conn(PQconnectdbParams(keys.data(), values.data(), 0));
  if (!conn) connect_failed(u, "out of memory");
  if (PQstatus(conn.get()) != CONNECTION_OK) connect_failed(u, trimmed(PQerrorMessage(conn.get())));
  if (PQsetClientEncoding(conn.get(), "UTF8") != 0)
    connect_failed(u, "cannot set client_encoding UTF8: " + trimmed(PQerrorMessage(conn.get())));
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);  // NOTICEs are not errors; keep stderr clean
  return conn;
}

// ---- statements and connections ---------------------------------------------

class connection;

/// A statement prepared per parameter-type signature: PostgreSQL fixes the
/// parameter types at PREPARE, and a NULL has no type of its own. So it is
/// prepared lazily, at the first execute of each signature.
class statement final : public engine::driver_statement {
 public:
  statement(connection& owner, std::string sql) : owner_(owner), sql_(std::move(sql)) {}
  ~statement() override;
  result execute(std::span<const sql::value> params) override;
  std::vector<result> execute_many(std::span<const std::vector<sql::value>> rows) override;

 private:
  const std::string& prepared_name(const bound_params& p);
  connection& owner_;
  std::string sql_;
  std::map<std::string, std::string> names_;  // type signature -> prepared statement name
};

class connection final : public engine::driver_connection {
 public:
  explicit connection(const engine::url& u) : conn_(open(u)) { execute_direct("SET datestyle TO ISO"); }

  ~connection() override {
    closing_ = true;  // server-side statements die with the session: no DEALLOCATE each
    clear_cache();
  }  // then conn_ is finished

  std::unique_ptr<engine::driver_statement> prepare(const std::string& sql) override {
    return std::make_unique<statement>(*this, sql);
  }

  void execute_direct(const std::string& sql) override {
    result_ptr res(PQexec(raw(), sql.c_str()));
    check(raw(), res, sql);
  }

  std::unique_ptr<engine::driver_cursor> open_cursor(const std::string& sql,
                                                     std::span<const sql::value> params) override;

  /// SELECT 1 sent without blocking, its answer awaited until `timeout`: a
  /// server that accepts bytes and never answers would hang PQexec forever.
  /// Unanswered, the connection is unusable (a query is still in flight): it
  /// is marked broken, so the pool closes it.
  bool ping(std::chrono::milliseconds timeout) override {
    if (broken()) return false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    if (!PQsendQuery(raw(), "SELECT 1")) return false;
    bool ok = false;
    for (;;) {
      while (!PQisBusy(raw())) {
        PGresult* r = PQgetResult(raw());
        if (!r) return ok;
        ok = PQresultStatus(r) == PGRES_TUPLES_OK;
        PQclear(r);
      }
      if (!readable_before(deadline) || !PQconsumeInput(raw())) {
        silent_ = true;
        return false;
      }
    }
  }

  bool broken() const override { return silent_ || PQstatus(raw()) == CONNECTION_BAD; }

  // An idle connection has nothing to read unless the server sent something
  // unasked: a terminated backend's FATAL and the socket's end (or a notice).
  bool input_pending() const override {
    pollfd fd{PQsocket(raw()), POLLIN, 0};
    return ::poll(&fd, 1, 0) != 0;
  }

  PGconn* raw() const { return conn_.get(); }
  bool closing() const { return closing_; }
  std::string next_name() { return "retort_" + std::to_string(++statements_); }

 private:
  /// Waits until the socket has bytes to read; false once `deadline` passes.
  bool readable_before(std::chrono::steady_clock::time_point deadline) const {
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      pollfd fd{PQsocket(raw()), POLLIN, 0};
      int n = ::poll(&fd, 1, static_cast<int>(std::min<std::int64_t>(left.count(), 60000)));
      if (n > 0) return true;
      if (n < 0 && errno != EINTR) return false;
    }
  }

  pgconn_ptr conn_;
  std::uint64_t statements_ = 0;
  bool closing_ = false;
  bool silent_ = false;  ///< a ping went unanswered
};

// Dropped from a live connection's cache (it is bounded): free the server's copy too.
statement::~statement() {
  if (owner_.closing() || owner_.broken()) return;
  for (const auto& [_, name] : names_) PQclear(PQexec(owner_.raw(), ("DEALLOCATE " + name).c_str()));
}

const std::string& statement::prepared_name(const bound_params& p) {
  auto sig = signature(p.types);
  if (auto it = names_.find(sig); it != names_.end()) return it->second;
  auto name = owner_.next_name();
  result_ptr res(PQprepare(owner_.raw(), name.c_str(), sql_.c_str(), static_cast<int>(p.types.size()),
                           p.types.empty() ? nullptr : p.types.data()));
  check(owner_.raw(), res, sql_);
  return names_.emplace(std::move(sig), std::move(name)).first->second;
}

// A SELECT with many parameters (a selectin load's IN of up to 500 keys) is
// sent unnamed, planned for its values each time: after five executions of a
// named statement PostgreSQL may switch to a generic plan, which for a long IN
// list is far worse (bench W4 at 50,000 users: 44 s against 8.8 s planned per
// execution, docs/performance.md). Planning such a statement costs little
// next to what it reads; short statements keep their prepared plans.
constexpr std::size_t custom_plan_parameters = 64;

bool is_select(const std::string& sql) {
  std::size_t i = sql.find_first_not_of(" \t\n(");
  return i != std::string::npos && sql.compare(i, 6, "SELECT") == 0;
}

result statement::execute(std::span<const sql::value> params) {
  bound_params p(params);
  if (params.size() > custom_plan_parameters && is_select(sql_)) {
    result_ptr res(PQexecParams(owner_.raw(), sql_.c_str(), static_cast<int>(params.size()), p.types.data(),
                                p.values.data(), p.lengths.data(), p.formats.data(), 0));
    check(owner_.raw(), res, sql_);
    return to_result(res.r);
  }
  const auto& name = prepared_name(p);
  result_ptr res(PQexecPrepared(owner_.raw(), name.c_str(), static_cast<int>(params.size()), p.values.data(),
                                p.lengths.data(), p.formats.data(), 0));
  check(owner_.raw(), res, sql_);
  return to_result(res.r);
}

// Rows of one statement inside a transaction go as a libpq pipeline, a
// thousand at a time with one Sync each: one round trip per thousand rows
// instead of one per row (the flush's link inserts, UPDATEs and DELETEs).
// Inside a transaction the outcome is the sequential one: the rows before a
// failure ran, the failure is raised, the ones after it are not executed
// (the server skips them until the Sync) and the transaction is failed as it
// would be after that one statement. Outside a transaction each row commits
// on its own, which a pipeline would fold into one implicit transaction: row
// by row there.
std::vector<result> statement::execute_many(std::span<const std::vector<sql::value>> rows) {
  PGconn* conn = owner_.raw();
  if (rows.size() < 2 || PQtransactionStatus(conn) != PQTRANS_INTRANS) return driver_statement::execute_many(rows);
  constexpr std::size_t chunk = 1000;
  std::vector<result> out;
  out.reserve(rows.size());
  for (std::size_t first = 0; first < rows.size(); first += chunk) {
    const std::size_t last = std::min(rows.size(), first + chunk);
    std::vector<bound_params> params;
    std::vector<const std::string*> names;
    params.reserve(last - first);
    names.reserve(last - first);
    for (std::size_t i = first; i < last; ++i) {
      params.emplace_back(rows[i]);
      names.push_back(&prepared_name(params.back()));  // PQprepare is synchronous: before the pipeline
    }
    if (!PQenterPipelineMode(conn)) raise(conn, nullptr, sql_);
    std::size_t sent = 0;
    for (; sent < params.size(); ++sent) {
      const auto& p = params[sent];
      if (!PQsendQueryPrepared(conn, names[sent]->c_str(), static_cast<int>(p.values.size()), p.values.data(),
                               p.lengths.data(), p.formats.data(), 0))
        break;
    }
    // A send fails only when the connection does: nothing more can be read.
    if (sent < params.size() || !PQpipelineSync(conn)) raise(conn, nullptr, sql_);
    std::exception_ptr failure;  // the first failed row's error, raised once the pipeline is drained
    for (std::size_t i = 0; i < sent; ++i) {
      result_ptr res(PQgetResult(conn));
      if (!res.r) raise(conn, nullptr, sql_);  // the connection died mid-pipeline
      auto st = PQresultStatus(res.r);
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        out.push_back(to_result(res.r));
      } else if (st != PGRES_PIPELINE_ABORTED && !failure) {
        try {
          raise(conn, res.r, sql_);
        } catch (...) {
          failure = std::current_exception();
        }
      }
      result_ptr end(PQgetResult(conn));  // each query's results end with a null
    }
    for (;;) {  // up to the Sync's own result
      result_ptr res(PQgetResult(conn));
      if (!res.r) raise(conn, nullptr, sql_);
      if (PQresultStatus(res.r) == PGRES_PIPELINE_SYNC) break;
    }
    PQexitPipelineMode(conn);
    if (failure) std::rethrow_exception(failure);
  }
  return out;
}

// A server-side cursor: DECLARE ... CURSOR FOR the statement (its parameters
// bound as any statement's), then FETCH FORWARD n per batch, CLOSE at the end.
// Inside a transaction it lives as long as the transaction; outside one it is
// declared WITH HOLD (PostgreSQL then keeps the rows on the server until CLOSE).
// libpq 15 has no chunked row mode, and single-row mode would keep the
// connection busy: a lazy load during the iteration could not run.
class cursor final : public engine::driver_cursor {
 public:
  cursor(connection& owner, const std::string& sql, std::span<const sql::value> params)
      : owner_(owner), name_("retort_cursor_" + owner.next_name()) {
    const bool hold = PQtransactionStatus(owner.raw()) != PQTRANS_INTRANS;
    const std::string declare = "DECLARE " + name_ + " NO SCROLL CURSOR " + (hold ? "WITH HOLD " : "") + "FOR " + sql;
    bound_params p(params);
    result_ptr res(PQexecParams(owner.raw(), declare.c_str(), static_cast<int>(params.size()), p.types.data(),
                                p.values.data(), p.lengths.data(), p.formats.data(), 0));
    check(owner.raw(), res, sql);
    open_ = true;
    fetch_sql_prefix_ = "FETCH FORWARD ";
  }
  ~cursor() override {
    if (!open_ || abandoned_ || owner_.broken()) return;
    PQclear(PQexec(owner_.raw(), ("CLOSE " + name_).c_str()));  // fails harmlessly in a failed transaction
  }
  result fetch(std::size_t n) override {
    if (!open_) return result();
    const std::string sql = fetch_sql_prefix_ + std::to_string(n) + " FROM " + name_;
    result_ptr res(PQexec(owner_.raw(), sql.c_str()));
    check(owner_.raw(), res, sql);
    auto out = to_result(res.r);
    if (out.size() < n) {  // the last batch: close now, not when the cursor object goes
      PQclear(PQexec(owner_.raw(), ("CLOSE " + name_).c_str()));
      open_ = false;
    }
    return out;
  }
  void abandon() noexcept override { abandoned_ = true; }

 private:
  connection& owner_;
  std::string name_;
  std::string fetch_sql_prefix_;
  bool open_ = false;
  bool abandoned_ = false;
};

std::unique_ptr<engine::driver_cursor> connection::open_cursor(const std::string& sql,
                                                               std::span<const sql::value> params) {
  return std::make_unique<cursor>(*this, sql, params);
}

class driver final : public engine::driver {
 public:
  const sql::dialect& dialect() const override { return dialect_; }
  void validate(const engine::url& u) const override { validate_url(u); }
  std::unique_ptr<engine::driver_connection> connect(const engine::url& u) override {
    return std::make_unique<connection>(u);
  }

 private:
  postgresql::dialect dialect_;
};

}  // namespace

// Defined in reflect.cpp: registers the reflector (retort/engine/inspector.hpp) for this dialect.
void register_reflector_once();

void register_backend() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto shared = std::make_shared<driver>();
    register_reflector_once();
    engine::register_driver("postgresql", [shared] { return shared; });
    engine::register_driver("postgres", [shared] { return shared; });
  });
}

}  // namespace retort::postgresql
