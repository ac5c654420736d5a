// A SQL value as it travels between C++ and a database: always as a bound
// parameter, never spliced into SQL text. `value_traits<T>` is the typed edge
// that turns member values into `value`s and back.
#pragma once

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>  // std::monostate, what value::visit passes for null
#include <vector>

#include "retort/sql/types.hpp"
#include "retort/util/names.hpp"

namespace retort {

/// An exact decimal, carried as its text ("12.50"), as Python's Decimal is.
struct numeric {
  std::string text;
  bool operator==(const numeric&) const = default;
};

using blob = std::vector<std::uint8_t>;
using date = std::chrono::year_month_day;
using date_time = std::chrono::sys_time<std::chrono::microseconds>;

/// A timezone-aware timestamp (SQLAlchemy's DateTime(timezone=True) with an
/// aware datetime): the instant, in UTC, and the offset from UTC it was
/// written or read with. Equal when the instants are, as Python's aware
/// datetimes compare; PostgreSQL's timestamptz keeps the instant only and reads
/// back in the session's TimeZone, SQLite's text keeps the offset too.
struct date_time_tz {
  date_time utc{};
  std::chrono::minutes offset{0};
  /// The wall-clock time at `offset` (what the text form shows).
  date_time local() const { return utc + offset; }
  /// The instant given as a wall-clock time at `offset` from UTC.
  static date_time_tz at(date_time local_time, std::chrono::minutes offset) { return {local_time - offset, offset}; }
  bool operator==(const date_time_tz& o) const { return utc == o.utc; }
  auto operator<=>(const date_time_tz& o) const { return utc <=> o.utc; }
};

/// A UUID (SQLAlchemy 2.0's Uuid with as_uuid=True): 16 bytes. Native `UUID`
/// on PostgreSQL; on SQLite 32 hex digits in a CHAR(32), as SQLAlchemy stores it.
struct uuid {
  std::array<std::uint8_t, 16> bytes{};
  /// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case (Python's str(uuid)).
  std::string str() const;
  /// The 32 hex digits without dashes (Python's uuid.hex).
  std::string hex() const;
  /// The 36-character form or the 32 hex digits, either case, optionally in
  /// braces or with a "urn:uuid:" prefix (what Python's UUID() takes); nullopt otherwise.
  static std::optional<uuid> parse(std::string_view text);
  bool operator==(const uuid&) const = default;
  auto operator<=>(const uuid&) const = default;
};

/// A random (version 4) UUID: `default_(retort::uuid4)`, as `default=uuid.uuid4`.
uuid uuid4();

/// One enumerator and the name a column stores for it.
template <class E>
struct enumerator {
  E value;
  const char* name;
};
template <class E, std::size_t N>
struct enum_names_def {
  std::array<enumerator<E>, N> entries;
  const char* type_name = nullptr;
  /// The native ENUM type's name on PostgreSQL (SQLAlchemy's Enum(name=...));
  /// without it, the enum's class name lower-cased (`PostStatus` -> `poststatus`).
  constexpr enum_names_def named(const char* name) const {
    auto c = *this;
    c.type_name = name;
    return c;
  }
};
/// The enumerators of an enum stored by name:
///
///   template <> inline constexpr auto retort::enum_names<Status> =
///       retort::enumerators<Status>({{Status::draft, "draft"}, {Status::published, "published"}});
template <class E, std::size_t N>
constexpr enum_names_def<E, N> enumerators(const enumerator<E> (&list)[N]) {
  enum_names_def<E, N> d{};
  for (std::size_t i = 0; i < N; ++i) d.entries[i] = list[i];
  return d;
}
namespace detail {
struct no_enum_names {};
}  // namespace detail
/// Specialize (with enumerators) to store an enum by name: a native ENUM on
/// PostgreSQL, VARCHAR on SQLite, as SQLAlchemy's Enum(PyEnum) stores names.
/// An enum without it is stored as its underlying integer value.
template <class E>
inline constexpr auto enum_names = detail::no_enum_names{};

}  // namespace retort

