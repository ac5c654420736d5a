// The ORM query: `session.query<User>().where(col<&User::username> == "alice").all()`.
// query<T> is a typed shell over query_base, which builds the SELECT, runs it
// (after autoflush) and turns rows into objects through the identity map.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "retort/orm/aliased.hpp"
#include "retort/orm/columns.hpp"
#include "retort/orm/dml.hpp"
#include "retort/orm/load_options.hpp"
#include "retort/orm/mapper_builder.hpp"
#include "retort/sql/statement.hpp"
#include "retort/sql/text.hpp"
#include "retort/util/source_location.hpp"

namespace retort {
class session;
}

namespace retort {

namespace orm {

/// An entity of a query's FROM: a mapped class under its table's name or an alias.
struct query_entity {
  const mapper* m = nullptr;
  std::string as;  ///< the name its columns are qualified with
};

/// One row of a row query, type-erased: the values of its column items and
/// the objects of its entity items, each in item order.
struct row_items {
  std::vector<sql::value> values;
  std::vector<state_ref> entities;
};

struct query_parts;  // src/orm/load_plan.hpp
class stream_load;   // src/orm/load_plan.hpp: a load read in batches (yield_per)
/// The next batch of a yield_per load; empty once the rows are all read.
std::vector<state_ref> next_batch(stream_load& s);

/// The state of a query; shared by every query<T> and row_query<...>. An
/// entity query (query<T>) loads objects of one class; a row query selects
/// items (columns, expressions, whole objects) and returns typed tuples.
class query_base {
 public:
  /// The entity query of `m`.
  query_base(retort::session& s, const mapper& m);
  /// A row query; its items come from add_column / add_entity.
  explicit query_base(retort::session& s) : session_(&s) {}
  /// A 2.0-style statement (retort::select), bound to a session when executed;
  /// `m` for a select of one entity, null for a select of items. Its rows are
  /// not made unique (as SQLAlchemy 2.0's Result, unlike the legacy Query).
  explicit query_base(const mapper* m) : session_(nullptr), mapper_(m), legacy_unique_(false) {}
  // Out of line (query.cpp): an application's translation units do not
  // instantiate the clause vectors' copies and destructors.
  query_base(const query_base&);
  query_base(query_base&&) noexcept;
  query_base& operator=(const query_base&);
  query_base& operator=(query_base&&) noexcept;
  ~query_base();
  /// This statement run by `s`.
  query_base bound(retort::session& s) const;
  /// A 2.0 select of one entity: its objects, one per row; `needs_unique` says
  /// whether a joined eager collection loader repeats them (Result.unique()).
  std::vector<state_ref> entity_rows(const retort::source_location& where, bool& needs_unique);

  void add_column(sql::expression e);
  void add_entity(const mapper& m, std::string as);

  void where(const sql::expr<bool>& cond);
  void filter_by(const std::string& attribute, sql::value v);
  void order_by(sql::expression e);
  void limit(std::int64_t n) { limit_ = n; }
  void offset(std::int64_t n) { offset_ = n; }
  void group_by(sql::expression e);
  void having(const sql::expr<bool>& cond);
  void distinct() { distinct_ = true; }
  void option(load_option o);
  void populate_existing() { populate_existing_ = true; }
  /// JOIN along a relationship: the ON clause from its join condition (two
  /// joins through a secondary table). The parent must already be in the
  /// query under `r.parent_as` (or its table's name); the target is named
  /// `target_as` (empty: its table's name).
  void join(const relationship_path& r, const std::string& target_as, bool outer);
  /// JOIN to an entity with an explicit ON clause.
  void join(const mapper& target, const std::string& target_as, const sql::expr<bool>& on, bool outer);
  /// The left side of the joins that follow (a row query's first FROM).
  void select_from(const mapper& m, const std::string& as);
  /// This query UNION (ALL) `other`, as a query over the compound (FROM (... UNION ...) AS anon_1).
  void union_(const query_base& other, bool all);

  /// `where` is the caller's, for the query record (default: none known).
  std::vector<state_ref> all(retort::source_location where = {});
  state_ref first(retort::source_location where = {});
  state_ref one(retort::source_location where = {});
  state_ref one_or_none(retort::source_location where = {});
  std::int64_t count(retort::source_location where = {});
  /// A row query's rows (`call` names the caller in the query record).
  std::vector<row_items> rows(const retort::source_location& where, std::string_view call, bool single_row = false);

  /// The SELECT this query runs, eager joins included (for inspection and tests).
  sql::select statement() const;
  /// The SELECT as a subquery: FROM inferred from the selected items only, so
  /// the enclosing statement's tables its WHERE names stay outside (correlation).
  sql::select subquery() const;
  const mapper& target() const noexcept { return *mapper_; }
  retort::session& owner() const noexcept { return *session_; }
  /// Whether this is a statement of one entity (else of items).
  bool of_entity() const noexcept { return mapper_ != nullptr; }

