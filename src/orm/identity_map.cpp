// The identity map's hashing and removal (identity_map.hpp).
#include "orm/identity_map.hpp"

#include <functional>
#include <string>

namespace retort::orm {

std::size_t identity_hash::operator()(const identity_key& k) const noexcept {
  std::size_t h = std::hash<const void*>()(k.m);
  if (k.values.empty()) h ^= std::hash<std::int64_t>()(k.id) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  for (const auto& v : k.values) {
    std::size_t x = 0;
    switch (v.kind()) {
      case sql::value_kind::integer: x = std::hash<std::int64_t>()(v.as_int()); break;
      case sql::value_kind::text: x = std::hash<std::string>()(v.text()); break;
      // Equal when the instants are, whatever the offsets: hash the instant.
      case sql::value_kind::date_time_tz:
        x = std::hash<std::int64_t>()(v.as_date_time_tz().utc.time_since_epoch().count());
        break;
      default: x = std::hash<std::string>()(v.repr()); break;
    }
    h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

void identity_map::drop(instance_state* s) {
  auto k = identity_key::of(s->owner_mapper, s->key);
  if (k.values.empty()) {
    auto it = ints_.find({k.m, k.id});
    if (it != ints_.end() && it->second.get() == s) ints_.erase(it);
    return;
  }
  auto it = others_.find(k);
  if (it != others_.end() && it->second.get() == s) others_.erase(it);
}

void identity_map::erase_if(util::function_ref<bool(instance_state*)> leave) {
  auto sweep = [&](auto& map) {
    for (auto it = map.begin(); it != map.end();) {
      if (leave(it->second.get()))
        it = map.erase(it);
      else
        ++it;
    }
  };
  sweep(ints_);
  sweep(others_);
}

}  // namespace retort::orm
