// A model set: the mapped classes one database has, named by the user
// (Flask-SQLAlchemy's db.Model, SQLAlchemy's registry + MetaData).
// `retort::models<User, Post>()` makes one; retort::database creates and
// drops exactly its tables. The compiled part is src/orm/model_set.cpp.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "retort/orm/mapper_builder.hpp"
#include "retort/sql/schema.hpp"

namespace retort::orm {

/// A set of mapped classes. Copies share one configured state, so a set is
/// cheap to pass around and may be used from several threads.
///
/// Contract: every class a member class refers to (a foreign key, a
/// relationship) must be in the set too, or metadata() raises
/// ConfigurationError naming the reference and the class to add. Sets may
/// overlap and several may live in one program; table names are unique in
/// the whole program (the registry's rule), whichever set a class is in.
class model_set {
 public:
  /// The set of the classes whose mapper builders these are (retort::models<...>() calls this).
  static model_set of(std::vector<mapper_builder> builders);

  /// The set's configured mappers, in the order named. Configures them;
  /// raises ConfigurationError for a mapping mistake or a class outside the set.
  std::vector<const mapper*> mappers() const;
  /// The set's tables: each class's table, and the tables its relationships
  /// use. Built once, on first use; raises as mappers() does.
  const sql::metadata& metadata() const;
  /// Whether `m` is the mapper of a class of this set.
  bool contains(const mapper& m) const;
  std::size_t size() const;

 private:
  struct state;
  explicit model_set(std::shared_ptr<state> s) : state_(std::move(s)) {}
  std::shared_ptr<state> state_;
};

}  // namespace retort::orm

namespace retort {

using orm::model_set;

/// The model set of these classes, which also registers them: a class no
/// other code names still gets its table from create_all. The classes'
/// order does not matter (tables are created in foreign-key order).
///
///   inline const retort::model_set blog = retort::models<User, Post, Tag>();
///   retort::database db("sqlite:///blog.db", blog);
///   db.create_all();                          // user, post, tag: no more, no fewer
template <class... T>
model_set models() {
  static_assert(sizeof...(T) > 0, "retort::models<...>(): name at least one mapped class");
  return model_set::of({orm::detail::registered_builder<T>()...});
}

}  // namespace retort
