// Fuzz target: engine::url::parse on arbitrary bytes. Only retort::Error may
// escape parse(); a URL that parses renders (password shown) to text that
// parses back to the same parts, and the hidden-password rendering parses too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "retort/engine/url.hpp"
#include "retort/util/error.hpp"

namespace {

using retort::engine::url;

[[noreturn]] void finding(const char* what, std::string_view input, const std::string& rendered) {
  std::fprintf(stderr, "fuzz_url: %s\n  input:    %.*s\n  rendered: %s\n", what, static_cast<int>(input.size()),
               input.data(), rendered.c_str());
  std::abort();
}

bool same_parts(const url& a, const url& b) {
  return a.backend() == b.backend() && a.driver() == b.driver() && a.username() == b.username() &&
         a.password() == b.password() && a.host() == b.host() && a.port() == b.port() &&
         a.database() == b.database() && a.query() == b.query();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  url u;
  try {
    u = url::parse(text);
  } catch (const retort::Error&) {
    return 0;  // refused, with a message: fine
  }
  std::string shown = u.render(false);
  try {
    if (!same_parts(u, url::parse(shown))) finding("render(false) parses back to different parts", text, shown);
  } catch (const retort::Error& e) {
    finding(e.what(), text, shown);
  }
  std::string hidden = u.render(true);
  try {
    (void)url::parse(hidden);
  } catch (const retort::Error& e) {
    finding(e.what(), text, hidden);
  }
  return 0;
}
