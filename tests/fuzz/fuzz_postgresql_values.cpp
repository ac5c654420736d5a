// Fuzz target: the PostgreSQL driver's cell decoders (src/dialect/postgresql/
// decode.cpp) on arbitrary text, as PQgetvalue would hand it over (NUL-
// terminated, no NUL inside), for every type OID they know and for others.
// Checks: nothing escapes but retort::Error; bytea agrees byte for byte with
// libpq's own PQunescapeBytea on the forms the server sends; a date or
// timestamp that decodes formats to text that decodes to the same value; a
// double printed with 17 digits (as the server does) decodes bit for bit.
#include <fuzzer/FuzzedDataProvider.h>
#include <libpq-fe.h>  // a test: libpq is the reference for bytea

#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "dialect/postgresql/decode.hpp"
#include "retort/util/error.hpp"

namespace {

using namespace retort;
namespace pg = retort::postgresql::detail;

[[noreturn]] void finding(const std::string& what, const std::string& input) {
  std::fprintf(stderr, "fuzz_postgresql_values: %s\n  input: '", what.c_str());
  std::fwrite(input.data(), 1, input.size(), stderr);
  std::fputs("'\n", stderr);
  std::abort();
}

sql::value decode(const std::string& s, unsigned int oid) {
  return pg::decode(s.c_str(), static_cast<int>(s.size()), oid);
}

bool server_hex_form(const std::string& s) {
  if (!s.starts_with("\\x") || s.size() % 2) return false;
  return s.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string::npos;
}

void bytea_matches_libpq(const std::string& s) {
  if (s.starts_with("\\x") && !server_hex_form(s)) return;  // the server never sends that; libpq skips junk
  std::size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(s.c_str()), &n);
  if (!raw) return;
  blob expected(raw, raw + n);
  PQfreemem(raw);
  if (pg::decode_bytea(s) != expected) finding("decode_bytea differs from PQunescapeBytea", s);
}

void round_trips(const std::string& s) {
  auto d = decode(s, pg::date_oid);
  if (d.kind() == sql::value_kind::date) {
    auto text = sql::format_date(d.as_date());
    if (decode(text, pg::date_oid) != d) finding("date does not survive format_date: " + text, s);
  }
  for (unsigned int oid : {pg::timestamp_oid, pg::timestamptz_oid}) {
    auto t = decode(s, oid);
    if (t.kind() != sql::value_kind::date_time) continue;
    auto text = sql::format_date_time(t.as_date_time()) + (oid == pg::timestamptz_oid ? "+00" : "");
    if (decode(text, oid) != t) finding("timestamp does not survive format_date_time: " + text, s);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  if (in.ConsumeProbability<float>() < 0.1f) {
    double d = in.ConsumeFloatingPoint<double>();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    auto v = decode(buf, in.ConsumeBool() ? pg::float8_oid : pg::float4_oid).as_double();
    if (!(v == d || (std::isnan(v) && std::isnan(d))) || std::signbit(v) != std::signbit(d))
      finding("a double does not come back bit for bit", buf);
    return 0;
  }
  unsigned int other = in.ConsumeIntegral<unsigned int>();
  std::string s = in.ConsumeRemainingBytesAsString();
  s.resize(std::strlen(s.c_str()));  // PQgetvalue's text has no NUL inside
  static constexpr std::array<unsigned int, 11> oids = {
      pg::bool_oid, pg::bytea_oid,  pg::int8_oid,      pg::int2_oid,       pg::int4_oid,   pg::text_oid,
      pg::float4_oid, pg::float8_oid, pg::date_oid, pg::timestamp_oid, pg::timestamptz_oid};
  try {
    for (auto oid : oids) (void)decode(s, oid);
    (void)decode(s, pg::numeric_oid).as_double();
    (void)decode(s, other);
  } catch (const retort::Error&) {
  }
  bytea_matches_libpq(s);
  round_trips(s);
  return 0;
}
