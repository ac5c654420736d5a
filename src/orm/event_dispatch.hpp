// Private: the listener tables behind retort::listen (events.cpp) and the calls
// the session, unit of work, loading and relationship slots make to fire events.
// With no listener registered for an event, firing it costs one relaxed atomic load.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "retort/orm/events.hpp"

namespace retort::orm {

/// Listeners in registration order; copied on write, so a listener may add or
/// remove listeners while it runs (the running dispatch keeps its snapshot).
using listener_list = std::vector<std::pair<std::uint64_t, listener_fn>>;

/// One session's own session-event listeners (session.on).
class session_listeners {
 public:
  std::uint64_t add(event_kind k, listener_fn f);
  void remove(std::uint64_t id) noexcept;
  bool any(event_kind k) const noexcept { return lists_[static_cast<std::size_t>(k)] != nullptr; }
  std::shared_ptr<const listener_list> get(event_kind k) const { return lists_[static_cast<std::size_t>(k)]; }

 private:
  std::array<std::shared_ptr<const listener_list>, event_kind_count> lists_{};
};

/// Whether any listener of kind `k` is registered for every session (any target).
bool has_listeners(event_kind k) noexcept;
/// Calls the global listeners of (`k`, `target`) in order; an exception propagates.
void dispatch(event_kind k, const void* target, const event_args& a);

/// A mapper or instance event on `target`, in its session `s`.
void fire_object(session_impl& s, event_kind k, instance_state* target);
/// A session event: the listeners for every session, then this session's own.
void fire_session(session_impl& s, event_kind k, const flush_context* flush = nullptr,
                  engine::connection* connection = nullptr);
/// The same, for a failure path: a listener's exception is dropped (the original error is the one to report).
void fire_session_quietly(session_impl& s, event_kind k) noexcept;
/// A relationship's set / append / remove on `target` (from the slot, before the change).
void fire_attribute(event_kind k, const relationship_property& rel, instance_state* target, instance_state* value,
                    instance_state* old);
/// Column set events of `s` at flush: one per column whose value differs from the
/// loaded one (a new object: from the value-initialized one).
void fire_column_sets(instance_state* s);

}  // namespace retort::orm
