// The declarative front door: `mapping<T>` describes a class as constexpr
// data (columns, options, relationships). Nothing here does work at run time;
// the registry turns it into a mapper (mapper_builder.hpp).
//
//   template <> inline constexpr auto retort::mapping<Post> = retort::model(
//       retort::column<&Post::id>(retort::primary_key),
//       retort::column<&Post::title>(retort::String(100), retort::not_null),
//       retort::column<&Post::user_id>(retort::foreign_key<&User::id>, retort::not_null),
//       retort::relationship<&Post::author>(retort::back_populates<&User::posts>));
#pragma once

#include <tuple>
#include <type_traits>

#include "retort/orm/relationship.hpp"
#include "retort/sql/schema.hpp"
#include "retort/sql/types.hpp"

namespace retort {

namespace detail {
struct unmapped {};

template <class M>
struct member_traits;
template <class C, class V>
struct member_traits<V C::*> {
  using class_type = C;
  using value_type = V;
};
template <auto M>
using class_of = typename member_traits<decltype(M)>::class_type;
template <auto M>
using member_of = typename member_traits<decltype(M)>::value_type;

template <class T>
struct relationship_member : std::false_type {};
template <class T>
struct relationship_member<one<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = false;
};
template <class T>
struct relationship_member<many<T>> : std::true_type {
  using target = T;
  static constexpr bool collection = true;
};
}  // namespace detail

/// Specialize for each mapped class: `template <> inline constexpr auto retort::mapping<User> = retort::model(...);`
template <class T>
inline constexpr auto mapping = detail::unmapped{};

// Column options.
struct primary_key_t {};
struct not_null_t {};
struct nullable_t {};
struct unique_t {};
struct index_t {};
struct autoincrement_t {
  bool on = true;
};
inline constexpr primary_key_t primary_key{};
inline constexpr not_null_t not_null{};
inline constexpr nullable_t nullable{};
inline constexpr unique_t unique{};
inline constexpr index_t index{};
inline constexpr autoincrement_t autoincrement{};

/// `DEFAULT <sql>` in CREATE TABLE; schema text written by the developer.
struct server_default {
  constexpr explicit server_default(const char* text) : sql(text) {}
  const char* sql;
};
/// Overrides the column name (defaults to the member name).
struct column_name {
  constexpr explicit column_name(const char* v) : value(v) {}
  const char* value;
};

// Foreign-key actions: `retort::foreign_key<&User::id>.on_delete(retort::cascade)`.
inline constexpr sql::fk_action cascade = sql::fk_action::cascade;
inline constexpr sql::fk_action set_null = sql::fk_action::set_null;
inline constexpr sql::fk_action set_default = sql::fk_action::set_default;
inline constexpr sql::fk_action restrict = sql::fk_action::restrict;
inline constexpr sql::fk_action no_action = sql::fk_action::no_action;

template <auto M>
struct foreign_key_t {
  sql::fk_action delete_action = sql::fk_action::no_action;
  sql::fk_action update_action = sql::fk_action::no_action;
  constexpr foreign_key_t on_delete(sql::fk_action a) const {
    auto c = *this;
    c.delete_action = a;
    return c;
  }
  constexpr foreign_key_t on_update(sql::fk_action a) const {
    auto c = *this;
    c.update_action = a;
    return c;
  }
};
/// This column references the column `M` (`&User::id`).
template <auto M>
inline constexpr foreign_key_t<M> foreign_key{};

// Relationship options.
template <auto M>
struct back_populates_t {};
/// The attribute on the other class that mirrors this relationship.
template <auto M>
inline constexpr back_populates_t<M> back_populates{};
template <auto... M>
struct foreign_keys_t {};
/// The foreign-key columns a relationship joins on, when several link the two
/// tables (SQLAlchemy's `relationship(foreign_keys=[...])`):
/// `relationship<&Message::sender>(foreign_keys<&Message::sender_id>)`.
template <auto... M>
inline constexpr foreign_keys_t<M...> foreign_keys{};
/// Loader strategy: "select" (lazy, the default).
struct lazy {
  constexpr explicit lazy(const char* s) : strategy(s) {}
  const char* strategy;
};

// Model options.
/// Overrides the table name (defaults to the class name in snake_case).
struct table_name {
  constexpr explicit table_name(const char* v) : value(v) {}
  const char* value;
};

/// A CHECK constraint on the model's table (SQLAlchemy's CheckConstraint):
/// `check("price >= 0")`, or named, `check("price >= 0", "price_not_negative")`.
/// The condition is schema text written by the developer, never data; a
/// violation at flush is an IntegrityError (SQLSTATE 23514) naming the constraint.
struct check {
  constexpr explicit check(const char* condition, const char* constraint_name = "")
      : sql(condition), name(constraint_name) {}
  const char* sql;
  const char* name;
};

template <auto M, class... Opts>
struct column_def {
  std::tuple<Opts...> options;
};
template <auto M, class... Opts>
struct relationship_def {
  std::tuple<Opts...> options;
};
template <class... Parts>
struct model_def {
  std::tuple<Parts...> parts;
};

/// A mapped column: `column<&User::username>(String(50), not_null)`.
template <auto M, class... Opts>
constexpr column_def<M, Opts...> column(Opts... options) {
  static_assert(std::is_member_object_pointer_v<decltype(M)>, "retort::column<M>: M must be a data member pointer");
  static_assert(!detail::relationship_member<detail::member_of<M>>::value,
                "retort::column<M>: this member is one<>/many<>; map it with retort::relationship<M>");
  static_assert(detail::relationship_member<detail::member_of<M>>::value || sql::sql_value_type<detail::member_of<M>>,
                "retort::column<M>: the member's type has no SQL mapping (use an integer, floating point, bool, "
                "std::string, retort::blob, retort::numeric, retort::date, retort::date_time, or std::optional "
                "of one)");
  return {std::tuple<Opts...>(options...)};
}

/// A relationship: `relationship<&User::posts>(back_populates<&Post::author>)`.
template <auto M, class... Opts>
constexpr relationship_def<M, Opts...> relationship(Opts... options) {
  static_assert(detail::relationship_member<detail::member_of<M>>::value,
                "retort::relationship<M>: the member must be a retort::one<T> or retort::many<T>");
  return {std::tuple<Opts...>(options...)};
}

/// The mapping of a class: columns, relationships and model options in any order.
template <class... Parts>
constexpr model_def<Parts...> model(Parts... parts) {
  return {std::tuple<Parts...>(parts...)};
}

template <class T>
concept mapped = !std::is_same_v<std::remove_cvref_t<decltype(mapping<T>)>, detail::unmapped>;

}  // namespace retort
