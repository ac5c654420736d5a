// Engine construction (URL -> driver -> pool) and statement event dispatch.
#include "retort/engine/engine.hpp"

#include <string>
#include <vector>

#include "engine/engine_state.hpp"
#include "retort/engine/connection.hpp"
#include "retort/util/error.hpp"

namespace retort::engine {

namespace detail {

namespace {
/// "<sql>  (<params>)  [xN]": one line per statement (SQLAlchemy logs the
/// parameters as a second line; one line keeps a statement and its values together).
std::string echo_line(const statement_event& e, bool hide_parameters) {
  std::string line(e.sql);
  if (!e.params.empty())
    line += hide_parameters ? "  [SQL parameters hidden due to hide_parameters=True]" : "  " + sql::describe_params(e.params);
  if (e.batch > 1) line += "  [x" + std::to_string(e.batch) + "]";
  return line;
}

/// "(a, b)" of already rendered parts.
std::string tuple_text(std::span<const std::string> parts) {
  std::string out = "(";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  return out + ")";
}
}  // namespace

void engine_state::log_rows(const result& r) const {
  if (r.columns().empty()) return;  // no result set: an INSERT, UPDATE or DELETE without RETURNING
  std::vector<std::string> cols;
  for (const auto& c : r.columns()) cols.push_back("'" + c + "'");
  log(logging::level::debug, "Col " + tuple_text(cols));
  for (auto row : r) {
    if (hide_parameters) {
      log(logging::level::debug, "Row [hidden due to hide_parameters=True]");
      continue;
    }
    std::vector<sql::value> cells;
    cells.reserve(row.size());
    for (std::size_t i = 0; i < row.size(); ++i) cells.push_back(row[i]);
    log(logging::level::debug, "Row " + sql::describe_params(cells));
  }
}

void engine_state::emit(const statement_event& e) {
  if (logs(logging::level::info)) log(logging::level::info, echo_line(e, hide_parameters));
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
/// `?echo=true` (or 1, info), `?echo=debug`; false, 0 or absent is off; anything else is a mistake.
logging::echo_mode echo_option(const url& u) {
  auto v = u.option("echo", "false");
  try {
    return logging::echo_mode(v.c_str());
  } catch (const ArgumentError&) {
    throw ArgumentError("database URL " + u.render() + ": option echo='" + v +
                        "' is not true, false, 1, 0, info or debug");
  }
}

/// The more verbose of two echo settings.
logging::echo_mode more_verbose(logging::echo_mode a, logging::echo_mode b) {
  if (!a.on()) return b;
  if (!b.on()) return a;
  return a.threshold() <= b.threshold() ? a : b;
}
}  // namespace

engine::engine(std::string_view text, engine_options options) : state_(std::make_shared<detail::engine_state>()) {
  state_->location = retort::engine::url::parse(text);
  state_->backend = find_driver(state_->location.backend());
  state_->backend->validate(state_->location);
  state_->echo = more_verbose(options.echo, echo_option(state_->location));
  state_->sink = options.sink ? std::move(options.sink) : logging::stderr_sink();
  state_->hide_parameters = options.hide_parameters;
  state_->recording = options.record_queries;
  pool_options p = options.pool.value_or(pool_options{});
  state_->backend->tune_pool(state_->location, p);
  auto backend = state_->backend;
  auto location = state_->location;
  // The pool dies with the state, so its factory may hold the state by address.
  const auto* state = state_.get();
  state_->pool = std::make_unique<retort::engine::pool>(
      [backend, location, state] {
        // The URL as every message shows it: the password masked.
        if (state->logs(logging::level::debug)) state->log(logging::level::debug, "connect " + location.render());
        return backend->connect(location);
      },
      p, state_->location.render());
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

logging::echo_mode engine::echo() const noexcept { return state_->echo; }
const std::shared_ptr<logging::sink>& engine::sink() const noexcept { return state_->sink; }

void engine::record_queries(bool on) noexcept { state_->recording.store(on, std::memory_order_relaxed); }
bool engine::records_queries() const noexcept { return state_->recording.load(std::memory_order_relaxed); }

std::vector<query_record> engine::recorded_queries() const {
  std::lock_guard lock(state_->records_mutex);
  return state_->records;
}

void engine::clear_recorded_queries() {
  std::lock_guard lock(state_->records_mutex);
  state_->records.clear();
}

void engine::dispose() { state_->pool->dispose(); }

const std::string& engine::cached_text(const statement_shape& shape, util::function_ref<std::string()> compile) {
  auto& st = *state_;
  {
    std::lock_guard lock(st.texts_mutex);
    if (auto it = st.texts.find(shape); it != st.texts.end()) return it->second;
  }
  auto text = compile();  // outside the lock: two threads may both compile it once; the first one stays
  std::lock_guard lock(st.texts_mutex);
  return st.texts.try_emplace(shape, std::move(text)).first->second;
}

}  // namespace retort::engine