namespace retort::sql {

enum class value_kind : std::uint8_t {
  null,
  boolean,
  integer,
  real,
  text,
  binary,
  decimal,
  date,
  date_time,
  json,          ///< a JSON document's text (json_text)
  uuid,          ///< retort::uuid
  enum_label,    ///< an enum stored by name (enum_label)
  date_time_tz,  ///< retort::date_time_tz
};

/// A JSON document as text, as a JSON column holds it: `jsonb` on PostgreSQL,
/// TEXT on SQLite (retort/types/json.hpp maps nlohmann::json members onto it).
struct json_text {
  std::string text;
  bool operator==(const json_text&) const = default;
};

/// The name of an enumerator, as a column of an enum stored by name holds it:
/// a native ENUM on PostgreSQL (bound untyped, so the column's type applies),
/// VARCHAR on SQLite.
struct enum_label {
  std::string name;
  bool operator==(const enum_label&) const = default;
};

namespace detail {
/// The value_kind of each C++ type a value holds (std::monostate: null).
template <class T>
inline constexpr value_kind kind_of = value_kind::null;
template <> inline constexpr value_kind kind_of<bool> = value_kind::boolean;
template <> inline constexpr value_kind kind_of<std::int64_t> = value_kind::integer;
template <> inline constexpr value_kind kind_of<double> = value_kind::real;
template <> inline constexpr value_kind kind_of<std::string> = value_kind::text;
template <> inline constexpr value_kind kind_of<blob> = value_kind::binary;
template <> inline constexpr value_kind kind_of<numeric> = value_kind::decimal;
template <> inline constexpr value_kind kind_of<retort::date> = value_kind::date;
template <> inline constexpr value_kind kind_of<retort::date_time> = value_kind::date_time;
template <> inline constexpr value_kind kind_of<json_text> = value_kind::json;
template <> inline constexpr value_kind kind_of<retort::uuid> = value_kind::uuid;
template <> inline constexpr value_kind kind_of<enum_label> = value_kind::enum_label;
template <> inline constexpr value_kind kind_of<retort::date_time_tz> = value_kind::date_time_tz;
}  // namespace detail

/// One SQL value. Small, copyable; `null` when default-constructed.
///
/// A tagged union rather than a std::variant: every translation unit that
/// copies values would otherwise instantiate the variant's visitation tables
/// for thirteen alternatives (docs/performance.md, "Compile time"). Copies of
/// the kinds without heap storage are inline; the others are compiled once.
class value {
 public:
  value() noexcept : kind_(value_kind::null) {}
  value(std::nullopt_t) noexcept : kind_(value_kind::null) {}
  value(bool v) noexcept : kind_(value_kind::boolean) { u_.b = v; }
  template <std::integral I>
    requires(!std::same_as<I, bool>)
  value(I v) noexcept : kind_(value_kind::integer) {
    u_.i = static_cast<std::int64_t>(v);
  }
  value(double v) noexcept : kind_(value_kind::real) { u_.d = v; }
  value(std::string v) noexcept : kind_(value_kind::text) { ::new (&u_.s) std::string(std::move(v)); }
  value(const char* v) : kind_(value_kind::text) { ::new (&u_.s) std::string(v); }
  value(blob v) noexcept : kind_(value_kind::binary) { ::new (&u_.bin) blob(std::move(v)); }
  value(numeric v) noexcept : kind_(value_kind::decimal) { ::new (&u_.num) numeric(std::move(v)); }
  value(retort::date v) noexcept : kind_(value_kind::date) { u_.day = v; }
  value(retort::date_time v) noexcept : kind_(value_kind::date_time) { u_.time = v; }
  value(json_text v) noexcept : kind_(value_kind::json) { ::new (&u_.json) json_text(std::move(v)); }
  value(retort::uuid v) noexcept : kind_(value_kind::uuid) { u_.id = v; }
  value(enum_label v) noexcept : kind_(value_kind::enum_label) { ::new (&u_.label) enum_label(std::move(v)); }
  value(retort::date_time_tz v) noexcept : kind_(value_kind::date_time_tz) { u_.tz = v; }

  value(const value& o) : kind_(o.kind_) {
    if (o.is_trivial()) std::memcpy(u_.raw.b, o.u_.raw.b, sizeof(trivial_bytes));
    else copy_from(o);
  }
  value(value&& o) noexcept : kind_(o.kind_) {
    if (o.is_trivial()) std::memcpy(u_.raw.b, o.u_.raw.b, sizeof(trivial_bytes));
    else move_from(std::move(o));
  }
  value& operator=(const value& o) {
    if (this != &o) {
      if (is_trivial() && o.is_trivial()) {
        kind_ = o.kind_;
        std::memcpy(u_.raw.b, o.u_.raw.b, sizeof(trivial_bytes));
      } else {
        assign(o);
      }
    }
    return *this;
  }
  value& operator=(value&& o) noexcept {
    if (this != &o) {
      if (!is_trivial()) destroy();
      kind_ = o.kind_;
      if (o.is_trivial()) std::memcpy(u_.raw.b, o.u_.raw.b, sizeof(trivial_bytes));
      else move_from(std::move(o));
    }
    return *this;
  }
  ~value() {
    if (!is_trivial()) destroy();
  }

