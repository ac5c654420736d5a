// JSON of models and of the relationships a handler names, and JSON input
// bound onto a model's members with a 400 naming the field at fault.
//
//   to_json(user)                                   // {"id": 1, "username": "alice"}
//   to_json(user, with<&User::posts>())             // ..., "posts": [{"id": 3, ...}, ...]
//   to_json(page)                                   // {"items": [...], "page": 2, "pages": 7, ...}
//   auto post = Post{}; from_json(req.json(), post, fields<&Post::title, &Post::body>());
//
// The columns are read through the mapper (src/web/json.cpp, compiled once);
// only the relationship walk is typed.
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "retort/orm/pagination.hpp"
#include "retort/orm/ptr.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/orm/registry.hpp"
#include "retort/web/http.hpp"

namespace retort::web {

namespace detail {
/// The object's mapped columns (deferred ones that are not loaded left out), by attribute name.
nlohmann::json columns_json(const orm::mapper& m, const void* object);
/// Sets one column member from JSON; a 400 naming `attribute` when the value
/// does not fit (type, range, a null into a NOT NULL column).
void set_column_from_json(const orm::mapper& m, void* object, std::string_view attribute, const nlohmann::json& v);
nlohmann::json page_json(const orm::page_numbers& p);
}  // namespace detail

/// The relationships to include, each with its own nested ones:
/// `with<&User::posts>(with<&Post::tags>())`.
template <auto M, class... Nested>
struct with_t {
  std::tuple<Nested...> nested;
};
template <auto M, class... Nested>
with_t<M, Nested...> with(Nested... nested) {
  return {{nested...}};
}

/// The columns a from_json binds.
template <auto... M>
struct fields_t {};
template <auto... M>
inline constexpr fields_t<M...> fields{};

template <class T, class... W>
nlohmann::json to_json(const ptr<T>& p, const W&... with);

namespace detail {
template <class T, auto M, class... Nested>
void add_relationship(nlohmann::json& out, T& object, const with_t<M, Nested...>& w) {
  static_assert(std::is_same_v<retort::detail::class_of<M>, T>,
                "retort::web::with<&C::member>: the member is not of the class being serialized");
  auto& slot = object.*M;
  const auto name = std::string(util::member_name<M>());
  using slot_type = std::decay_t<decltype(slot)>;
  if constexpr (requires { slot.get(); }) {  // one<U>
    auto target = slot.get();
    out[name] = target ? std::apply([&](const auto&... n) { return to_json(target, n...); }, w.nested)
                       : nlohmann::json(nullptr);
  } else {  // many<U>, or a collection iterating ptr<U>
    static_assert(requires { slot.begin(); }, "retort::web::with<&C::member>: the member is not a relationship");
    auto list = nlohmann::json::array();
    for (auto it = slot.begin(); it != slot.end(); ++it) {
      auto target = it.handle();
      list.push_back(std::apply([&](const auto&... n) { return to_json(target, n...); }, w.nested));
    }
    out[name] = std::move(list);
    (void)sizeof(slot_type);
  }
}
}  // namespace detail

/// An object as JSON: its columns, and the relationships named (loaded as
/// their strategy loads them: name them in the query's options too to avoid
/// N+1). A null ptr is JSON null.
template <class T, class... W>
nlohmann::json to_json(const ptr<T>& p, const W&... with) {
  if (!p) return nullptr;
  auto out = detail::columns_json(orm::mapper_for<T>(), p.get());
  (detail::add_relationship(out, *p, with), ...);
  return out;
}

/// A list of objects.
template <class T, class... W>
nlohmann::json to_json(const std::vector<ptr<T>>& list, const W&... with) {
  auto out = nlohmann::json::array();
  for (const auto& p : list) out.push_back(to_json(p, with...));
  return out;
}

/// A page: Flask-SQLAlchemy's Pagination fields plus "items".
template <class T, class... W>
nlohmann::json to_json(const pagination<T>& page, const W&... with) {
  auto out = detail::page_json(page);
  out["items"] = to_json(page.items, with...);
  return out;
}

/// Binds the named members of `object` from a JSON object. With `partial`
/// (a PATCH) members absent from `j` are left alone; otherwise each must be
/// present. A non-object body, a missing member or a value of the wrong type
/// is a 400 naming the field. Unknown keys are ignored.
template <class T, auto... M>
void from_json(const nlohmann::json& j, T& object, fields_t<M...>, bool partial = false) {
  static_assert((std::is_same_v<retort::detail::class_of<M>, T> && ...),
                "retort::web::from_json: every field must be a member of the object's class");
  if (!j.is_object()) bad_request("", "the body must be a JSON object");
  const auto& m = orm::mapper_for<T>();
  (
      [&] {
        const auto name = util::member_name<M>();
        auto it = j.find(std::string(name));
        if (it == j.end()) {
          if (!partial) bad_request(std::string(name), "is required");
          return;
        }
        detail::set_column_from_json(m, &object, name, *it);
      }(),
      ...);
}

}  // namespace retort::web
