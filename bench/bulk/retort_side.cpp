// Retort's side of the set-based benchmark (bulk.hpp says what each workload
// does), written as a user writes it: one session per workload,
// session.execute of insert / update / delete_, commit; the reads iterate
// query<Item>().yield_per(n) or .all() and let the session close.
#include <retort/retort.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bulk.hpp"

namespace bulk {
struct Item {
  int id = 0;
  std::string name;
  int qty = 0;
  double price = 0;
  std::optional<std::string> note;
};
}  // namespace bulk

template <>
inline constexpr auto retort::mapping<bulk::Item> =
    retort::model(retort::table_name("bench_item"), retort::column<&bulk::Item::id>(retort::primary_key),
                  retort::column<&bulk::Item::name>(retort::String(50), retort::not_null),
                  retort::column<&bulk::Item::qty>(retort::not_null),
                  retort::column<&bulk::Item::price>(retort::not_null),
                  retort::column<&bulk::Item::note>(retort::Text));

namespace {

using bulk::Item;
using retort::assign;
using retort::col;

retort::synchronize_session to_retort(bench::sync s) {
  return s == bench::sync::none ? retort::synchronize_session::none : retort::synchronize_session::auto_;
}

class retort_side final : public bench::orm_implementation {
 public:
  explicit retort_side(const std::string& url) : db_(url) {
    (void)retort::orm::mapper_for<Item>();  // create_all creates what the registry holds
  }

  void reset() override {
    {
      auto c = db_.engine().connect();
      c.execute_ddl("DROP TABLE IF EXISTS bench_item");
    }
    db_.create_all();
  }

  long b1_structs(long n) override {
    auto s = db_.session();
    std::vector<Item> rows;
    rows.reserve(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i)
      rows.push_back(
          Item{.name = bench::item_name(i), .qty = bench::item_qty(i), .price = bench::item_price(i), .note = bench::item_note(i)});
    auto r = s.execute(retort::insert<Item>(), rows);
    s.commit();
    return static_cast<long>(r.rowcount());
  }

  long b1_values(long n) override {
    auto s = db_.session();
    std::vector<retort::value_row> rows;
    rows.reserve(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) {
      auto note = bench::item_note(i);
      // NULL given, not left out: rows that give other columns would start other statements.
      rows.push_back({{"name", bench::item_name(i)},
                      {"qty", bench::item_qty(i)},
                      {"price", bench::item_price(i)},
                      {"note", note ? retort::sql::value(std::move(*note)) : retort::sql::value()}});
    }
    auto r = s.execute(retort::insert<Item>(), rows);
    s.commit();
    return static_cast<long>(r.rowcount());
  }

  long b2_all(bench::sync sync) override {
    auto s = db_.session();
    auto r = s.execute(retort::update<Item>()
                           .where(col<&Item::qty> >= 0)
                           .values(assign<&Item::qty>(col<&Item::qty> + 1))
                           .execution_options(to_retort(sync)));
    s.commit();
    return static_cast<long>(r.rowcount());
  }

  long b2_range(long lo, long hi, bench::sync sync) override {
    auto s = db_.session();
    auto r = s.execute(retort::update<Item>()
                           .where(col<&Item::id> > lo && col<&Item::id> <= hi)
                           .values(assign<&Item::qty>(col<&Item::qty> + 1), assign<&Item::note>(bench::touched_note))
                           .execution_options(to_retort(sync)));
    s.commit();
    return static_cast<long>(r.rowcount());
  }

  long b3_delete() override {
    auto s = db_.session();
    auto r = s.execute(retort::delete_<Item>().where(col<&Item::price> < bench::delete_below));
    s.commit();
    return static_cast<long>(r.rowcount());
  }

  long b4_read() override {
    auto s = db_.session();
    long sum = 0;
    // Each batch's objects are released when the next is fetched: nothing else holds them.
    for (auto& item : s.query<Item>().yield_per(bench::read_batch)) sum += item->qty;
    return sum;
  }

  long b4b_all() override {
    auto s = db_.session();
    long sum = 0;
    for (auto& item : s.query<Item>().all()) sum += item->qty;
    return sum;
  }

  bench::fingerprint state() override {
    bench::fingerprint f{};
    auto c = db_.engine().connect();
    auto rows = c.execute(bench::fingerprint_sql);
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = static_cast<long>(rows.row(0)[i].as_int());
    return f;
  }

 private:
  retort::database db_;
};

}  // namespace

std::unique_ptr<bench::orm_implementation> bench::make_retort(bool postgresql, const std::string& target) {
  return std::make_unique<retort_side>(postgresql ? target : "sqlite:///" + target);
}
