// Private: what the ORM tells the query record about the statements it runs.
// A cause object lives for one session call (a query, get, flush, commit) or
// one relationship load (lazy, or an eager loader's own statements); the
// connection reads the innermost cause and the nearest location when it
// records (engine/query_record.hpp). Pushed only while the session records,
// except a lazy load's, which also counts statements for the N+1 warning.
#pragma once

#include <string_view>

#include "orm/session_impl.hpp"
#include "retort/engine/query_record.hpp"
#include "retort/util/source_location.hpp"

namespace retort::orm {

/// "query<Writer>.all", "session.get<Writer>", "flush": a session call, with the caller's location.
class call_cause {
 public:
  call_cause(const session_impl& s, std::string_view what, std::string_view owner, std::string_view member,
             const retort::source_location& where) noexcept
      : origin_{engine::statement_origin::form::call, what, owner, member, where.line() ? &where : nullptr},
        scope_(origin_, s.recording()) {}

 private:
  engine::statement_origin origin_;
  engine::origin_scope scope_;
};

/// "Writer.stories (selectin)": statements a relationship's loader runs.
/// `counting` pushes it even when nothing records, so statements() tells
/// whether the load ran any (the lazy load, for the N+1 count).
class relationship_cause {
 public:
  relationship_cause(const session_impl& s, const relationship_property& rel, std::string_view how,
                     bool counting = false) noexcept
      : origin_{engine::statement_origin::form::relationship, how, rel.parent->class_name, rel.attribute, nullptr},
        scope_(origin_, counting || s.recording()) {}
  /// Statements run inside it so far (only counted while it is pushed).
  std::size_t statements() const noexcept { return origin_.statements; }

 private:
  engine::statement_origin origin_;
  engine::origin_scope scope_;
};

}  // namespace retort::orm
