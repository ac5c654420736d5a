// Lifetime and access hooks of instance states, called from the typed handles.
#include "retort/orm/instance_state.hpp"

#include "orm/session_impl.hpp"
#include "retort/orm/repr.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

void release(instance_state* s) noexcept { s->owner_mapper->destroy(s); }

instance_state* state_of_address(void* object, std::size_t offset) {
  auto* s = reinterpret_cast<instance_state*>(static_cast<char*>(object) - offset);
  if (s->magic != instance_state::live_magic || s->object != object)
    throw InvalidRequestError("object is not managed by Retort; use the ptr<T> that retort::make or session.add returned");
  return s;
}

void ensure_loaded(instance_state* s) {
  if (!s->expired) return;
  if (!s->session)
    throw DetachedInstanceError("instance " + default_repr(s) +
                                " is expired and not bound to a session; the refresh cannot proceed");
  s->session->refresh(s);
}

void throw_null_reference(std::string_view type, const char* handle) {
  throw NullReferenceError("dereferenced an empty " + std::string(handle) + "<" + std::string(type) +
                           ">: it refers to no object (a get() or query that found no row, or a relationship with "
                           "nothing assigned); test it with `if (p)` first");
}

void touch(instance_state* s) {
  if (s->touched || !s->session) return;
  s->session->note_touched(s);
}

}  // namespace retort::orm
