// ORM event dispatch (SQLAlchemy's event registry, reduced to what Retort
// fires): listener tables for every session (keyed by event and target - a
// mapper, a column or relationship property, or none for session events) and
// per session. Called by session.cpp, unit_of_work.cpp, loading.cpp and attributes.cpp.
#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>

#include "orm/event_dispatch.hpp"
#include "orm/session_impl.hpp"
#include "retort/util/error.hpp"

namespace retort {

std::string_view change_name(change_kind k) noexcept {
  switch (k) {
    case change_kind::insert:
      return "insert";
    case change_kind::update:
      return "update";
    case change_kind::delete_:
      return "delete";
  }
  return "update";
}

}  // namespace retort

namespace retort::orm {

namespace {

std::atomic<std::uint64_t> next_id{1};

/// Listeners for every session. Registration takes the mutex and replaces the
/// list; dispatch takes it only to copy the list's pointer, and not at all while
/// no listener of the event exists.
struct global_table {
  std::mutex mu;
  std::array<std::atomic<std::uint32_t>, event_kind_count> counts{};
  std::map<std::pair<std::uint8_t, const void*>, std::shared_ptr<const listener_list>> lists;
};

global_table& globals() {
  static auto* t = new global_table();  // never destroyed: listeners may be removed during static destruction
  return *t;
}

std::shared_ptr<const listener_list> without(const std::shared_ptr<const listener_list>& l, std::uint64_t id,
                                             bool& found) {
  auto copy = std::make_shared<listener_list>(*l);
  auto it = std::find_if(copy->begin(), copy->end(), [id](const auto& e) { return e.first == id; });
  found = it != copy->end();
  if (found) copy->erase(it);
  return copy->empty() ? nullptr : std::shared_ptr<const listener_list>(std::move(copy));
}

void call_all(const std::shared_ptr<const listener_list>& l, const event_args& a) {
  if (!l) return;
  for (const auto& [id, f] : *l) f(a);
}

}  // namespace

std::uint64_t add_listener(event_kind k, const void* target, listener_fn f) {
  auto& g = globals();
  std::lock_guard lock(g.mu);
  auto& slot = g.lists[{static_cast<std::uint8_t>(k), target}];
  auto copy = slot ? std::make_shared<listener_list>(*slot) : std::make_shared<listener_list>();
  auto id = next_id.fetch_add(1);
  copy->emplace_back(id, std::move(f));
  slot = std::move(copy);
  g.counts[static_cast<std::size_t>(k)].fetch_add(1, std::memory_order_relaxed);
  return id;
}

void remove_listener(std::uint64_t id) noexcept {
  auto& g = globals();
  std::lock_guard lock(g.mu);
  for (auto it = g.lists.begin(); it != g.lists.end(); ++it) {
    bool found = false;
    auto rest = without(it->second, id, found);
    if (!found) continue;
    g.counts[it->first.first].fetch_sub(1, std::memory_order_relaxed);
    if (rest)
      it->second = std::move(rest);
    else
      g.lists.erase(it);
    return;
  }
}

bool has_listeners(event_kind k) noexcept {
  return globals().counts[static_cast<std::size_t>(k)].load(std::memory_order_relaxed) != 0;
}

void dispatch(event_kind k, const void* target, const event_args& a) {
  if (!has_listeners(k)) return;
  std::shared_ptr<const listener_list> l;
  {
    auto& g = globals();
    std::lock_guard lock(g.mu);
    auto it = g.lists.find({static_cast<std::uint8_t>(k), target});
    if (it == g.lists.end()) return;
    l = it->second;
  }
  call_all(l, a);
}

std::uint64_t session_listeners::add(event_kind k, listener_fn f) {
  auto& slot = lists_[static_cast<std::size_t>(k)];
  auto copy = slot ? std::make_shared<listener_list>(*slot) : std::make_shared<listener_list>();
  auto id = next_id.fetch_add(1);
  copy->emplace_back(id, std::move(f));
  slot = std::move(copy);
  return id;
}

void session_listeners::remove(std::uint64_t id) noexcept {
  for (auto& slot : lists_) {
    if (!slot) continue;
    bool found = false;
    auto rest = without(slot, id, found);
    if (!found) continue;
    slot = std::move(rest);
    return;
  }
}

std::uint64_t add_session_listener(session_impl& s, event_kind k, listener_fn f) {
  return s.listeners().add(k, std::move(f));
}
void remove_session_listener(session_impl& s, std::uint64_t id) noexcept { s.listeners().remove(id); }
std::weak_ptr<void> session_lifetime(const session_impl& s) { return s.lifetime(); }

const void* attribute_target(const mapper& m, std::string_view attribute) {
  if (const auto* r = m.find_relationship(attribute)) return r;
  if (const auto* c = m.find_column(attribute)) return c;
  throw ArgumentError("retort::listen: " + m.class_name + "." + std::string(attribute) +
                      " is neither a mapped column nor a relationship");
}

void fire_object(session_impl& s, event_kind k, instance_state* target) {
  if (!has_listeners(k) || !s.owner()) return;
  event_args a;
  a.session = s.owner();
  a.target = target;
  dispatch(k, target->owner_mapper, a);
}

void fire_session(session_impl& s, event_kind k, const flush_context* flush, engine::connection* connection) {
  if ((!has_listeners(k) && !s.listeners().any(k)) || !s.owner()) return;
  event_args a;
  a.session = s.owner();
  a.flush = flush;
  a.connection = connection;
  dispatch(k, nullptr, a);
  call_all(s.listeners().get(k), a);
}

void fire_session_quietly(session_impl& s, event_kind k) noexcept {
  try {
    fire_session(s, k);
  } catch (...) {  // NOLINT(bugprone-empty-catch): the flush's own error is the one that propagates
  }
}

void fire_attribute(event_kind k, const relationship_property& rel, instance_state* target, instance_state* value,
                    instance_state* old) {
  if (!has_listeners(k)) return;
  event_args a;
  a.session = target->session ? target->session->owner() : nullptr;
  a.target = target;
  a.value = value;
  a.old = old;
  dispatch(k, &rel, a);
}

void fire_column_sets(instance_state* s) {
  if (!has_listeners(event_kind::set)) return;
  const mapper& m = *s->owner_mapper;
  const bool fresh = s->status == status::pending || s->committed.size() != m.columns.size();
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    const sql::value& before = fresh ? c.initial : s->committed[i];
    if (c.same(s->object, before)) continue;
    auto now = c.get(s->object);
    event_args a;
    a.session = s->session ? s->session->owner() : nullptr;
    a.target = s;
    a.column_value = &now;
    a.column_old = &before;
    dispatch(event_kind::set, &c, a);
  }
}

}  // namespace retort::orm
