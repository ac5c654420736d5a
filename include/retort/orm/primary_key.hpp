// The C++ types of a mapping's primary-key members, known at compile time, so
// session.get<T>(key...) refuses a key of the wrong type or count as a
// compile error (the run-time check in session_impl::get covers the rest).
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "retort/orm/mapping.hpp"
#include "retort/sql/expression.hpp"

namespace retort::detail {

template <class Part>
struct primary_key_members {
  using type = std::tuple<>;
};
template <auto M, class... Opts>
struct primary_key_members<column_def<M, Opts...>> {
  using type =
      std::conditional_t<(std::is_same_v<Opts, primary_key_t> || ...), std::tuple<member_of<M>>, std::tuple<>>;
};

template <class Model>
struct model_primary_key {
  using type = std::tuple<>;
};
template <class... Parts>
struct model_primary_key<model_def<Parts...>> {
  using type = decltype(std::tuple_cat(std::declval<typename primary_key_members<Parts>::type>()...));
};

/// The primary-key member types of T, in mapping order.
template <class T>
using primary_key_of = typename model_primary_key<std::remove_cvref_t<decltype(mapping<T>)>>::type;

/// Whether a key argument of type K can look up a member of type V: integers
/// for integers, text for text, otherwise what converts.
template <class V, class K>
constexpr bool key_fits() {
  using member = sql::detail::sql_base_t<V>;
  using key = std::remove_cvref_t<K>;
  if constexpr (std::is_integral_v<member> && !std::is_same_v<member, bool>)
    return std::is_integral_v<key> && !std::is_same_v<key, bool>;
  else if constexpr (std::is_same_v<member, std::string>)
    return std::is_convertible_v<const key&, std::string_view>;
  else
    return std::is_convertible_v<const key&, member>;
}

template <class Members, class... K>
struct keys_fit;
template <class... V, class... K>
struct keys_fit<std::tuple<V...>, K...> {
  static constexpr bool value = (key_fits<V, K>() && ...);
};

/// Compile-time check of get<T>(key...): count and types against T's primary key.
template <class T, class... K>
constexpr void check_key_types() {
  using members = primary_key_of<T>;
  constexpr std::size_t n = std::tuple_size_v<members>;
  if constexpr (n > 0) {
    static_assert(n == sizeof...(K), "session.get<T>(key...): give one value per primary-key column of T");
    if constexpr (n == sizeof...(K))
      static_assert(keys_fit<members, K...>::value,
                    "session.get<T>(key...): the key's type does not match the primary-key member's C++ type");
  }
}

}  // namespace retort::detail