  value_kind kind() const noexcept { return kind_; }
  bool is_null() const noexcept { return kind_ == value_kind::null; }

  /// The held T (std::string for text, blob, numeric, ...), or nullptr when it holds another kind.
  template <class T>
  const T* get_if() const noexcept {
    constexpr value_kind k = detail::kind_of<T>;
    if (kind_ != k) return nullptr;
    if constexpr (k == value_kind::boolean) return &u_.b;
    else if constexpr (k == value_kind::integer) return &u_.i;
    else if constexpr (k == value_kind::real) return &u_.d;
    else if constexpr (k == value_kind::text) return &u_.s;
    else if constexpr (k == value_kind::binary) return &u_.bin;
    else if constexpr (k == value_kind::decimal) return &u_.num;
    else if constexpr (k == value_kind::date) return &u_.day;
    else if constexpr (k == value_kind::date_time) return &u_.time;
    else if constexpr (k == value_kind::json) return &u_.json;
    else if constexpr (k == value_kind::uuid) return &u_.id;
    else if constexpr (k == value_kind::enum_label) return &u_.label;
    else if constexpr (k == value_kind::date_time_tz) return &u_.tz;
    else return nullptr;
  }
  /// f(held) for the held value (std::monostate for null), as std::visit does.
  template <class F>
  decltype(auto) visit(F&& f) const {
    switch (kind_) {
      case value_kind::boolean: return f(u_.b);
      case value_kind::integer: return f(u_.i);
      case value_kind::real: return f(u_.d);
      case value_kind::text: return f(u_.s);
      case value_kind::binary: return f(u_.bin);
      case value_kind::decimal: return f(u_.num);
      case value_kind::date: return f(u_.day);
      case value_kind::date_time: return f(u_.time);
      case value_kind::json: return f(u_.json);
      case value_kind::uuid: return f(u_.id);
      case value_kind::enum_label: return f(u_.label);
      case value_kind::date_time_tz: return f(u_.tz);
      case value_kind::null: break;
    }
    return f(std::monostate{});
  }

  bool as_bool() const;                 ///< boolean, or integer 0/1
  std::int64_t as_int() const;          ///< integer, boolean, or integral real
  double as_double() const;             ///< real, integer or decimal
  std::string as_string() const;        ///< text, a JSON document's or a label's text, or any value rendered as text
  const std::string& text() const;      ///< text only
  /// The text of a JSON document: json, or text (what SQLite and a cast give back).
  const std::string& json() const;
  /// An enum label: enum_label, or text (what a database returns for it).
  const std::string& label() const;
  retort::uuid as_uuid() const;         ///< uuid, or its text (36 or 32 hex digits), or 16 bytes
  const blob& bytes() const;            ///< binary only
  numeric as_numeric() const;           ///< decimal, text, integer or real
  retort::date as_date() const;         ///< date, or ISO text "YYYY-MM-DD"
  retort::date_time as_date_time() const;  ///< date_time, a date_time_tz's instant, or ISO text
  /// date_time_tz; a date_time (taken as UTC); ISO text with an offset ("+05:30", "Z") or without (UTC).
  retort::date_time_tz as_date_time_tz() const;

  /// Same kind and equal held values (a date_time_tz compares its instant), as std::variant's ==.
  bool operator==(const value& o) const;

  /// A short rendering for logs and messages (strings quoted, blobs summarized).
  std::string repr() const;

 private:
  /// The kinds held without heap storage: copied as bytes.
  bool is_trivial() const noexcept {
    return kind_ != value_kind::text && kind_ != value_kind::binary && kind_ != value_kind::decimal &&
           kind_ != value_kind::json && kind_ != value_kind::enum_label;
  }
  void copy_from(const value& o);   // kind_ already o's; constructs the held object
  void move_from(value&& o) noexcept;
  void assign(const value& o);
  void destroy() noexcept;

