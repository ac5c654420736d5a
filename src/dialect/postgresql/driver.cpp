// The PostgreSQL driver on libpq; the only file that includes libpq-fe.h.
// Parameters travel typed (OIDs from their value kinds), results come back as
// text and are decoded by column type OID, and SQLSTATEs become the DB-API
// error family with table, column and constraint filled in.
#include <libpq-fe.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/engine/driver.hpp"
#include "retort/util/error.hpp"

namespace retort::postgresql {

namespace {

using engine::result;

// Type OIDs (pg_type.dat).
constexpr Oid bool_oid = 16, bytea_oid = 17, int8_oid = 20, int2_oid = 21, int4_oid = 23, text_oid = 25,
              float4_oid = 700, float8_oid = 701, date_oid = 1082, timestamp_oid = 1114, timestamptz_oid = 1184,
              numeric_oid = 1700;

std::string field(const PGresult* r, int code) {
  const char* v = r ? PQresultErrorField(r, code) : nullptr;
  return v ? v : "";
}

[[noreturn]] void raise(PGconn* conn, const PGresult* r, const std::string& sql) {
  database_error_info info;
  info.message = field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (info.message.empty()) {
    info.message = PQerrorMessage(conn);
    while (!info.message.empty() && (info.message.back() == '\n' || info.message.back() == ' ')) info.message.pop_back();
  }
  if (auto detail = field(r, PG_DIAG_MESSAGE_DETAIL); !detail.empty()) info.message += " (" + detail + ")";
  info.table = field(r, PG_DIAG_TABLE_NAME);
  info.column = field(r, PG_DIAG_COLUMN_NAME);
  info.constraint = field(r, PG_DIAG_CONSTRAINT_NAME);
  info.sqlstate = field(r, PG_DIAG_SQLSTATE);
  info.statement = sql;
  const std::string cls = info.sqlstate.substr(0, 2);
  if (PQstatus(conn) == CONNECTION_BAD || info.sqlstate.empty()) throw OperationalError(std::move(info));
  if (cls == "23") throw IntegrityError(std::move(info));
  if (cls == "22") throw DataError(std::move(info));
  if (cls == "42" || cls == "26" || cls == "34" || cls == "3D" || cls == "3F" || cls == "0A" || cls == "2B" ||
      cls == "2F" || cls == "28")
    throw ProgrammingError(std::move(info));
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

/// Parameters in libpq's form; owns the text of each.
struct bound_params {
  std::vector<Oid> types;
  std::vector<std::string> text;
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;

  explicit bound_params(std::span<const sql::value> params) {
    auto n = params.size();
    types.resize(n);
    text.resize(n);
    values.resize(n);
    lengths.resize(n);
    formats.resize(n);
    for (std::size_t i = 0; i < n; ++i) encode(i, params[i]);
  }

  void encode(std::size_t i, const sql::value& v) {
    char buf[64];
    switch (v.kind()) {
      case sql::value_kind::null: types[i] = 0; values[i] = nullptr; return;
      case sql::value_kind::boolean: types[i] = bool_oid; text[i] = v.as_bool() ? "true" : "false"; break;
      case sql::value_kind::integer: types[i] = int8_oid; text[i] = std::to_string(v.as_int()); break;
      case sql::value_kind::real:
        types[i] = float8_oid;
        std::snprintf(buf, sizeof buf, "%.17g", v.as_double());
        text[i] = buf;
        break;
      case sql::value_kind::text: types[i] = text_oid; text[i] = v.text(); break;
      case sql::value_kind::binary: {
        types[i] = bytea_oid;
        const auto& b = v.bytes();
        text[i].assign(b.begin(), b.end());
        formats[i] = 1;  // binary: the bytes as they are
        break;
      }
      case sql::value_kind::decimal: types[i] = numeric_oid; text[i] = v.as_numeric().text; break;
      case sql::value_kind::date: types[i] = date_oid; text[i] = sql::format_date(v.as_date()); break;
      case sql::value_kind::date_time:
        types[i] = timestamp_oid;
        text[i] = sql::format_date_time(v.as_date_time());
        break;
    }
    values[i] = text[i].data();
    lengths[i] = static_cast<int>(text[i].size());
  }
};

std::string signature(const std::vector<Oid>& types) {
  std::string s;
  for (auto t : types) s += std::to_string(t) + ",";
  return s;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

sql::value decode(const char* text, int length, Oid type) {
  std::string_view s(text, static_cast<std::size_t>(length));
  switch (type) {
    case int2_oid:
    case int4_oid:
    case int8_oid: return sql::value(static_cast<std::int64_t>(std::strtoll(text, nullptr, 10)));
    case float4_oid:
    case float8_oid: return sql::value(std::strtod(text, nullptr));
    case bool_oid: return sql::value(s == "t");
    case numeric_oid: return sql::value(numeric{std::string(s)});
    case date_oid:
      if (auto d = sql::parse_date(s)) return sql::value(*d);
      break;
    case timestamp_oid:
    case timestamptz_oid:
      if (auto t = sql::parse_date_time(s)) return sql::value(*t);
      break;
    case bytea_oid: {
      blob out;
      if (s.starts_with("\\x")) {
        out.reserve((s.size() - 2) / 2);
        for (std::size_t i = 2; i + 1 < s.size(); i += 2)
          out.push_back(static_cast<std::uint8_t>(hex(s[i]) * 16 + hex(s[i + 1])));
      }
      return sql::value(std::move(out));
    }
    default: break;
  }
  return sql::value(std::string(s));
}

result to_result(PGresult* r) {
  int ncols = PQnfields(r);
  int nrows = PQntuples(r);
  std::vector<std::string> names;
  std::vector<Oid> types;
  for (int c = 0; c < ncols; ++c) {
    names.emplace_back(PQfname(r, c));
    types.push_back(PQftype(r, c));
  }
  result out(std::move(names));
  out.reserve_cells(static_cast<std::size_t>(ncols) * static_cast<std::size_t>(nrows));
  for (int row = 0; row < nrows; ++row)
    for (int c = 0; c < ncols; ++c)
      out.push(PQgetisnull(r, row, c) ? sql::value()
                                      : decode(PQgetvalue(r, row, c), PQgetlength(r, row, c), types[static_cast<std::size_t>(c)]));
  const char* affected = PQcmdTuples(r);
  if (affected && *affected) out.set_rows_affected(std::strtoll(affected, nullptr, 10));
  return out;
}

class connection;

/// A statement prepared per parameter-type signature: PostgreSQL fixes the
/// parameter types at PREPARE, and a NULL has no type of its own.
class statement final : public engine::driver_statement {
 public:
  statement(connection& owner, std::string sql) : owner_(owner), sql_(std::move(sql)) {}
  ~statement() override;
  result execute(std::span<const sql::value> params) override;

 private:
  const std::string& prepared_name(const bound_params& p);
  connection& owner_;
  std::string sql_;
  std::map<std::string, std::string> names_;  // type signature -> prepared statement name
};

class connection final : public engine::driver_connection {
 public:
  explicit connection(const engine::url& u) {
    std::vector<std::pair<std::string, std::string>> kv;
    auto add = [&](const char* k, const std::string& v) {
      if (!v.empty()) kv.emplace_back(k, v);
    };
    add("host", u.host());
    if (u.port()) add("port", std::to_string(*u.port()));
    add("user", u.username());
    add("password", u.password());
    add("dbname", u.database());
    bool has_timeout = false;
    for (const auto& [k, v] : u.query()) {
      kv.emplace_back(k, v);
      has_timeout = has_timeout || k == "connect_timeout";
    }
    if (!has_timeout) kv.emplace_back("connect_timeout", "10");
    std::vector<const char*> keys, values;
    for (const auto& [k, v] : kv) {
      keys.push_back(k.c_str());
      values.push_back(v.c_str());
    }
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 0);
    where_ = (u.host().empty() ? std::string("local socket") : u.host()) + ":" +
             (u.port() ? std::to_string(*u.port()) : std::string("5432"));
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      database_error_info info;
      info.message = "could not connect to PostgreSQL at " + where_ + ": " +
                     (conn_ ? std::string(PQerrorMessage(conn_)) : std::string("out of memory"));
      while (!info.message.empty() && info.message.back() == '\n') info.message.pop_back();
      PQfinish(conn_);
      conn_ = nullptr;
      throw OperationalError(std::move(info));
    }
    PQsetClientEncoding(conn_, "UTF8");
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);  // NOTICEs are not errors; keep stderr clean
    execute_direct("SET datestyle TO ISO");
  }

