// Fuzz target: how SQLite's cells become C++ values. The SQLite driver hands
// back INTEGER, REAL, TEXT and BLOB cells as they are; value_traits<T>::from
// then converts them with sql::value's as_*() - dates and timestamps from ISO
// text through sql::parse_date / parse_date_time (src/sql/value.cpp). Checks:
// only retort::Error escapes a conversion; a text that parses as a date (or
// timestamp) formats to text that parses back to the same value; a value
// formatted by format_date / format_date_time parses back to itself; as_int()
// of a real keeps its value exactly.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "retort/sql/value.hpp"
#include "retort/util/error.hpp"

namespace {

using namespace retort;
using sql::value;

[[noreturn]] void finding(const std::string& what, const std::string& input) {
  std::fprintf(stderr, "fuzz_sqlite_values: %s\n  input: '", what.c_str());
  std::fwrite(input.data(), 1, input.size(), stderr);
  std::fputs("'\n", stderr);
  std::abort();
}

template <class F>
void refused_or(F f) {
  try {
    f();
  } catch (const retort::Error&) {
  }
}

/// Every conversion value_traits<T>::from can make of a cell.
void convert_every_way(const value& v) {
  refused_or([&] { (void)v.as_bool(); });
  refused_or([&] { (void)v.as_int(); });
  refused_or([&] { (void)v.as_double(); });
  refused_or([&] { (void)v.as_string(); });
  refused_or([&] { (void)v.as_numeric(); });
  refused_or([&] { (void)v.as_date(); });
  refused_or([&] { (void)v.as_date_time(); });
  refused_or([&] { (void)v.text(); });
  refused_or([&] { (void)v.bytes(); });
  (void)v.repr();
}

void text_round_trips(const std::string& s) {
  if (auto d = sql::parse_date(s)) {
    auto again = sql::parse_date(sql::format_date(*d));
    if (!again || *again != *d) finding("parse_date(format_date(parse_date(s))) differs: " + sql::format_date(*d), s);
    if (value(s).as_date() != *d) finding("as_date() differs from parse_date()", s);
  }
  if (auto t = sql::parse_date_time(s)) {
    auto again = sql::parse_date_time(sql::format_date_time(*t));
    if (!again || *again != *t)
      finding("parse_date_time(format_date_time(parse_date_time(s))) differs: " + sql::format_date_time(*t), s);
  }
}

void date_round_trips(FuzzedDataProvider& in) {
  using namespace std::chrono;
  retort::date d{year{in.ConsumeIntegralInRange(-32767, 32767)}, month{in.ConsumeIntegralInRange(1u, 12u)},
                 day{in.ConsumeIntegralInRange(1u, 31u)}};
  if (!d.ok()) return;
  auto text = sql::format_date(d);
  auto back = sql::parse_date(text);
  if (!back || *back != d) finding("a formatted date does not parse back", text);
  auto t = sys_days{d} + microseconds{in.ConsumeIntegralInRange<std::int64_t>(0, 86'400'000'000 - 1)};
  auto ttext = sql::format_date_time(t);
  auto tback = sql::parse_date_time(ttext);
  if (!tback || *tback != t) finding("a formatted timestamp does not parse back", ttext);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  switch (in.ConsumeIntegralInRange(0, 7)) {
    case 0: {  // INTEGER
      convert_every_way(value(in.ConsumeIntegral<std::int64_t>()));
      break;
    }
    case 1: {  // REAL
      double d = in.ConsumeFloatingPoint<double>();
      static constexpr std::array<double, 7> edges = {HUGE_VAL, -HUGE_VAL, NAN, 9.3e18, -9.3e18, 0x1p63, -0x1p63};
      if (in.ConsumeBool()) d = in.PickValueInArray(edges);
      value v(d);
      convert_every_way(v);
      refused_or([&] {
        auto i = v.as_int();
        if (static_cast<double>(i) != d) finding("as_int() of " + v.repr() + " gave " + std::to_string(i), v.repr());
      });
      break;
    }
    case 2: {  // BLOB
      auto bytes = in.ConsumeRemainingBytes<std::uint8_t>();
      convert_every_way(value(blob(bytes.begin(), bytes.end())));
      break;
    }
    case 3: {  // a decimal column's text
      convert_every_way(value(numeric{in.ConsumeRemainingBytesAsString()}));
      break;
    }
    case 4: {
      date_round_trips(in);
      break;
    }
    default: {  // TEXT
      auto s = in.ConsumeRemainingBytesAsString();
      convert_every_way(value(s));
      text_round_trips(s);
      break;
    }
  }
  return 0;
}
