// The default stderr sink and the parsing of `echo` values; the engine's
// messages themselves are built in engine.cpp and connection.cpp.
#include "retort/engine/log.hpp"

#include <iostream>
#include <mutex>
#include <string>

#include "retort/util/error.hpp"

namespace retort::logging {

std::string_view name(level l) noexcept {
  switch (l) {
    case level::debug: return "debug";
    case level::info: return "info";
    case level::warning: return "warning";
    case level::error: return "error";
  }
  return "unknown";
}

bool sink::enabled(level) const noexcept { return true; }

namespace {

class stderr_sink_impl final : public sink {
 public:
  void write(level, std::string_view message) noexcept override {
    // One string, one write, under a lock: lines from two threads never interleave.
    try {
      std::string line;
      line.reserve(message.size() + 10);
      line.append("[retort] ").append(message).push_back('\n');
      std::lock_guard lock(mutex_);
      std::clog.write(line.data(), static_cast<std::streamsize>(line.size()));
    } catch (...) {
      // Out of memory or a throwing stream: a log line is not worth the statement.
    }
  }

 private:
  std::mutex mutex_;
};

}  // namespace

std::shared_ptr<sink> stderr_sink() {
  static const auto shared = std::make_shared<stderr_sink_impl>();
  return shared;
}

echo_mode::echo_mode(const char* text) {
  std::string_view v = text ? text : "";
  if (v == "debug") {
    on_ = true;
    level_ = level::debug;
  } else if (v == "info" || v == "true" || v == "1") {
    on_ = true;
  } else if (!(v.empty() || v == "false" || v == "0")) {
    throw ArgumentError("echo='" + std::string(v) + "' is not true, false, 1, 0, info or debug");
  }
}

}  // namespace retort::logging
