// Fuzz target: a revision file's text (migrate::parse_revision) on arbitrary
// bytes. Only retort::Error may escape; a file that parses writes text that
// parses back and writes the same again; its operations plan on both
// dialects against an empty schema, raising nothing but retort::Error.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/migrate/revision.hpp"
#include "retort/util/error.hpp"

namespace migrate = retort::migrate;

namespace {

[[noreturn]] void finding(const char* what, std::string_view input, const std::string& detail) {
  std::fprintf(stderr, "fuzz_revision: %s\n  input:\n%.*s\n  detail:\n%s\n", what, static_cast<int>(input.size()),
               input.data(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  migrate::revision r;
  try {
    r = migrate::parse_revision(text, "fuzz.migration");
  } catch (const retort::Error&) {
    return 0;  // refused, with a message naming the line: fine
  }
  std::string written = migrate::write_revision(r);
  try {
    auto again = migrate::write_revision(migrate::parse_revision(written, "written.migration"));
    if (again != written) finding("written text does not read back to the same", text, written + "\n---\n" + again);
  } catch (const retort::Error& e) {
    finding(e.what(), text, written);
  }
  static const retort::sqlite::dialect sqlite;
  static const retort::postgresql::dialect postgresql;
  for (const retort::sql::dialect* d : {static_cast<const retort::sql::dialect*>(&sqlite),
                                        static_cast<const retort::sql::dialect*>(&postgresql)}) {
    for (const auto* ops : {&r.upgrade, &r.downgrade}) {
      migrate::schema s;
      try {
        (void)migrate::plan_statements(*ops, *d, s);
      } catch (const retort::Error&) {
      }
    }
  }
  return 0;
}
