// Logging: where the engine's echo goes. A sink is the application's choice
// (a plain stderr one by default, spdlog through retort/engine/spdlog_sink.hpp);
// the engine calls it from whichever thread runs the statement.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace retort::logging {

/// Python's logging levels, with their numbers: SQLAlchemy logs statements at
/// info (`echo=True`) and result rows at debug (`echo="debug"`).
enum class level : std::uint8_t { debug = 10, info = 20, warning = 30, error = 40 };

/// "debug", "info", "warning", "error".
std::string_view name(level l) noexcept;

/// Receives the engine's log messages: one line each, no trailing newline.
/// Implementations must be thread-safe (a pool's connections run on many
/// threads) and must not throw.
class sink {
 public:
  virtual ~sink() = default;
  /// Whether a message at `l` would be kept; the engine asks before it builds
  /// one (spdlog's should_log). Default: everything is kept.
  virtual bool enabled(level l) const noexcept;
  virtual void write(level l, std::string_view message) noexcept = 0;
};

/// The default: each message on its own line of std::clog (stderr), as
/// "[retort] <message>", whole lines even from several threads.
std::shared_ptr<sink> stderr_sink();

/// How much the engine logs: SQLAlchemy's `echo`. Off by default; `true` is
/// info (every statement with its parameters, and transaction control);
/// `"debug"` (or level::debug) also logs each result's columns and rows.
///
///     retort::engine::engine e(url, {.echo = true});
///     retort::engine::engine e(url, {.echo = "debug", .sink = retort::spdlog_sink(logger)});
class echo_mode {
 public:
  constexpr echo_mode() = default;
  constexpr echo_mode(bool on) : on_(on) {}  // NOLINT: `.echo = true`, as SQLAlchemy's echo=True
  constexpr echo_mode(level l) : on_(true), level_(l) {}  // NOLINT
  /// "debug", "info", "true", "1" are on; "false", "0", "" and nullptr are off;
  /// anything else raises ArgumentError.
  echo_mode(const char* text);  // NOLINT: `.echo = "debug"`, as SQLAlchemy's echo="debug"

  constexpr bool on() const noexcept { return on_; }
  /// The least severe level logged (meaningful when on()).
  constexpr logging::level threshold() const noexcept { return level_; }
  /// Whether a message at `l` is logged.
  constexpr bool logs(logging::level l) const noexcept { return on_ && l >= level_; }
  constexpr bool operator==(const echo_mode&) const = default;

 private:
  bool on_ = false;
  logging::level level_ = level::info;
};

}  // namespace retort::logging
