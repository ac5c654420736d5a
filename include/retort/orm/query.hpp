// The ORM query: `session.query<User>().where(col<&User::username> == "alice").all()`.
// query<T> is a typed shell over query_base, which builds the SELECT, runs it
// (after autoflush) and turns rows into objects through the identity map.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "retort/orm/load_options.hpp"
#include "retort/orm/mapper_builder.hpp"
#include "retort/sql/statement.hpp"
#include "retort/util/source_location.hpp"

namespace retort {
class session;
}

namespace retort {

namespace orm {

/// Table name of a mapped class, without configuring the registry.
template <class T>
std::string table_name_of() {
  std::string name = util::snake_case(util::type_name<T>());
  std::apply(
      [&](const auto&... part) {
        (
            [&] {
              if constexpr (std::is_same_v<std::decay_t<decltype(part)>, table_name>) name = part.value;
            }(),
            ...);
      },
      mapping<T>.parts);
  return name;
}

template <auto M, class P>
void find_column_name(const P&, std::string&) {}
template <auto M, auto N, class... O>
void find_column_name(const column_def<N, O...>& def, std::string& name) {
  if constexpr (std::is_same_v<decltype(M), decltype(N)>) {
    if (M != N) return;
    std::apply(
        [&](const auto&... opt) {
          (
              [&] {
                if constexpr (std::is_same_v<std::decay_t<decltype(opt)>, retort::column_name>) name = opt.value;
              }(),
              ...);
        },
        def.options);
  }
}

/// Column name of a mapped member, without configuring the registry.
template <auto M>
std::string column_name_of() {
  std::string name(util::member_name<M>());
  std::apply([&](const auto&... part) { (find_column_name<M>(part, name), ...); },
             mapping<retort::detail::class_of<M>>.parts);
  return name;
}

struct query_parts;  // src/orm/load_plan.hpp

/// The state of a query; shared by every query<T>.
class query_base {
 public:
  query_base(retort::session& s, const mapper& m) : session_(&s), mapper_(&m) {}

  void where(const sql::expr<bool>& cond) { where_.push_back(cond); }
  void filter_by(const std::string& attribute, sql::value v);
  void order_by(sql::expression e) { order_.push_back(std::move(e)); }
  void limit(std::int64_t n) { limit_ = n; }
  void offset(std::int64_t n) { offset_ = n; }
  void option(load_option o) { options_.push_back(std::move(o)); }
  void populate_existing() { populate_existing_ = true; }

  /// `where` is the caller's, for the query record (default: none known).
  std::vector<state_ref> all(retort::source_location where = {});
  state_ref first(retort::source_location where = {});
  state_ref one(retort::source_location where = {});
  state_ref one_or_none(retort::source_location where = {});
  std::int64_t count(retort::source_location where = {});

  /// The SELECT this query runs, eager joins included (for inspection and tests).
  sql::select statement() const;
  const mapper& target() const noexcept { return *mapper_; }
  retort::session& owner() const noexcept { return *session_; }

  /// The rows `parent` holds through `rel` (SQLAlchemy's with_parent): the
  /// relationship's criteria, with the parent's key read when the query runs
  /// (after autoflush); InvalidRequestError then if the parent has no row.
  void with_parent(const relationship_property& rel, instance_state* parent);

 private:
  /// A with_parent criterion: the relationship and the parent.
  struct parent_criterion {
    const relationship_property* rel;
    state_ref parent;
  };
  /// The query's statement as data.
  query_parts parts() const;
  /// all(), recorded as `query<T>.<call>`.
  std::vector<state_ref> run(const retort::source_location& where, std::string_view call);
  state_ref single(const retort::source_location& where, std::string_view call);
  retort::session* session_;
  const mapper* mapper_;
  std::vector<sql::expr<bool>> where_;
  std::vector<sql::expression> order_;
  std::optional<std::int64_t> limit_, offset_;
  std::vector<load_option> options_;
  bool populate_existing_ = false;
  std::vector<parent_criterion> parents_;
};

}  // namespace orm

/// A typed column of a mapped class, for query expressions: `col<&User::username> == "alice"`.
template <auto M>
inline const sql::expr<detail::member_of<M>> col = sql::column_ref<detail::member_of<M>>(
    orm::table_name_of<detail::class_of<M>>(), orm::column_name_of<M>());

struct paginate_args;  // pagination.hpp

template <class T>
class query {
 public:
  explicit query(orm::query_base base) : base_(std::move(base)) {}

