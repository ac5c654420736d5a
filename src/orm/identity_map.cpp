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
  auto it = map_.find(identity_key::of(s->owner_mapper, s->key));
  if (it != map_.end() && it->second.get() == s) map_.erase(it);
}

void identity_map::erase_if(util::function_ref<bool(instance_state*)> leave) {
  for (auto it = map_.begin(); it != map_.end();) {
    if (leave(it->second.get()))
      it = map_.erase(it);
    else
      ++it;
  }
}

}  // namespace retort::orm