  ~connection() override {
    closing_ = true;  // server-side statements die with the session: no DEALLOCATE each
    clear_cache();
    PQfinish(conn_);
  }

  std::unique_ptr<engine::driver_statement> prepare(const std::string& sql) override {
    return std::make_unique<statement>(*this, sql);
  }

  void execute_direct(const std::string& sql) override {
    result_ptr res(PQexec(conn_, sql.c_str()));
    check(conn_, res, sql);
  }

  bool ping() override {
    if (broken()) return false;
    result_ptr res(PQexec(conn_, "SELECT 1"));
    return res.r && PQresultStatus(res.r) == PGRES_TUPLES_OK;
  }

  bool broken() const override { return !conn_ || PQstatus(conn_) == CONNECTION_BAD; }

  PGconn* raw() const { return conn_; }
  bool closing() const { return closing_; }
  std::string next_name() { return "retort_" + std::to_string(++statements_); }

 private:
  PGconn* conn_ = nullptr;
  std::string where_;
  std::uint64_t statements_ = 0;
  bool closing_ = false;
};

// Dropped from a live connection's cache (it is bounded): free the server's copy too.
statement::~statement() {
  if (owner_.closing() || owner_.broken()) return;
  for (const auto& [_, name] : names_) PQclear(PQexec(owner_.raw(), ("DEALLOCATE " + name).c_str()));
}

const std::string& statement::prepared_name(const bound_params& p) {
  auto sig = signature(p.types);
  auto it = names_.find(sig);
  if (it != names_.end()) return it->second;
  auto name = owner_.next_name();
  result_ptr res(PQprepare(owner_.raw(), name.c_str(), sql_.c_str(), static_cast<int>(p.types.size()),
                           p.types.empty() ? nullptr : p.types.data()));
  check(owner_.raw(), res, sql_);
  return names_.emplace(sig, name).first->second;
}

result statement::execute(std::span<const sql::value> params) {
  bound_params p(params);
  const auto& name = prepared_name(p);
  result_ptr res(PQexecPrepared(owner_.raw(), name.c_str(), static_cast<int>(params.size()), p.values.data(),
                                p.lengths.data(), p.formats.data(), 0));
  check(owner_.raw(), res, sql_);
  return to_result(res.r);
}

class driver final : public engine::driver {
 public:
  const sql::dialect& dialect() const override { return dialect_; }
  std::unique_ptr<engine::driver_connection> connect(const engine::url& u) override {
    return std::make_unique<connection>(u);
  }

 private:
  postgresql::dialect dialect_;
};

}  // namespace

void register_backend() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto shared = std::make_shared<driver>();
    engine::register_driver("postgresql", [shared] { return shared; });
    engine::register_driver("postgres", [shared] { return shared; });
  });
}

}  // namespace retort::postgresql
