// Per-object ORM bookkeeping (SQLAlchemy's InstanceState): which mapper and
// session the object belongs to, its lifecycle status, the committed snapshot
// used for dirty tracking, and an intrusive reference count. The object lives
// in the same allocation, right after the state (see `object_offset`). A
// detached object also belongs to a detached group, which frees the reference
// cycles of objects no session holds (src/orm/detached_group.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#include "retort/orm/fwd.hpp"
#include "retort/sql/value.hpp"

namespace retort::orm {

/// SQLAlchemy's object states.
enum class status : std::uint8_t { transient, pending, persistent, deleted, detached };

struct detached_group;

struct instance_state {
  static constexpr std::uint32_t live_magic = 0x52455452;  // "RETR"

  const mapper* owner_mapper = nullptr;
  void* object = nullptr;
  session_impl* session = nullptr;
  orm::status status = status::transient;
  bool expired = false;        ///< column values must be reloaded before use
  bool marked_deleted = false; ///< session.delete_() called; DELETE at next flush
  bool touched = false;        ///< handed out for writing since the last flush: compare at flush
  std::uint32_t magic = live_magic;
  std::uint32_t refs = 0;
  std::uint32_t group_index = 0;   ///< position in group->members
  std::uint32_t cohort = 0;        ///< the multi-row result it was last loaded by, in its session (0: none)
  detached_group* group = nullptr; ///< set while in no session and in a detached group
  std::uint64_t order = 0;     ///< when it joined the session: flush inserts in this order
  std::vector<sql::value> committed;  ///< column values as last loaded or flushed
  std::vector<sql::value> key;        ///< primary key values once persistent

  bool has_identity() const noexcept { return !key.empty(); }
};

/// Frees a state and its object once nothing refers to it (via the mapper's thunk).
void release(instance_state* s) noexcept;

/// retain / drop of an object in a detached group: keeps the group's count of
/// references from outside it, and frees the group once that reaches zero.
void group_retained(instance_state* s) noexcept;
void group_dropped(instance_state* s) noexcept;

inline void retain(instance_state* s) noexcept {
  if (!s) return;
  ++s->refs;
  if (s->group) [[unlikely]]
    group_retained(s);
}
inline void drop(instance_state* s) noexcept {
  if (!s) return;
  if (s->group) [[unlikely]]
    return group_dropped(s);
  if (--s->refs == 0) release(s);
}

/// An owning reference to a state: what ptr<T>, one<T> and many<T> hold.
class state_ref {
 public:
  state_ref() = default;
  explicit state_ref(instance_state* s) noexcept : s_(s) { retain(s_); }
  state_ref(const state_ref& o) noexcept : s_(o.s_) { retain(s_); }
  state_ref(state_ref&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  state_ref& operator=(state_ref o) noexcept {
    std::swap(s_, o.s_);
    return *this;
  }
  ~state_ref() { drop(s_); }

  /// Gives the reference up without dropping it: the caller now owns the count.
  instance_state* disown() noexcept { return std::exchange(s_, nullptr); }

  instance_state* get() const noexcept { return s_; }
  instance_state* operator->() const noexcept { return s_; }
  explicit operator bool() const noexcept { return s_ != nullptr; }
  bool operator==(const state_ref& o) const noexcept { return s_ == o.s_; }

 private:
  instance_state* s_ = nullptr;
};

/// Where the object sits after its state in one allocation.
template <class T>
constexpr std::size_t object_offset() {
  constexpr std::size_t a = alignof(T) > alignof(instance_state) ? alignof(T) : alignof(instance_state);
  return (sizeof(instance_state) + a - 1) / a * a;
}

/// The state of an object Retort allocated; raises InvalidRequestError for any other object.
instance_state* state_of_address(void* object, std::size_t offset);

template <class T>
instance_state* state_of(T& obj) {
  return state_of_address(&obj, object_offset<T>());
}

/// Makes sure an expired object's columns are loaded (one SELECT); used by ptr<T>::operator->.
void ensure_loaded(instance_state* s);

/// Notes that the object may be modified: the next flush compares it with its
/// snapshot. Called by ptr<T> on dereference and by relationship changes.
void touch(instance_state* s);

}  // namespace retort::orm
