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
  void put(instance_state* s) {
    auto k = identity_key::of(s->owner_mapper, s->key);
    if (k.values.empty())
      ints_[{k.m, k.id}] = state_ref(s);
    else
      others_[std::move(k)] = state_ref(s);
  }
  /// Removes the state's entry, if it is the state's own.
  void drop(instance_state* s);
  instance_state* find(const identity_key& k) const {
    if (k.values.empty()) return find_id(*k.m, k.id);
    auto it = others_.find(k);
    return it == others_.end() ? nullptr : it->second.get();
  }
  /// The object of class `m` whose key is the single integer `id`.
  instance_state* find_id(const mapper& m, std::int64_t id) const {
    auto it = ints_.find({&m, id});
    return it == ints_.end() ? nullptr : it->second.get();
  }
  instance_state* find(const mapper& m, const std::vector<sql::value>& key) const {
    return find(identity_key::of(&m, key));
  }
  std::size_t size() const noexcept { return ints_.size() + others_.size(); }
  void clear() {
    ints_.clear();
    others_.clear();
  }
  void for_each(util::function_ref<void(instance_state*)> f) const {
    for (const auto& [_, s] : ints_) f(s.get());
    for (const auto& [_, s] : others_) f(s.get());
  }
  /// Removes the entries `leave` says to (each released if nothing else refers to it).
  void erase_if(util::function_ref<bool(instance_state*)> leave);

 private:
  /// A single integer key (the common case) in a map of its own: a node of
  /// 16 bytes of key, hashed and compared without looking at a vector.
  struct id_key {
    const mapper* m;
    std::int64_t id;
    bool operator==(const id_key&) const = default;
  };
  struct id_hash {
    std::size_t operator()(const id_key& k) const noexcept {
      auto h = static_cast<std::uint64_t>(k.id) * 0x9e3779b97f4a7c15ULL;
      return static_cast<std::size_t>(h ^ (h >> 29) ^ (reinterpret_cast<std::uintptr_t>(k.m) >> 4));
    }
  };
  std::unordered_map<id_key, state_ref, id_hash> ints_;
  std::unordered_map<identity_key, state_ref, identity_hash> others_;
};

}  // namespace retort::orm
