// retort::source_location: std::source_location where the standard library
// has it, else a look-alike built on the compilers' __builtin_FILE / LINE /
// FUNCTION (clang 14 with libstdc++ 12 has no std::source_location). Public
// ORM calls take one as a defaulted argument, for the query record.
#pragma once

#include <cstdint>
#include <version>

#if defined(__cpp_lib_source_location)
#include <source_location>
#endif

namespace retort {

#if defined(__cpp_lib_source_location)
using source_location = std::source_location;
#else
/// The members of std::source_location that Retort uses; column() is 0.
class source_location {
 public:
  constexpr source_location() noexcept = default;
  static constexpr source_location current(const char* file = __builtin_FILE(),
                                           const char* function = __builtin_FUNCTION(),
                                           std::uint_least32_t line = __builtin_LINE()) noexcept {
    source_location l;
    l.file_ = file;
    l.function_ = function;
    l.line_ = line;
    return l;
  }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr std::uint_least32_t line() const noexcept { return line_; }
  constexpr std::uint_least32_t column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  std::uint_least32_t line_ = 0;
};
#endif

}  // namespace retort
