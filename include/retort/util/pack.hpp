// A minimal constexpr heterogeneous list for the mapping declarations
// (column<...>(options...), model(parts...), association_table(links...)).
// std::tuple would do, at a price: its constructors' constraints are
// instantiated for every distinct list, and an application declares one list
// per column, relationship and model (docs/performance.md, "Compile time").
#pragma once

#include <cstddef>
#include <utility>

namespace retort::util {

template <std::size_t I, class T>
struct pack_leaf {
  T value;
};

template <class Indexes, class... T>
struct pack_base;
template <std::size_t... I, class... T>
struct pack_base<std::index_sequence<I...>, T...> : pack_leaf<I, T>... {
  constexpr explicit pack_base(const T&... v) : pack_leaf<I, T>{v}... {}
};

/// The values `v...`, in order; read them with util::apply.
template <class... T>
struct pack : pack_base<std::index_sequence_for<T...>, T...> {
  using pack_base<std::index_sequence_for<T...>, T...>::pack_base;
};

/// f(values...) of a pack, as std::apply does for a tuple.
template <class F, std::size_t... I, class... T>
constexpr decltype(auto) apply(F&& f, const pack_base<std::index_sequence<I...>, T...>& p) {
  return static_cast<F&&>(f)(static_cast<const pack_leaf<I, T>&>(p).value...);
}

}  // namespace retort::util
