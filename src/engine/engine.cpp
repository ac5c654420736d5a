// Engine construction (URL -> driver -> pool) and statement event dispatch.
#include "retort/engine/engine.hpp"

#include <iostream>

#include "engine/engine_state.hpp"
#include "retort/engine/connection.hpp"
#include "retort/util/error.hpp"

namespace retort::engine {

namespace detail {

void engine_state::emit(const statement_event& e) {
  if (echo) {
    std::clog << "[retort] " << e.sql;
    if (!e.params.empty()) {
      std::clog << "  (";
      for (std::size_t i = 0; i < e.params.size(); ++i) std::clog << (i ? ", " : "") << e.params[i].repr();
      std::clog << ")";
    }
    if (e.batch > 1) std::clog << "  [x" << e.batch << "]";
    std::clog << '\n';
  }
  if (!has_listeners.load(std::memory_order_acquire)) return;
  std::vector<statement_listener> copy;
  {
    std::lock_guard lock(listeners_mutex);
    if (listeners.empty()) return;
    for (const auto& [_, l] : listeners) copy.push_back(l);
  }
  for (const auto& l : copy) l(e);
}

}  // namespace detail

namespace {
/// `?echo=true` (or 1); false, 0 or absent is off; anything else is a mistake.
bool echo_option(const url& u) {
  auto v = u.option("echo", "false");
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  throw ArgumentError("database URL " + u.render() + ": option echo='" + v + "' is not true, false, 1 or 0");
}
}  // namespace

engine::engine(std::string_view text, engine_options options) : state_(std::make_shared<detail::engine_state>()) {
  state_->location = retort::engine::url::parse(text);
  state_->backend = find_driver(state_->location.backend());
  state_->backend->validate(state_->location);
  state_->echo = options.echo || echo_option(state_->location);
  pool_options p = options.pool.value_or(pool_options{});
  state_->backend->tune_pool(state_->location, p);
  auto backend = state_->backend;
  auto location = state_->location;
  state_->pool = std::make_unique<retort::engine::pool>([backend, location] { return backend->connect(location); }, p,
                                                state_->location.render());
}

connection engine::connect() { return connection(state_, state_->pool->checkout()); }
const sql::dialect& engine::dialect() const { return state_->backend->dialect(); }
const url& engine::url() const { return state_->location; }
pool& engine::pool() { return *state_->pool; }

std::uint64_t engine::listen(statement_listener l) {
  std::lock_guard lock(state_->listeners_mutex);
  auto id = state_->next_listener++;
  state_->listeners.emplace_back(id, std::move(l));
  state_->has_listeners = true;
  return id;
}

void engine::unlisten(std::uint64_t id) {
  std::lock_guard lock(state_->listeners_mutex);
  std::erase_if(state_->listeners, [id](const auto& p) { return p.first == id; });
  state_->has_listeners = !state_->listeners.empty();
}

void engine::dispose() { state_->pool->dispose(); }

}  // namespace retort::engine
