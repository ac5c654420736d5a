// Result cells from PostgreSQL's text output form to sql::values, by column
// type OID. Private to the PostgreSQL backend: driver.cpp calls decode() per
// cell; tests/fuzz/fuzz_postgresql_values.cpp feeds it arbitrary bytes. No
// libpq here (only driver.cpp includes libpq-fe.h), so an OID is an unsigned int.
#pragma once

#include <optional>
#include <string_view>

#include "retort/sql/value.hpp"

namespace retort::postgresql::detail {

/// Type OIDs (pg_type.dat): those decode() understands, and text.
inline constexpr unsigned int bool_oid = 16, bytea_oid = 17, int8_oid = 20, int2_oid = 21, int4_oid = 23,
                              text_oid = 25, float4_oid = 700, float8_oid = 701, date_oid = 1082,
                              timestamp_oid = 1114, timestamptz_oid = 1184, numeric_oid = 1700, json_oid = 114,
                              jsonb_oid = 3802, uuid_oid = 2950;

/// bytea in the hex output format ("\x0aff"), or the old escape format ("a\\\001"),
/// unescaped as libpq's PQunescapeBytea does.
blob decode_bytea(std::string_view s);

/// timestamptz in ISO style is local to the session's TimeZone ("... 03:04:05.5+05:30");
/// the offset is taken off so the value is UTC, as sys_time is.
std::optional<retort::date_time> parse_timestamptz(std::string_view s);

/// One cell from its text form (`length` bytes at `text`, NUL-terminated as
/// PQgetvalue's are), by column type; what is not understood stays text
/// (infinite dates and BC years included).
sql::value decode(const char* text, int length, unsigned int type);

}  // namespace retort::postgresql::detail
