// Parsing of compiler-generated function signatures (g++ and clang spell them
// differently: "[with T = ns::User; ...]" versus "[T = ns::User]").
#include "retort/util/names.hpp"

#include <cctype>

namespace retort::util {

namespace {

std::string_view template_argument(std::string_view pretty, std::string_view param) {
  std::string key = std::string(param) + " = ";
  auto pos = pretty.find(key);
  if (pos == std::string_view::npos) return pretty;
  auto start = pos + key.size();
  auto end = pretty.find_first_of(";]", start);
  return pretty.substr(start, end - start);
}

std::string_view unqualified(std::string_view name) {
  // Strip template arguments' influence: take the part after the last "::"
  // that is not inside angle brackets.
  int depth = 0;
  std::size_t cut = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '<') ++depth;
    if (c == '>') --depth;
    if (depth == 0 && c == ':' && i + 1 < name.size() && name[i + 1] == ':') cut = i + 2;
  }
  return name.substr(cut);
}

}  // namespace

std::string_view parse_type_name(std::string_view pretty) {
  auto arg = template_argument(pretty, "T");
  if (arg.starts_with("struct ")) arg.remove_prefix(7);
  if (arg.starts_with("class ")) arg.remove_prefix(6);
  return unqualified(arg);
}

std::string_view parse_member_name(std::string_view pretty) {
  auto arg = template_argument(pretty, "M");
  auto pos = arg.rfind("::");
  return pos == std::string_view::npos ? arg : arg.substr(pos + 2);
}

std::string snake_case(std::string_view name) {
  name = unqualified(name);
  std::string out;
  out.reserve(name.size() + 4);
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (std::isupper(c)) {
      bool prev_lower = i > 0 && (std::islower(static_cast<unsigned char>(name[i - 1])) ||
                                  std::isdigit(static_cast<unsigned char>(name[i - 1])));
      bool next_lower = i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1]));
      bool prev_upper = i > 0 && std::isupper(static_cast<unsigned char>(name[i - 1]));
      if (!out.empty() && out.back() != '_' && (prev_lower || (prev_upper && next_lower))) out += '_';
      out += static_cast<char>(std::tolower(c));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace retort::util
