// The thread's statement origins (pushed by the ORM, read by connection.cpp
// when it counts and records statements) and the text forms of a record.
#include "retort/engine/query_record.hpp"

namespace retort::engine {

namespace {
thread_local statement_origin* innermost = nullptr;
}  // namespace

statement_origin* current_origin() noexcept { return innermost; }

origin_scope::origin_scope(statement_origin& o, bool active) noexcept {
  if (!active) return;
  pushed_ = &o;
  o.outer = innermost;
  innermost = &o;
}

origin_scope::~origin_scope() {
  if (!pushed_) return;
  innermost = pushed_->outer;
  if (innermost) innermost->statements += pushed_->statements;
  pushed_->outer = nullptr;
}

std::string statement_origin::cause() const {
  std::string out;
  switch (shape) {
    case form::none: break;
    case form::call:
      out = what;
      if (!owner.empty()) out.append("<").append(owner).append(">");
      if (!member.empty()) out.append(".").append(member);
      break;
    case form::relationship:
      out.append(owner).append(".").append(member).append(" (").append(what).append(")");
      break;
  }
  return out;
}

std::string describe(const retort::source_location& where) {
  if (where.line() == 0) return {};
  std::string out = where.file_name();
  out += ":" + std::to_string(where.line());
  if (*where.function_name()) out.append(" (").append(where.function_name()).append(")");
  return out;
}

}  // namespace retort::engine