  /// Adds a WHERE term (SQLAlchemy's filter); several are ANDed.
  query& where(const sql::expr<bool>& cond) {
    base_.where(cond);
    return *this;
  }
  query& filter(const sql::expr<bool>& cond) { return where(cond); }
  /// `filter_by<&User::username>("alice")`: equality on a mapped member.
  template <auto M, class V>
  query& filter_by(const V& v) {
    static_assert(std::is_same_v<detail::class_of<M>, T>, "filter_by: the member belongs to another class");
    base_.where(col<M> == v);
    return *this;
  }
  query& order_by(sql::expression e) {
    base_.order_by(std::move(e));
    return *this;
  }
  query& limit(std::int64_t n) {
    base_.limit(n);
    return *this;
  }
  query& offset(std::int64_t n) {
    base_.offset(n);
    return *this;
  }
  /// Loader options: `options(joinedload<&User::posts>(), raiseload_all())`. A
  /// path must start at T's relationships (a compile error otherwise).
  template <class... O>
  query& options(const O&... o) {
    (add_option(o), ...);
    return *this;
  }
  /// Rows overwrite the objects already in the session (columns, and the
  /// relationships the query loads), as SQLAlchemy's populate_existing.
  query& populate_existing() {
    base_.populate_existing();
    return *this;
  }

  // The caller's source location goes to the query record (recorded_queries);
  // it costs nothing when nothing records.
  std::vector<ptr<T>> all(retort::source_location where = retort::source_location::current()) {
    std::vector<ptr<T>> out;
    for (auto& r : base_.all(where)) out.emplace_back(std::move(r));
    return out;
  }
  /// The first row's object, or null (LIMIT 1).
  ptr<T> first(retort::source_location where = retort::source_location::current()) { return ptr<T>(base_.first(where)); }
  /// Exactly one; raises NoResultFound / MultipleResultsFound.
  ptr<T> one(retort::source_location where = retort::source_location::current()) { return ptr<T>(base_.one(where)); }
  /// One or null; raises MultipleResultsFound.
  ptr<T> one_or_none(retort::source_location where = retort::source_location::current()) {
    return ptr<T>(base_.one_or_none(where));
  }
  std::int64_t count(retort::source_location where = retort::source_location::current()) { return base_.count(where); }
  /// session.get<T>(key) (SQLAlchemy's legacy Query.get).
  template <class K1>
  ptr<T> get(const K1& key, retort::source_location where = retort::source_location::current());
  template <class... K>
    requires(sizeof...(K) != 1)
  ptr<T> get(const K&... key);

  sql::select statement() const { return base_.statement(); }

  /// The objects `parent` holds through its relationship M (SQLAlchemy's
  /// `with_parent(user, User.posts)`): `s.query<Post>().with_parent<&User::posts>(user)`.
  template <auto M, class P>
  query& with_parent(const ptr<P>& parent) {
    static_assert(std::is_same_v<detail::class_of<M>, P>, "with_parent<M>(parent): M must be a relationship of the parent's class");
    static_assert(std::is_same_v<typename detail::relationship_member<detail::member_of<M>>::target, T>,
                  "with_parent<M>(parent): M's target must be the queried class");
    base_.with_parent(*orm::mapper_for<P>().find_relationship(util::member_name<M>()), parent.state());
    return *this;
  }
  /// One page of the results (Flask-SQLAlchemy's `query.paginate(page=, per_page=, count=)`):
  /// the items (LIMIT per_page OFFSET (page - 1) * per_page), then, with `count`,
  /// the total (SELECT count(*)). pagination.hpp has the rules.
  pagination<T> paginate(std::int64_t page, std::int64_t per_page, bool count = true,
                         retort::source_location where = retort::source_location::current()) const;
  pagination<T> paginate(const paginate_args& args, retort::source_location where = retort::source_location::current()) const;

 private:
  template <class R, class L>
  void add_option(const loader_option<R, L>& o) {
    static_assert(std::is_same_v<R, T>,
                  "query<T>::options: the option's path starts at another class; its first step must be a "
                  "relationship of T");
    base_.option(o.get());
  }
  void add_option(const wildcard_option& o) { base_.option(o.o); }
  orm::query_base base_;
};

}  // namespace retort

#include "retort/orm/pagination.hpp"  // query<T>::paginate
