// Fuzz target: a whole request through retort::web's dispatch (no socket):
// the bytes are split into method, target, headers and body at '\n' (the
// headers' lines up to an empty one). The routes parse path arguments, the
// query string, forms, cookies and JSON. Whatever the input: no exception
// escapes, the status is a 2xx-4xx (a 500 here means parsing failed with
// something other than an HTTP error), and a JSON response (but HEAD's,
// which has no body) is valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "retort/web/app.hpp"

namespace {

namespace web = retort::web;

web::app& the_app() {
  static web::app* app = [] {
    auto* a = new web::app(web::app_config{.max_content_length = 4096});
    a->get("/users/<int:id>", [](web::request& r) { return web::response::json({{"id", r.arg<std::int64_t>("id")}}); });
    a->get("/tags/<name>", [](web::request& r) {
      return web::response::html("<p>" + web::html_escape(r.arg("name")) + " " + std::to_string(r.query_int("page", 1)) + "</p>");
    });
    a->get("/files/<path:rest>", [](web::request& r) { return web::response::text(r.arg("rest")); });
    a->route("/posts", {"GET", "POST"}, [](web::request& r) {
      if (r.method == "GET") return web::response::text(r.query("q").value_or(""));
      const auto title = r.required_form("title");
      return web::response::text(title + web::csrf_token(), 201);
    });
    a->post("/api/items", [](web::request& r) {
      const auto& j = r.json();
      if (!j.is_object() || !j.contains("name") || !j["name"].is_string()) web::bad_request("name", "must be a string");
      return web::response::json({{"name", j["name"]}, {"cookies", r.cookies.size()}}, 201);
    });
    return a;
  }();
  return *app;
}

[[noreturn]] void finding(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "fuzz_web_request: %s\n  input: %.*s\n  detail: %s\n", what, static_cast<int>(input.size()),
               input.data(), detail.c_str());
  std::abort();
}

std::string_view take_line(std::string_view& s) {
  const auto nl = s.find('\n');
  const auto line = s.substr(0, nl);
  s = nl == std::string_view::npos ? std::string_view{} : s.substr(nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto rest = input;
  const auto method = take_line(rest);
  const auto target = take_line(rest);
  web::headers headers;
  while (!rest.empty()) {
    const auto line = take_line(rest);
    if (line.empty()) break;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  web::response res;
  try {
    res = the_app().test_request(method, target, std::string(rest), headers);
  } catch (const std::exception& e) {
    finding("an exception escaped dispatch", input, e.what());
  }
  if (res.status < 200 || res.status >= 500) finding("status outside 2xx-4xx", input, std::to_string(res.status) + " " + res.body);
  if (method != "HEAD" && res.content_type == "application/json" && !nlohmann::json::accept(res.body))
    finding("a JSON response is not JSON", input, res.body);
  return 0;
}
