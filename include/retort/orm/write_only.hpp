// Collections that are never loaded into memory, for relationships too large
// to load: write_only<T> (SQLAlchemy 2.0's lazy="write_only", WriteOnlyCollection)
// and dynamic<T> (the legacy lazy="dynamic", AppenderQuery). Both record add /
// remove without a SELECT, for the flush to write; both read through a
// query<T> filtered on the owner. Typed shells over write_only_slot
// (relationship.hpp), which src/orm/attributes.cpp implements.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <vector>

#include "retort/orm/query.hpp"

namespace retort {

namespace orm::detail {

/// What write_only<T> and dynamic<T> share: the query of the rows, add and
/// remove recorded for the flush without a SELECT, and the loaded-collection
/// operations of the slot hidden (they would load).
template <class T>
class unloaded_collection : public write_only_slot {
 public:
  /// The collection's rows as a query (SQLAlchemy's WriteOnlyCollection.select()):
  /// the relationship's criteria on the owner and its order_by. Running it
  /// autoflushes, so a pending owner and what was added are INSERTed first.
  /// InvalidRequestError when the owner is in no session.
  query<T> select() const { return query<T>(select_base()); }

  /// Adds an object; the flush sets its foreign key (or inserts the link row).
  ptr<T> add(const ptr<T>& p) {
    append(p.state());
    return p;
  }
  /// Creates a new object from `value` and adds it (it is saved with its owner).
  ptr<T> add(T&& value) { return add(orm::make(std::move(value))); }
  void add_all(std::initializer_list<ptr<T>> objects) {
    for (const auto& p : objects) append(p.state());
  }
  void add_all(const std::vector<ptr<T>>& objects) {
    for (const auto& p : objects) append(p.state());
  }
  /// Removes an object: the flush clears its foreign key (or deletes the link row).
  /// No membership test: the rows are not in memory.
  void remove(const ptr<T>& p) { discard(p.state()); }
  void remove(T& obj) { discard(orm::state_of(obj)); }

 protected:
  unloaded_collection() = default;
  unloaded_collection(unloaded_collection&&) noexcept = default;

 private:
  using collection_slot::clear;
  using collection_slot::insert;
  using collection_slot::items;
  using collection_slot::replace;
  using collection_slot::size;
};

}  // namespace orm::detail

/// A write-only collection: `retort::write_only<Post> posts;`, mapped with
/// `retort::relationship<&User::posts>(...)` as any collection (one-to-many or,
/// with `secondary<...>`, many-to-many).
///
///   user->posts.add(Post{.title = "x"});          // no SELECT; INSERT at the flush
///   user->posts.remove(old);                      // no SELECT; its user_id NULLed at the flush
///   auto page = user->posts.select().order_by(retort::col<&Post::id>.desc()).limit(10).all();
///
/// Nothing reads the rows into the collection: select() is the only way to
/// them, a query<T> (where, order_by, limit, offset, count, paginate, ...) that
/// runs each time. Deleting the owner needs passive_deletes (the rows are not
/// known): without it the flush raises InvalidRequestError, as SQLAlchemy does.
template <class T>
class write_only : public orm::detail::unloaded_collection<T> {
 public:
  write_only() = default;
  write_only(write_only&&) noexcept = default;
};

/// A dynamic collection (SQLAlchemy's legacy lazy="dynamic"): write_only<T>'s
/// add and remove, and query methods that run at once, filtered on the owner.
///
///   for (auto& post : user->posts) ...                      // autoflush, then SELECT, each time
///   user->posts.count();                                     // SELECT count(*) ...
///   user->posts.where(retort::col<&Post::title> == "x").all();
///
/// An owner with no row yet (autoflush off, or in no session) yields the
/// objects added to it, without SQL, as SQLAlchemy's AppenderQuery does; the
/// query-building methods (where, order_by, ...) then raise InvalidRequestError
/// when their query runs. Deleting the owner selects the rows (one SELECT) to
/// clear their foreign keys, as for a lazy collection.
template <class T>
class dynamic : public orm::detail::unloaded_collection<T> {
  using base = orm::detail::unloaded_collection<T>;

 public:
  dynamic() = default;
  dynamic(dynamic&&) noexcept = default;

  using base::select;
  query<T> where(const sql::expr<bool>& cond) const { return select().where(cond); }
  query<T> filter(const sql::expr<bool>& cond) const { return select().where(cond); }
  template <auto M, class V>
  query<T> filter_by(const V& v) const {
    return select().template filter_by<M>(v);
  }
  query<T> order_by(sql::expression e) const { return select().order_by(std::move(e)); }
  query<T> limit(std::int64_t n) const { return select().limit(n); }
  query<T> offset(std::int64_t n) const { return select().offset(n); }
  template <class... O>
  query<T> options(const O&... o) const {
    return select().options(o...);
  }

  /// Every object (AppenderQuery.all()): autoflush, then one SELECT.
  std::vector<ptr<T>> all(retort::source_location where = retort::source_location::current()) {
    if (this->queryable()) return select().all(where);
    std::vector<ptr<T>> out;
    for (const auto& r : this->pending()) out.emplace_back(r.get());
    return out;
  }
  /// The first object or null (LIMIT 1).
  ptr<T> first(retort::source_location where = retort::source_location::current()) {
    if (this->queryable()) return select().first(where);
    return this->pending().empty() ? ptr<T>() : ptr<T>(this->pending().front().get());
  }
  /// SELECT count(*) of the rows (AppenderQuery.count()).
  std::int64_t count(retort::source_location where = retort::source_location::current()) {
    if (this->queryable()) return select().count(where);
    return static_cast<std::int64_t>(this->pending().size());
  }

  /// Iterates the result of one all(), run when the loop starts.
  class iterator {
   public:
    using value_type = T;
    using reference = T&;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(std::shared_ptr<const std::vector<ptr<T>>> items) : items_(std::move(items)) {}
    T& operator*() const { return *(*items_)[i_]; }
    T* operator->() const { return (*items_)[i_].get(); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    void operator++(int) { ++i_; }
    bool operator==(std::default_sentinel_t) const { return !items_ || i_ == items_->size(); }

   private:
    std::shared_ptr<const std::vector<ptr<T>>> items_;
    std::size_t i_ = 0;
  };
  iterator begin() { return iterator(std::make_shared<const std::vector<ptr<T>>>(all())); }
  std::default_sentinel_t end() const { return {}; }

  /// AppenderQuery.append / extend: add / add_all.
  ptr<T> append(const ptr<T>& p) { return this->add(p); }
  void extend(const std::vector<ptr<T>>& objects) { this->add_all(objects); }
};

}  // namespace retort
