// Mustache templates (Flask's render_template, with Jinja's autoescaping):
// `{{name}}` is HTML-escaped, `{{{name}}}` is not, `{{> partial}}` includes
// another template of the same folder. The context is JSON, so to_json(...)
// of models feeds a page directly. Rendering is kainjow mustache
// (src/web/templates.cpp); templates are read once and cached.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace retort::web {

class templates {
 public:
  /// Templates are `<folder>/<name>.mustache`.
  explicit templates(std::filesystem::path folder);
  ~templates();
  templates(const templates&) = delete;
  templates& operator=(const templates&) = delete;

  /// Renders a template; a missing template or a syntax error in one is a
  /// ConfigurationError naming the file (a 500, its details only in the log).
  std::string render(std::string_view name, const nlohmann::json& context) const;
  /// Renders template text given inline.
  static std::string render_string(std::string_view text, const nlohmann::json& context);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace retort::web
