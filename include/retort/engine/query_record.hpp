// The query record (Flask-SQLAlchemy's get_recorded_queries): what a statement
// was, how long it took, where it was called from and what caused it. The
// engine and the session keep records when recording is on; the ORM names
// causes and locations through statement_origin, which the connection reads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "retort/sql/value.hpp"
#include "retort/util/source_location.hpp"

namespace retort::engine {

/// One statement that ran (Flask-SQLAlchemy's `_QueryInfo`). Transaction
/// control (BEGIN, COMMIT, SAVEPOINT, ...) is not recorded, as there, and
/// neither is a statement that failed.
struct query_record {
  using clock = std::chrono::steady_clock;

  std::string sql;                 ///< `statement`: the text, with its placeholders
  std::vector<sql::value> params;  ///< `parameters`: the first row of an executemany
  std::size_t batch = 1;           ///< parameter rows of an executemany
  clock::time_point start;         ///< `start_time` (a monotonic clock, as perf_counter)
  clock::time_point end;           ///< `end_time`
  clock::duration duration{};      ///< `duration`: end - start
  /// `location`: "file:line (function)" of the ORM call that ran it
  /// (query<T>::all, session.get, flush, commit, ...); empty when unknown (a
  /// lazy load on attribute access outside any such call, a Core statement).
  std::string location;
  retort::source_location where{};  ///< the same, as a source_location (line() is 0 when unknown)
  /// What caused it: "query<Writer>.all", "session.get<Writer>", "flush",
  /// "Writer.stories (lazy load)", "Writer.stories (selectin)"; empty for a Core statement.
  std::string cause;
};

/// Who is running statements on this thread. The ORM pushes one for each
/// call that records (a query, a flush, a lazy load, an eager loader's own
/// statements); the connection reads the innermost cause and the nearest
/// location when it records, and counts statements into the innermost origin
/// whether it records or not. Only string views and a pointer: pushing one
/// formats nothing.
struct statement_origin {
  enum class form : std::uint8_t {
    none,          ///< names no cause (only counts statements)
    call,          ///< `<what><owner>.<member>`: "query<Writer>.all", "flush"
    relationship,  ///< `<owner>.<member> (<what>)`: "Writer.stories (lazy load)"
  };
  form shape = form::none;
  std::string_view what;
  std::string_view owner;
  std::string_view member;
  const retort::source_location* where = nullptr;  ///< null: none known here
  std::size_t statements = 0;  ///< statements run while this origin was pushed (inner ones included)
  statement_origin* outer = nullptr;  ///< the origin below this one while it is pushed

  std::string cause() const;
};

/// Pushes an origin onto this thread's stack for its lifetime (only when
/// `active`; inactive it costs a branch).
class origin_scope {
 public:
  origin_scope(statement_origin& o, bool active) noexcept;
  ~origin_scope();
  origin_scope(const origin_scope&) = delete;
  origin_scope& operator=(const origin_scope&) = delete;

 private:
  statement_origin* pushed_ = nullptr;
};

/// This thread's innermost origin, or null.
statement_origin* current_origin() noexcept;

/// "file:line (function)" of a source location; empty when its line is 0.
std::string describe(const retort::source_location& where);

}  // namespace retort::engine
