// Mustache rendering with kainjow mustache: the JSON context becomes
// mustache data, partials come from the template folder, {{x}} is escaped.
#include "retort/web/templates.hpp"

#include <kainjow/mustache.hpp>

#include <fstream>
#include <sstream>

#include "retort/util/error.hpp"

namespace retort::web {

namespace km = kainjow::mustache;

namespace {

km::data to_data(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      km::data d(km::data::type::object);
      for (const auto& [k, v] : j.items()) d.set(k, to_data(v));
      return d;
    }
    case nlohmann::json::value_t::array: {
      km::data d(km::data::type::list);
      for (const auto& v : j) d.push_back(to_data(v));
      return d;
    }
    case nlohmann::json::value_t::string: return km::data(j.get<std::string>());
    case nlohmann::json::value_t::boolean: return km::data(j.get<bool>());
    // null is false in a section and empty text in a variable, as in Jinja's `{% if x %}`.
    case nlohmann::json::value_t::null: return km::data(false);
    default: return km::data(j.dump());
  }
}

/// The partials of a render: the folder's templates by name.
class folder_context : public km::context<std::string> {
 public:
  folder_context(const km::data* root, const std::map<std::string, std::string, std::less<>>& texts)
      : km::context<std::string>(root) {
    for (const auto& [name, text] : texts) partials_.emplace(name, km::data(text));
  }
  const km::data* get_partial(const std::string& name) const override {
    auto it = partials_.find(name);
    return it == partials_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, km::data, std::less<>> partials_;
};

std::string render_with(const std::string& text, const std::string& name, const nlohmann::json& context,
                        const std::map<std::string, std::string, std::less<>>* partials) {
  km::mustache tmpl(text);
  if (!tmpl.is_valid())
    throw ConfigurationError("retort::web::templates: " + name + ": " + tmpl.error_message());
  const auto data = to_data(context);
  std::string out;
  if (partials) {
    folder_context ctx(&data, *partials);
    out = tmpl.render(ctx);
  } else {
    out = tmpl.render(data);
  }
  if (!tmpl.is_valid()) throw ConfigurationError("retort::web::templates: " + name + ": " + tmpl.error_message());
  return out;
}

}  // namespace

struct templates::impl {
  std::filesystem::path folder;
  std::map<std::string, std::string, std::less<>> texts;  ///< every template, by name without .mustache
};

templates::templates(std::filesystem::path folder) : impl_(std::make_unique<impl>()) {
  impl_->folder = std::move(folder);
  std::error_code ec;
  if (!std::filesystem::is_directory(impl_->folder, ec))
    throw ConfigurationError("retort::web::templates: " + impl_->folder.string() + " is not a folder");
  for (const auto& entry : std::filesystem::directory_iterator(impl_->folder)) {
    if (entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    impl_->texts.emplace(entry.path().stem().string(), text.str());
  }
}

templates::~templates() = default;

std::string templates::render(std::string_view name, const nlohmann::json& context) const {
  auto it = impl_->texts.find(name);
  if (it == impl_->texts.end())
    throw ConfigurationError("retort::web::templates: no template " + std::string(name) + ".mustache in " +
                             impl_->folder.string());
  return render_with(it->second, it->first + ".mustache", context, &impl_->texts);
}

std::string templates::render_string(std::string_view text, const nlohmann::json& context) {
  return render_with(std::string(text), "(inline template)", context, nullptr);
}

}  // namespace retort::web
