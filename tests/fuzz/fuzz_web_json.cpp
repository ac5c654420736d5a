// Fuzz target: JSON input bound onto a model (retort::web::from_json), as an
// API handler does with a request body. Whatever the bytes: only
// http_error (a 400 naming a field, or the body's parse error) may escape;
// what binds serializes back (to_json) to JSON whose bound fields are equal.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "retort/retort.hpp"
#include "retort/web/json.hpp"

struct FuzzThing {
  int id = 0;
  std::string name;
  std::optional<std::string> note;
  bool flag = false;
  double score = 0;
  std::int64_t big = 0;
  std::optional<retort::date_time> when;
};

template <>
inline constexpr auto retort::mapping<FuzzThing> = retort::model(
    retort::column<&FuzzThing::id>(retort::primary_key), retort::column<&FuzzThing::name>(retort::String(10), retort::not_null),
    retort::column<&FuzzThing::note>(retort::Text), retort::column<&FuzzThing::flag>(),
    retort::column<&FuzzThing::score>(), retort::column<&FuzzThing::big>(), retort::column<&FuzzThing::when>());

namespace {

[[noreturn]] void finding(const char* what, const std::string& input, const std::string& detail) {
  std::fprintf(stderr, "fuzz_web_json: %s\n  input: %s\n  detail: %s\n", what, input.c_str(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(input);
  } catch (const nlohmann::json::exception&) {
    return 0;  // request::json() answers this with a 400
  }
  FuzzThing t;
  const bool partial = size % 2 == 0;
  try {
    retort::web::from_json(j, t,
                           retort::web::fields<&FuzzThing::name, &FuzzThing::note, &FuzzThing::flag, &FuzzThing::score,
                                               &FuzzThing::big, &FuzzThing::when>,
                           partial);
  } catch (const retort::web::http_error& e) {
    if (e.status() != 400) finding("a status other than 400", input, e.what());
    return 0;
  } catch (const std::exception& e) {
    finding("an exception other than http_error", input, e.what());
  }
  const auto out = retort::web::to_json(retort::orm::make(std::move(t)));
  const auto text = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!nlohmann::json::accept(text)) finding("to_json gave invalid JSON", input, text);
  for (const char* k : {"name", "flag", "big"})
    if (j.contains(k) && out[k] != j[k]) finding("a bound field reads back differently", input, std::string(k) + ": " + text);
  return 0;
}