  /// This query read in batches of `n` rows (yield_per; see retort::streamed).
  std::shared_ptr<stream_load> stream(std::size_t n, const retort::source_location& where);

  /// Objects from a textual statement (SQLAlchemy's from_statement): its rows
  /// replace this query's own SELECT; columns are matched by name.
  void from_statement(sql::text t);

  /// The legacy Query.update() / Query.delete(): one UPDATE / DELETE with this
  /// query's criteria (InvalidRequestError if it has joins, limit, offset,
  /// order_by, group_by or distinct); the rows matched.
  std::int64_t bulk(bool is_delete, std::vector<assignment> values, synchronize_session sync,
                    const retort::source_location& where);

  /// The rows `parent` holds through `rel` (SQLAlchemy's with_parent): the
  /// relationship's criteria, with the parent's key read when the query runs
  /// (after autoflush); InvalidRequestError then if the parent has no row.
  void with_parent(const relationship_property& rel, instance_state* parent);

 private:
  struct item {
    const mapper* m = nullptr;  ///< an entity item, else a column item
    std::string as;
    sql::expression e;
  };
  /// A with_parent criterion: the relationship and the parent (its key is read
  /// when the statement is built, after the autoflush).
  struct parent_criterion {
    const relationship_property* rel;
    state_ref parent;
  };
  /// all(), recorded as `query<T>.<call>`.
  std::vector<state_ref> run(const retort::source_location& where, std::string_view call);
  retort::session& session() const;
  state_ref single(const retort::source_location& where, std::string_view call);
  /// The statement as data; FROM inferred from the items (and from WHERE when `from_where`).
  struct query_parts parts(bool from_where) const;
  sql::select row_statement(bool from_where) const;
  const std::string& entity_name() const;
  bool in_from(const std::string& name) const;
  sql::expr<bool> adapted(const sql::expr<bool>& e) const;
  retort::session* session_;
  const mapper* mapper_ = nullptr;
  std::vector<item> items_;
  std::vector<query_entity> entities_;  ///< joined and selected-from entities
  std::vector<sql::from_item> froms_;   ///< explicit FROM (select_from, a row query's join parent)
  std::vector<sql::join> joins_;
  std::vector<sql::expr<bool>> where_;
  std::vector<sql::expression> order_;
  std::vector<sql::expression> group_;
  std::vector<sql::expr<bool>> having_;
  std::optional<std::int64_t> limit_, offset_;
  std::vector<load_option> options_;
  std::shared_ptr<const sql::select> compound_;  ///< after union_: the UNION, selected from as anon_1
  bool compound_all_ = false;
  bool distinct_ = false;
  bool populate_existing_ = false;
  std::vector<parent_criterion> parents_;
  std::shared_ptr<const sql::text> textual_;  ///< from_statement
  bool legacy_unique_ = true;  ///< the legacy Query returns each object of a join once
  int secondaries_ = 0;  ///< secondary tables joined, for their aliases
};

/// Adds a loader option to a query of T; its path must start at T.
template <class T, class R, class L>
void add_option(query_base& q, const loader_option<R, L>& o) {
  static_assert(std::is_same_v<R, T>,
                "query<T>::options: the option's path starts at another class; its first step must be a "
                "relationship of T");
  q.option(o.get());
}
template <class T>
void add_option(query_base& q, const wildcard_option& o) {
  q.option(o.o);
}
template <class T, class R>
void add_option(query_base& q, const column_option<R>& o) {
  static_assert(std::is_same_v<R, T>,
                "query<T>::options: the column option names a member of another class; for a related class, "
                "start its path at a relationship of T loaded with the query "
                "(selectinload<&T::rel>().defer<&U::m>())");
  q.option(o.get());
}

/// The clauses every query has, for query<T> and row_query<...> (CRTP: each
/// returns the derived query).
template <class D>
class query_clauses {
 public:
  /// Adds a WHERE term (SQLAlchemy's filter); several are ANDed.
  D& where(const sql::expr<bool>& cond) { base().where(cond); return self(); }
  D& filter(const sql::expr<bool>& cond) { return where(cond); }
  D& order_by(sql::expression e) { base().order_by(std::move(e)); return self(); }
  D& limit(std::int64_t n) { base().limit(n); return self(); }
  D& offset(std::int64_t n) { base().offset(n); return self(); }
  D& group_by(sql::expression e) { base().group_by(std::move(e)); return self(); }
  D& having(const sql::expr<bool>& cond) { base().having(cond); return self(); }
  /// SELECT DISTINCT.
  D& distinct() { base().distinct(); return self(); }

