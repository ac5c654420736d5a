// A SQL value as it travels between C++ and a database: always as a bound
// parameter, never spliced into SQL text. `value_traits<T>` is the typed edge
// that turns member values into `value`s and back.
#pragma once

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "retort/sql/types.hpp"

namespace retort {

/// An exact decimal, carried as its text ("12.50"), as Python's Decimal is.
struct numeric {
  std::string text;
  bool operator==(const numeric&) const = default;
};

using blob = std::vector<std::uint8_t>;
using date = std::chrono::year_month_day;
using date_time = std::chrono::sys_time<std::chrono::microseconds>;

}  // namespace retort

namespace retort::sql {

enum class value_kind : std::uint8_t { null, boolean, integer, real, text, binary, decimal, date, date_time };

/// One SQL value. Small, copyable; `null` when default-constructed.
class value {
 public:
  using storage = std::variant<std::monostate, bool, std::int64_t, double, std::string, blob, numeric,
                               retort::date, retort::date_time>;

  value() = default;
  value(std::nullopt_t) {}
  value(bool v) : v_(v) {}
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  value(I v) : v_(static_cast<std::int64_t>(v)) {}
  value(double v) : v_(v) {}
  value(std::string v) : v_(std::move(v)) {}
  value(const char* v) : v_(std::string(v)) {}
  value(blob v) : v_(std::move(v)) {}
  value(numeric v) : v_(std::move(v)) {}
  value(retort::date v) : v_(v) {}
  value(retort::date_time v) : v_(v) {}

  value_kind kind() const noexcept { return static_cast<value_kind>(v_.index()); }
  bool is_null() const noexcept { return v_.index() == 0; }
  const storage& data() const noexcept { return v_; }

  bool as_bool() const;                 ///< boolean, or integer 0/1
  std::int64_t as_int() const;          ///< integer, boolean, or integral real
  double as_double() const;             ///< real, integer or decimal
  std::string as_string() const;        ///< text, or any value rendered as text
  const std::string& text() const;      ///< text only
  const blob& bytes() const;            ///< binary only
  numeric as_numeric() const;           ///< decimal, text, integer or real
  retort::date as_date() const;         ///< date, or ISO text "YYYY-MM-DD"
  retort::date_time as_date_time() const;  ///< date_time, or ISO text

  bool operator==(const value&) const = default;

  /// A short rendering for logs and messages (strings quoted, blobs summarized).
  std::string repr() const;

 private:
  storage v_;
};

/// ISO-8601 text of dates and timestamps, as SQLite stores them.
std::string format_date(retort::date d);
std::string format_date_time(retort::date_time t);
std::optional<retort::date> parse_date(std::string_view text);
std::optional<retort::date_time> parse_date_time(std::string_view text);

/// Maps a C++ member type to a SQL value and a default SQL type. Specialized
/// for the supported types; an unsupported type fails to compile here.
template <class T, class = void>
struct value_traits;

template <>
struct value_traits<bool> {
  static constexpr type sql_type{type_kind::boolean};
  static value to(bool v) { return value(v); }
  static bool from(const value& v) { return v.as_bool(); }
};

template <std::integral T>
  requires(!std::same_as<T, bool>)
struct value_traits<T> {
  static constexpr type sql_type{sizeof(T) > 4 ? type_kind::big_integer : type_kind::integer};
  static value to(T v) { return value(static_cast<std::int64_t>(v)); }
  static T from(const value& v) { return static_cast<T>(v.as_int()); }
};

template <std::floating_point T>
struct value_traits<T> {
  static constexpr type sql_type{sizeof(T) > 4 ? type_kind::double_ : type_kind::float_};
  static value to(T v) { return value(static_cast<double>(v)); }
  static T from(const value& v) { return static_cast<T>(v.as_double()); }
};

template <>
struct value_traits<std::string> {
  static constexpr type sql_type{type_kind::string};
  static value to(const std::string& v) { return value(v); }
  static std::string from(const value& v) { return v.as_string(); }
};

template <>
struct value_traits<blob> {
  static constexpr type sql_type{type_kind::large_binary};
  static value to(const blob& v) { return value(v); }
  static blob from(const value& v) { return v.bytes(); }
};

template <>
struct value_traits<numeric> {
  static constexpr type sql_type{type_kind::numeric, 0, 18, 2};
  static value to(const numeric& v) { return value(v); }
  static numeric from(const value& v) { return v.as_numeric(); }
};

template <>
struct value_traits<retort::date> {
  static constexpr type sql_type{type_kind::date};
  static value to(retort::date v) { return value(v); }
  static retort::date from(const value& v) { return v.as_date(); }
};

template <>
struct value_traits<retort::date_time> {
  static constexpr type sql_type{type_kind::date_time};
  static value to(retort::date_time v) { return value(v); }
  static retort::date_time from(const value& v) { return v.as_date_time(); }
};

template <class T>
struct value_traits<std::optional<T>> {
  static constexpr type sql_type = value_traits<T>::sql_type;
  static value to(const std::optional<T>& v) { return v ? value_traits<T>::to(*v) : value(); }
  static std::optional<T> from(const value& v) {
    if (v.is_null()) return std::nullopt;
    return value_traits<T>::from(v);
  }
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

/// A C++ type that can be a column member or a bound literal.
template <class T>
concept sql_value_type = requires(const T& t, const value& v) {
  { value_traits<T>::to(t) } -> std::convertible_to<value>;
  { value_traits<T>::from(v) } -> std::convertible_to<T>;
};

/// Whether a member holds exactly `v` (what value_traits<T>::to would give),
/// without building a value: dirty checks compare every touched column.
template <class T>
bool same_value(const T& member, const value& v) {
  if constexpr (is_optional<T>::value) {
    return member ? same_value(*member, v) : v.is_null();
  } else if constexpr (std::is_same_v<T, std::string>) {
    return v.kind() == value_kind::text && v.text() == member;
  } else if constexpr (std::is_same_v<T, bool>) {
    return v.kind() == value_kind::boolean && v.as_bool() == member;
  } else if constexpr (std::is_integral_v<T>) {
    return v.kind() == value_kind::integer && v.as_int() == static_cast<std::int64_t>(member);
  } else {
    return value_traits<T>::to(member) == v;
  }
}

/// Turns a C++ literal into a value; string literals and views become text.
template <class T>
value to_value(const T& v) {
  if constexpr (std::is_convertible_v<const T&, std::string_view> && !std::is_same_v<T, std::string>)
    return value(std::string(std::string_view(v)));
  else
    return value_traits<T>::to(v);
}

}  // namespace retort::sql
