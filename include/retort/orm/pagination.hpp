// One page of a query's results: query<T>::paginate and pagination<T>
// (Flask-SQLAlchemy 3's Query.paginate and Pagination, same fields and rules).
// The arithmetic is compiled once (src/orm/pagination.cpp); the typed part
// holds the items and the query, for prev() and next().
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "retort/orm/query.hpp"

namespace retort {

/// paginate's arguments, Flask-SQLAlchemy's keywords:
/// `q.paginate({.page = 2, .per_page = 10, .max_per_page = 50})`.
struct paginate_args {
  std::int64_t page = 1;
  std::int64_t per_page = 20;
  /// Caps per_page (a value from a request); none by default, as Query.paginate.
  std::optional<std::int64_t> max_per_page;
  /// Run SELECT count(*) for `total` (and so `pages`, `has_next`).
  bool count = true;
};

/// iter_pages' arguments (Flask-SQLAlchemy's keyword-only ones, same defaults).
struct iter_pages_args {
  std::int64_t left_edge = 2;      ///< pages shown from the first
  std::int64_t left_current = 2;   ///< pages shown left of the current one
  std::int64_t right_current = 4;  ///< pages shown right of the current one
  std::int64_t right_edge = 2;     ///< pages shown up to the last
};

namespace orm {

/// The numbers of one page (Pagination's properties), without the items' type.
class page_numbers {
 public:
  /// What Flask-SQLAlchemy does with out-of-range arguments when it does not
  /// answer 404 (error_out=False): per_page capped by max_per_page, then a page
  /// below 1 is page 1 and a per_page below 1 is 20. (The 404 is the web layer's.)
  static paginate_args clamp(paginate_args args) noexcept;

  page_numbers(std::int64_t page, std::int64_t per_page, std::optional<std::int64_t> total, std::size_t items) noexcept
      : page(page), per_page(per_page), total(total), items_(static_cast<std::int64_t>(items)) {}

  std::int64_t page;      ///< the current page, from 1
  std::int64_t per_page;  ///< the most items on a page
  /// Every item on every page; none when paginate was told not to count.
  std::optional<std::int64_t> total;

  /// The number of pages (0 with no total, or none counted).
  std::int64_t pages() const noexcept;
  bool has_prev() const noexcept { return page > 1; }
  bool has_next() const noexcept { return page < pages(); }
  /// The previous / next page number, or none on the first / last page.
  std::optional<std::int64_t> prev_num() const noexcept;
  std::optional<std::int64_t> next_num() const noexcept;
  /// The number of the page's first / last item, from 1; 0 when the page is empty.
  std::int64_t first() const noexcept;
  std::int64_t last() const noexcept;
  /// Page numbers for a pagination widget, a gap (nullopt) where pages are
  /// skipped. 20 pages, page 7: 1, 2, gap, 5, 6, 7, 8, 9, 10, 11, gap, 19, 20.
  std::vector<std::optional<std::int64_t>> iter_pages(iter_pages_args args = {}) const;

 private:
  std::int64_t items_;
};

}  // namespace orm

/// One page of a query<T> (Flask-SQLAlchemy's Pagination): the items and the
/// numbers around them. Iterating it iterates the items.
template <class T>
class pagination : public orm::page_numbers {
 public:
  pagination(query<T> q, std::int64_t page, std::int64_t per_page, std::optional<std::int64_t> total,
             std::vector<ptr<T>> page_items)
      : page_numbers(page, per_page, total, page_items.size()), items(std::move(page_items)), query_(std::move(q)) {}

  std::vector<ptr<T>> items;  ///< the objects on this page

  auto begin() const { return items.begin(); }
  auto end() const { return items.end(); }

  /// The previous / next page of the same query (one SELECT, no count: the
  /// total is carried over), as Flask-SQLAlchemy's prev() / next().
  pagination prev(retort::source_location where = retort::source_location::current()) const {
    return neighbour(page - 1, where);
  }
  pagination next(retort::source_location where = retort::source_location::current()) const {
    return neighbour(page + 1, where);
  }

 private:
  pagination neighbour(std::int64_t to, const retort::source_location& where) const {
    paginate_args args;
    args.page = to;
    args.per_page = per_page;
    args.count = false;
    auto p = query_.paginate(args, where);
    p.total = total;
    return p;
  }
  query<T> query_;
};

template <class T>
pagination<T> query<T>::paginate(const paginate_args& args, retort::source_location where) const {
  const auto a = orm::page_numbers::clamp(args);
  auto page = *this;
  page.limit(a.per_page).offset((a.page - 1) * a.per_page);
  auto items = page.all(where);
  std::optional<std::int64_t> total;
  if (a.count) total = query(*this).count(where);
  return pagination<T>(*this, a.page, a.per_page, total, std::move(items));
}

template <class T>
pagination<T> query<T>::paginate(std::int64_t page, std::int64_t per_page, bool count,
                                 retort::source_location where) const {
  paginate_args args;
  args.page = page;
  args.per_page = per_page;
  args.count = count;
  return paginate(args, where);
}

}  // namespace retort
