// The arithmetic of a page (pagination.hpp): Flask-SQLAlchemy 3.0's
// Pagination properties and iter_pages, number for number.
#include "retort/orm/pagination.hpp"

#include <algorithm>

namespace retort::orm {

paginate_args page_numbers::clamp(paginate_args args) noexcept {
  if (args.max_per_page) args.per_page = std::min(args.per_page, *args.max_per_page);
  if (args.page < 1) args.page = 1;
  if (args.per_page < 1) args.per_page = 20;
  return args;
}

std::int64_t page_numbers::pages() const noexcept {
  if (!total || *total == 0) return 0;
  return (*total + per_page - 1) / per_page;  // ceil
}

std::optional<std::int64_t> page_numbers::prev_num() const noexcept {
  if (!has_prev()) return std::nullopt;
  return page - 1;
}

std::optional<std::int64_t> page_numbers::next_num() const noexcept {
  if (!has_next()) return std::nullopt;
  return page + 1;
}

std::int64_t page_numbers::first() const noexcept { return items_ == 0 ? 0 : (page - 1) * per_page + 1; }

std::int64_t page_numbers::last() const noexcept {
  const auto f = first();
  return std::max(f, f + items_ - 1);
}

// The edges, the window around the current page, and a gap between them
// where pages are left out; a page past the end still shows the left edge.
std::vector<std::optional<std::int64_t>> page_numbers::iter_pages(iter_pages_args a) const {
  std::vector<std::optional<std::int64_t>> out;
  auto range = [&](std::int64_t from, std::int64_t to) {
    for (auto i = from; i < to; ++i) out.emplace_back(i);
  };
  const auto pages_end = pages() + 1;
  if (pages_end == 1) return out;
  const auto left_end = std::min(1 + a.left_edge, pages_end);
  range(1, left_end);
  if (left_end == pages_end) return out;
  const auto mid_start = std::max(left_end, page - a.left_current);
  const auto mid_end = std::min(page + a.right_current + 1, pages_end);
  if (mid_start - left_end > 0) out.emplace_back(std::nullopt);
  range(mid_start, mid_end);
  if (mid_end == pages_end) return out;
  const auto right_start = std::max(mid_end, pages_end - a.right_edge);
  if (right_start - mid_end > 0) out.emplace_back(std::nullopt);
  range(right_start, pages_end);
  return out;
}

}  // namespace retort::orm
