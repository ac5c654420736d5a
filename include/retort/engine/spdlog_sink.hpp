// The spdlog adapter (libspdlog-dev): the engine's echo through an spdlog
// logger. Header-only and opt-in: only code that includes it needs spdlog
// (link spdlog::spdlog); the Retort libraries never do.
//
//     auto logger = spdlog::stdout_color_mt("sql");
//     retort::database db(url, {.echo = true, .sink = retort::spdlog_sink(logger)});
#pragma once

#include <memory>
#include <string_view>
#include <utility>

#include <spdlog/logger.h>
#include <spdlog/spdlog.h>

#include "retort/engine/log.hpp"

namespace retort {

namespace logging::detail {

constexpr spdlog::level::level_enum spdlog_level(level l) noexcept {
  switch (l) {
    case level::debug: return spdlog::level::debug;
    case level::info: return spdlog::level::info;
    case level::warning: return spdlog::level::warn;
    case level::error: return spdlog::level::err;
  }
  return spdlog::level::info;
}

class spdlog_adapter final : public sink {
 public:
  explicit spdlog_adapter(std::shared_ptr<spdlog::logger> logger) : logger_(std::move(logger)) {}
  bool enabled(level l) const noexcept override { return logger_->should_log(spdlog_level(l)); }
  void write(level l, std::string_view message) noexcept override {
    try {
      logger_->log(spdlog_level(l), spdlog::string_view_t(message.data(), message.size()));
    } catch (...) {
      // spdlog reports its own failures through its error handler; a log line
      // is not worth the statement.
    }
  }

 private:
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace logging::detail

/// A sink that writes to `logger` (spdlog's default logger when null): echo's
/// info lines at spdlog's info, debug rows at debug; the logger's own level and
/// sinks decide what is kept and where it goes (thread-safe with an `_mt` logger).
inline std::shared_ptr<logging::sink> spdlog_sink(std::shared_ptr<spdlog::logger> logger = nullptr) {
  if (!logger) logger = spdlog::default_logger();
  return std::make_shared<logging::detail::spdlog_adapter>(std::move(logger));
}

}  // namespace retort
