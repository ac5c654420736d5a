// Loader-test helpers: a fixture with a small graph of every relationship
// kind, and a text form of the graph reached from the writers, so that every
// strategy can be checked to build the same objects.
#pragma once

#include <string>
#include <vector>

#include "support/loader_models.hpp"
#include "support/orm_fixture.hpp"

namespace retort::testing {

class loader_test : public orm_test {
 protected:
  /// ann: stories a1 (topics x, y; remarks r1, r2) and a2 (topic y), bio "ann's";
  /// bob: story b1 (remark r3); cy: nothing. Committed, in a session of its own.
  void seed() {
    using namespace loaders;
    auto s = session();
    auto x = retort::make(Topic{.label = "x"});
    auto y = retort::make(Topic{.label = "y"});
    auto ann = s.add(Writer{.name = "ann"});
    auto a1 = ann->stories.add(Story{.title = "a1"});
    auto a2 = ann->stories.add(Story{.title = "a2"});
    a1->topics.add(x);
    a1->topics.add(y);
    a2->topics.add(y);
    a1->remarks.add(Remark{.text = "r1"});
    a1->remarks.add(Remark{.text = "r2"});
    ann->bio = retort::make(Bio{.text = "ann's"});
    auto bob = s.add(Writer{.name = "bob"});
    auto b1 = bob->stories.add(Story{.title = "b1"});
    b1->remarks.add(Remark{.text = "r3"});
    s.add(Writer{.name = "cy"});
    s.commit();
  }
};

/// "ann[bio=ann's; a1{x,y}(r1,r2) a2{y}()] bob[bio=-; b1{}(r3)] cy[bio=-; ]", each story's writer checked to be its writer.
inline std::string describe_graph(std::vector<retort::ptr<loaders::Writer>>& writers) {
  std::string out;
  for (auto& w : writers) {
    out += w->name + "[bio=" + (w->bio ? w->bio->text : std::string("-")) + ";";
    for (auto& st : w->stories) {
      out += " " + st.title + (st.writer.get() == w ? "" : "(wrong writer)") + "{";
      bool first = true;
      for (auto& t : st.topics) {
        out += (first ? "" : ",") + t.label;
        first = false;
      }
      out += "}(";
      first = true;
      for (auto& r : st.remarks) {
        out += (first ? "" : ",") + r.text;
        first = false;
      }
      out += ")";
    }
    out += "] ";
  }
  return out;
}

}  // namespace retort::testing
