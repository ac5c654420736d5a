// Private: the identity map (SQLAlchemy's IdentityMap): one object per row in
// a session, keyed by class and primary key. It holds a reference to each
// object; the session decides when an object leaves.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "retort/orm/instance_state.hpp"
#include "retort/orm/mapper.hpp"
#include "retort/util/function_ref.hpp"

namespace retort::orm {

/// Class plus primary key. A single integer key (the common case) is kept
/// inline, so lookups allocate nothing.
struct identity_key {
  const mapper* m = nullptr;
  std::int64_t id = 0;
  std::vector<sql::value> values;  ///< empty when the key is the single integer `id`
  bool operator==(const identity_key&) const = default;

  static identity_key of(const mapper* m, const std::vector<sql::value>& key) {
    if (key.size() == 1 && key[0].kind() == sql::value_kind::integer) return {m, key[0].as_int(), {}};
    return {m, 0, key};
  }
};

struct identity_hash {
  std::size_t operator()(const identity_key& k) const noexcept;
};

class identity_map {
 public:
  /// Adds (or replaces) the entry for the state's class and key.
  void put(instance_state* s) { map_[identity_key::of(s->owner_mapper, s->key)] = state_ref(s); }
  /// Removes the state's entry, if it is the state's own.
  void drop(instance_state* s);
  instance_state* find(const identity_key& k) const {
    auto it = map_.find(k);
    return it == map_.end() ? nullptr : it->second.get();
  }
  instance_state* find(const mapper& m, const std::vector<sql::value>& key) const {
    return find(identity_key::of(&m, key));
  }
  std::size_t size() const noexcept { return map_.size(); }
  void clear() { map_.clear(); }
  void for_each(util::function_ref<void(instance_state*)> f) const {
    for (const auto& [_, s] : map_) f(s.get());
  }
  /// Removes the entries `leave` says to (each released if nothing else refers to it).
  void erase_if(util::function_ref<bool(instance_state*)> leave);

 private:
  std::unordered_map<identity_key, state_ref, identity_hash> map_;
};

}  // namespace retort::orm
