// The hand-written sides' rows (raw_sqlite.cpp, raw_postgresql.cpp): plain
// structs with std::strings, held until a workload returns, as the ORM side
// holds its objects.
#pragma once

#include <string>
#include <vector>

namespace bench::raw {

struct tag_row {
  long id;
  std::string name;
};

struct post_row {
  long id;
  std::string title, content;
  long user_id;
  std::vector<const tag_row*> tags{};
};

struct user_row {
  long id;
  std::string username;
  std::vector<post_row> posts{};
};

struct title_row {
  long id;
  std::string title;
};

}  // namespace bench::raw