  /// JOIN along a relationship (SQLAlchemy's `join(User.posts)`): the ON
  /// clause comes from the relationship, through its secondary table for a
  /// many-to-many. Its parent class must be in the query already (the queried
  /// class or one joined before): joins chain across hops.
  template <auto M>
  D& join() {
    base().join(rel<M>.path(), {}, false);
    return self();
  }
  template <auto M>
  D& outerjoin() {
    base().join(rel<M>.path(), {}, true);
    return self();
  }
  /// JOIN along a relationship onto an alias of its target (`join(Post.author.of_type(a))`).
  template <auto M, class U>
  D& join(const aliased<U>& target) {
    check_target<M, U>();
    base().join(rel<M>.path(), target.name(), false);
    return self();
  }
  template <auto M, class U>
  D& outerjoin(const aliased<U>& target) {
    check_target<M, U>();
    base().join(rel<M>.path(), target.name(), true);
    return self();
  }
  /// JOIN along an alias's relationship: `join(a.rel<&User::posts>())`.
  template <auto M>
  D& join(const relationship_attr<M>& r) {
    base().join(r.path(), {}, false);
    return self();
  }
  template <auto M>
  D& outerjoin(const relationship_attr<M>& r) {
    base().join(r.path(), {}, true);
    return self();
  }
  template <auto M, class U>
  D& join(const relationship_attr<M>& r, const aliased<U>& target) {
    check_target<M, U>();
    base().join(r.path(), target.name(), false);
    return self();
  }
  /// JOIN to a class with an explicit ON clause (`join(Post, Post.user_id == User.id)`).
  template <class U>
  D& join(const sql::expr<bool>& on) {
    base().join(orm::mapper_for<U>(), {}, on, false);
    return self();
  }
  template <class U>
  D& outerjoin(const sql::expr<bool>& on) {
    base().join(orm::mapper_for<U>(), {}, on, true);
    return self();
  }
  template <class U>
  D& join(const aliased<U>& target, const sql::expr<bool>& on) {
    base().join(orm::mapper_for<U>(), target.name(), on, false);
    return self();
  }
  template <class U>
  D& outerjoin(const aliased<U>& target, const sql::expr<bool>& on) {
    base().join(orm::mapper_for<U>(), target.name(), on, true);
    return self();
  }
  /// The left side of the joins that follow (SQLAlchemy's select_from).
  template <class U>
  D& select_from() {
    base().select_from(orm::mapper_for<U>(), {});
    return self();
  }
  template <class U>
  D& select_from(const aliased<U>& a) {
    base().select_from(orm::mapper_for<U>(), a.name());
    return self();
  }

  /// `EXISTS (SELECT ... )` of this query, correlated to the enclosing one.
  sql::expr<bool> exists() const { return sql::exists(base().subquery()); }
  sql::select statement() const { return base().statement(); }

 protected:
  query_clauses() = default;

 private:
  template <auto M, class U>
  static constexpr void check_target() {
    static_assert(std::is_same_v<U, typename relationship_attr<M>::target_type>,
                  "join: the alias is of another class than the relationship's target");
  }
  orm::query_base& base() { return static_cast<D&>(*this).base_; }
  const orm::query_base& base() const { return static_cast<const D&>(*this).base_; }
  D& self() { return static_cast<D&>(*this); }
};

}  // namespace orm

struct paginate_args;  // pagination.hpp

/// The objects of a query read in batches (SQLAlchemy's `yield_per(n)`):
/// `for (auto& u : s.query<User>().yield_per(1000))` or, a batch at a time,
/// `for (auto& batch : stream.partitions())`. Rows are fetched `n` at a time
/// (SQLite steps the statement; PostgreSQL FETCHes from a server-side cursor),
/// and when the next batch is fetched, the objects of the one before that
/// nothing else holds (no handle, no loaded relationship, no pending change)
/// leave the session and are freed: reading a million rows keeps memory flat.
/// Read it before the session commits, rolls back or closes (the cursor ends
/// with the connection: InvalidRequestError after). An input range: one pass.
template <class T>
class streamed {
 public:
  explicit streamed(std::shared_ptr<orm::stream_load> s) : s_(std::move(s)) {}

  /// The next batch of at most n objects; empty once the rows are all read.
  std::vector<ptr<T>> next_partition() {
    current_.clear();  // the handles of the batch before go first, so it can be released
    auto states = orm::next_batch(*s_);
    std::vector<ptr<T>> out;
    out.reserve(states.size());
    for (auto& st : states) out.emplace_back(std::move(st));
    return out;
  }

  /// One object at a time.
  class iterator {
   public:
    using value_type = ptr<T>;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(streamed* s) : s_(s) { advance(); }
    const ptr<T>& operator*() const { return s_->current_[i_]; }
    const ptr<T>* operator->() const { return &s_->current_[i_]; }
    iterator& operator++() {
      ++i_;
      if (i_ >= s_->current_.size()) advance();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return s_ == nullptr; }