  struct trivial_bytes {
    alignas(8) unsigned char b[32];
  };
  union storage {
    storage() noexcept : raw{} {}
    ~storage() {}
    trivial_bytes raw;  // zeroed at construction, so a copy of the trivial kinds copies only initialized bytes
    bool b;
    std::int64_t i;
    double d;
    std::string s;
    blob bin;
    numeric num;
    retort::date day;
    retort::date_time time;
    json_text json;
    retort::uuid id;
    enum_label label;
    retort::date_time_tz tz;
  };
  static_assert(sizeof(retort::date_time_tz) <= sizeof(trivial_bytes) && sizeof(retort::uuid) <= sizeof(trivial_bytes));
  value_kind kind_;
  storage u_;
};

/// ISO-8601 text of dates and timestamps, as SQLite stores them.
std::string format_date(retort::date d);
std::string format_date_time(retort::date_time t);
std::optional<retort::date> parse_date(std::string_view text);
std::optional<retort::date_time> parse_date_time(std::string_view text);
/// "YYYY-MM-DD HH:MM:SS.ffffff+HH:MM": the local time at the offset, then the offset.
std::string format_date_time_tz(retort::date_time_tz t);
/// ISO text with an optional offset ("+05", "+05:30", "-0800", "Z"); no offset is UTC.
std::optional<retort::date_time_tz> parse_date_time_tz(std::string_view text);

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

template <>
struct value_traits<retort::date_time_tz> {
  static constexpr type sql_type{type_kind::date_time, 0, 0, 0, true};
  static value to(retort::date_time_tz v) { return value(v); }
  static retort::date_time_tz from(const value& v) { return v.as_date_time_tz(); }
};

template <>
struct value_traits<retort::uuid> {
  static constexpr type sql_type{type_kind::uuid};
  static value to(retort::uuid v) { return value(v); }
  static retort::uuid from(const value& v) { return v.as_uuid(); }
};

/// `std::vector<std::byte>` is a blob too (LargeBinary), for code that keeps bytes as std::byte.
template <>
struct value_traits<std::vector<std::byte>> {
  static constexpr type sql_type{type_kind::large_binary};
  static value to(const std::vector<std::byte>& v) {
    blob b(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) b[i] = static_cast<std::uint8_t>(v[i]);
    return value(std::move(b));
  }
  static std::vector<std::byte> from(const value& v) {
    const blob& b = v.bytes();
    std::vector<std::byte> out(b.size());
    for (std::size_t i = 0; i < b.size(); ++i) out[i] = static_cast<std::byte>(b[i]);
    return out;
  }
};

[[noreturn]] void unknown_enum_label(const enum_info& e, std::string_view label);
[[noreturn]] void unknown_enum_value(const enum_info& e, long long value);

template <class E>
inline constexpr bool enum_by_name = !std::is_same_v<std::remove_cv_t<decltype(retort::enum_names<E>)>,
                                                     retort::detail::no_enum_names>;

template <class E>
struct enum_table {
  static std::string_view label(std::size_t i) { return retort::enum_names<E>.entries[i].name; }
  static constexpr enum_info info{&util::type_name<E>, retort::enum_names<E>.type_name,
                                  retort::enum_names<E>.entries.size(), &label};
  static constexpr int longest() {
    int n = 0;
    for (const auto& e : retort::enum_names<E>.entries) {
      int k = 0;
      while (e.name[k]) ++k;
      n = k > n ? k : n;
    }
    return n;
  }
};

/// An enum class member: by name when enum_names<E> is given (native ENUM on
/// PostgreSQL, VARCHAR(longest name) on SQLite), else by its underlying value
/// (INTEGER). A value with no name, or a stored name that is not an
/// enumerator's, raises LookupError, as SQLAlchemy's Enum does.
template <class E>
  requires std::is_enum_v<E>
struct value_traits<E> {
  static constexpr type sql_type = [] {
    if constexpr (enum_by_name<E>)
      return type{type_kind::enumeration, enum_table<E>::longest(), 0, 0, false, &enum_table<E>::info};
    else
      return type{sizeof(E) > 4 ? type_kind::big_integer : type_kind::integer};
  }();
  static value to(E v) {
    if constexpr (enum_by_name<E>) {
      for (const auto& e : retort::enum_names<E>.entries)
        if (e.value == v) return value(enum_label{e.name});
      unknown_enum_value(enum_table<E>::info, static_cast<long long>(v));
    } else {
      return value(static_cast<std::int64_t>(v));
    }
  }
  static E from(const value& v) {
    if constexpr (enum_by_name<E>) {
      const std::string& name = v.label();
      for (const auto& e : retort::enum_names<E>.entries)
        if (name == e.name) return e.value;
      unknown_enum_label(enum_table<E>::info, name);
    } else {
      return static_cast<E>(v.as_int());
    }
  }
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