   private:
    void advance() {
      i_ = 0;
      s_->current_ = s_->next_partition();
      if (s_->current_.empty()) s_ = nullptr;
    }
    streamed* s_ = nullptr;
    std::size_t i_ = 0;
  };
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const { return {}; }

  /// The batches (SQLAlchemy's `result.partitions()`), each a std::vector<ptr<T>>.
  class partition_range {
   public:
    class iterator {
     public:
      using value_type = std::vector<ptr<T>>;
      using difference_type = std::ptrdiff_t;
      iterator() = default;
      explicit iterator(streamed* s) : s_(s) { ++*this; }
      std::vector<ptr<T>>& operator*() const { return batch_; }
      iterator& operator++() {
        batch_.clear();
        batch_ = s_->next_partition();
        if (batch_.empty()) s_ = nullptr;
        return *this;
      }
      void operator++(int) { ++*this; }
      bool operator==(std::default_sentinel_t) const { return s_ == nullptr; }

     private:
      streamed* s_ = nullptr;
      mutable std::vector<ptr<T>> batch_;
    };
    explicit partition_range(streamed* s) : s_(s) {}
    iterator begin() { return iterator(s_); }
    std::default_sentinel_t end() const { return {}; }

   private:
    streamed* s_;
  };
  partition_range partitions() { return partition_range(this); }

 private:
  std::shared_ptr<orm::stream_load> s_;
  std::vector<ptr<T>> current_;
};

/// The legacy ORM query of one class (SQLAlchemy's `session.query(User)`).
/// Objects come back once each, in order of first appearance, however many
/// rows a join gives them (the legacy Query's uniquing).
template <class T>
class query : public orm::query_clauses<query<T>> {
 public:
  explicit query(orm::query_base base) : base_(std::move(base)) {}

  /// `filter_by<&User::username>("alice")`: equality on a mapped member.
  template <auto M, class V>
  query& filter_by(const V& v) {
    static_assert(std::is_same_v<detail::class_of<M>, T>, "filter_by: the member belongs to another class");
    base_.where(col<M> == v);
    return *this;
  }
  /// The objects of a textual SELECT (SQLAlchemy's `query(User).from_statement(text(...))`):
  /// `s.query<User>().from_statement(sql::text("SELECT * FROM user WHERE name = :n").bind("n", "x")).all()`.
  /// The statement must return every column a load of T selects, matched by name.
  query& from_statement(sql::text t) {
    base_.from_statement(std::move(t));
    return *this;
  }
  /// Loader options: `options(joinedload<&User::posts>(), raiseload_all())`. A
  /// path must start at T's relationships (a compile error otherwise).
  template <class... O>
  query& options(const O&... o) {
    (orm::add_option<T>(base_, o), ...);
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
  /// The objects read `n` rows at a time (SQLAlchemy's `query.yield_per(n)`); see retort::streamed.
  /// After autoflush, the statement opens as a cursor. Joined and subquery eager
  /// loading of collections are refused (InvalidRequestError), selectin runs per batch.
  streamed<T> yield_per(std::size_t n, retort::source_location where = retort::source_location::current()) {
    return streamed<T>(base_.stream(n, where));
  }
  /// session.get<T>(key) (SQLAlchemy's legacy Query.get).
  template <class K1>
  ptr<T> get(const K1& key, retort::source_location where = retort::source_location::current());
  template <class... K>
    requires(sizeof...(K) != 1)
  ptr<T> get(const K&... key);

  /// UPDATE of every row this query matches (SQLAlchemy's legacy
  /// `query.filter(...).update({"fullname": "x"}, synchronize_session="auto")`):
  /// `q.update({assign<&User::fullname>("x")})` or `q.update({{"fullname", "x"}})`;
  /// the rows matched. dml.hpp has the synchronization rules.
  std::int64_t update(std::vector<assignment> values, synchronize_session sync = synchronize_session::auto_,
                      retort::source_location where = retort::source_location::current()) {
    return base_.bulk(false, std::move(values), sync, where);
  }
  /// DELETE of every row this query matches (`query.filter(...).delete()`); no cascade runs.
  std::int64_t delete_(synchronize_session sync = synchronize_session::auto_,
                       retort::source_location where = retort::source_location::current()) {
    return base_.bulk(true, {}, sync, where);
  }

  /// This query UNION `other` (SQLAlchemy's Query.union): the objects of
  /// either, once each; further where / order_by apply to the union (FROM
  /// (... UNION ...) AS anon_1).
  query& union_(const query& other) {
    base_.union_(other.base_, false);
    return *this;
  }
  query& union_all(const query& other) {
    base_.union_(other.base_, true);
    return *this;
  }

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
  friend class orm::query_clauses<query<T>>;
  orm::query_base base_;
};

}  // namespace retort

#include "retort/orm/pagination.hpp"  // query<T>::paginate
