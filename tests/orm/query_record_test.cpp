// The query record (Flask-SQLAlchemy's get_recorded_queries) and the N+1
// warning, on both databases: what is recorded (statement, parameters, times,
// the caller's location, the cause) and when; the warning's threshold, hook,
// names and default log line.
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "support/loader_models.hpp"
#include "support/orm_fixture.hpp"

namespace {

using loaders::Story;
using loaders::Writer;
using retort::col;
using retort::engine::query_record;
using retort::logging::level;

/// Keeps every log message (as tests/engine/log_test.cpp's).
class capture_sink : public retort::logging::sink {
 public:
  void write(level l, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines.emplace_back(l, std::string(message));
  }
  std::vector<std::pair<level, std::string>> lines;

 private:
  std::mutex mutex_;
};

class query_record_test : public retort::testing::orm_test {
 protected:
  /// `n` writers, each with one story, committed in a session of their own.
  void seed(int n) {
    auto s = session();
    for (int i = 1; i <= n; ++i) {
      auto w = s.add(Writer{.name = "w" + std::to_string(i)});
      w->stories.add(Story{.title = "s" + std::to_string(i)});
    }
    s.commit();
  }
  /// The records' causes, in order.
  static std::vector<std::string> causes(const std::vector<query_record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.cause);
    return out;
  }
  /// A session whose N+1 reports land in `reports`.
  retort::session reporting_session(std::vector<retort::n_plus_one_report>& reports, std::size_t threshold = 10) {
    return db().session({.n_plus_one_threshold = threshold,
                         .on_n_plus_one = [&reports](const retort::n_plus_one_report& r) { reports.push_back(r); }});
  }
  /// One lazy load of Writer.stories per writer, each writer from its own get()
  /// (a one-row result, which no batching of a multi-row result would cover).
  static void touch_stories(retort::session& s, int from, int to) {
    for (int id = from; id <= to; ++id) {
      auto w = s.get<Writer>(id);
      ASSERT_TRUE(w);
      EXPECT_EQ(w->stories.size(), 1u);
    }
  }
};
RETORT_ORM_SUITE(query_record_test);

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

TEST_P(query_record_test, recording_off_records_nothing) {
  seed(2);
  auto s = session();
  auto writers = s.query<Writer>().all();
  ASSERT_EQ(writers.size(), 2u);
  EXPECT_EQ(writers[0]->stories.size(), 1u);
  s.add(Writer{.name = "new"});
  s.commit();
  EXPECT_FALSE(db().engine().records_queries());
  EXPECT_TRUE(retort::recorded_queries(s).empty());
  EXPECT_TRUE(retort::recorded_queries(db().engine()).empty());
}

TEST_P(query_record_test, records_statement_parameters_duration_and_the_callers_location) {
  seed(2);
  db().engine().record_queries(true);
  auto s = session();
  const auto line = __LINE__ + 1;
  auto found = s.query<Writer>().where(col<&Writer::name> == "w2").all();
  ASSERT_EQ(found.size(), 1u);
  auto records = retort::recorded_queries(s);
  ASSERT_EQ(records.size(), 1u) << "BEGIN is not recorded";
  const auto& r = records[0];
  EXPECT_EQ(r.sql, "SELECT writer.id, writer.name FROM writer WHERE writer.name = " + std::string(postgres() ? "$1" : "?"));
  ASSERT_EQ(r.params.size(), 1u);
  EXPECT_EQ(r.params[0].as_string(), "w2");
  EXPECT_EQ(r.batch, 1u);
  EXPECT_GE(r.duration.count(), 0);
  EXPECT_EQ(r.duration, r.end - r.start);
  EXPECT_TRUE(ends_with(r.where.file_name(), "query_record_test.cpp")) << r.where.file_name();
  EXPECT_EQ(r.where.line(), static_cast<std::uint_least32_t>(line));
  EXPECT_EQ(r.location.find(r.where.file_name() + (":" + std::to_string(line))), 0u) << r.location;
  EXPECT_EQ(r.cause, "query<Writer>.all");
  // The engine keeps its own record of the same statement.
  auto on_engine = retort::recorded_queries(db().engine());
  ASSERT_EQ(on_engine.size(), 1u);
  EXPECT_EQ(on_engine[0].sql, r.sql);
  EXPECT_EQ(on_engine[0].where.line(), r.where.line());
  db().engine().clear_recorded_queries();
  EXPECT_TRUE(retort::recorded_queries(db().engine()).empty());
  s.clear_recorded_queries();
  EXPECT_TRUE(retort::recorded_queries(s).empty());
}

TEST_P(query_record_test, each_entry_point_names_its_call_and_location) {
  seed(2);
  auto s = db().session({.record_queries = true});  // the session alone records
  const auto get_line = __LINE__ + 1;
  auto w = s.get<Writer>(1);
  const auto count_line = __LINE__ + 1;
  EXPECT_EQ(s.query<Writer>().count(), 2);
  const auto first_line = __LINE__ + 1;
  EXPECT_TRUE(s.query<Writer>().first());
  w->name = "renamed";
  const auto flush_line = __LINE__ + 1;
  s.flush();
  s.add(Writer{.name = "third"});
  const auto commit_line = __LINE__ + 1;
  s.commit();
  auto records = retort::recorded_queries(s);
  EXPECT_EQ(causes(records), (std::vector<std::string>{"session.get<Writer>", "query<Writer>.count", "query<Writer>.first",
                                                       "flush", "flush"}));
  ASSERT_EQ(records.size(), 5u);
  std::vector<std::uint_least32_t> lines;
  for (const auto& r : records) lines.push_back(r.where.line());
  EXPECT_EQ(lines, (std::vector<std::uint_least32_t>{get_line, count_line, first_line, flush_line, commit_line}));
  EXPECT_EQ(records[3].sql.rfind("UPDATE writer SET name", 0), 0u) << records[3].sql;
  EXPECT_EQ(records[4].sql.rfind("INSERT INTO writer", 0), 0u) << records[4].sql;
  EXPECT_TRUE(retort::recorded_queries(db().engine()).empty()) << "the engine does not record";
}

TEST_P(query_record_test, a_lazy_load_is_caused_by_its_relationship) {
  seed(2);
  db().engine().record_queries(true);
  auto s = session();
  auto w = s.get<Writer>(1);
  s.clear_recorded_queries();
  EXPECT_EQ(w->stories.size(), 1u);
  auto records = retort::recorded_queries(s);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cause, "Writer.stories (lazy load)");
  EXPECT_EQ(records[0].sql.rfind("SELECT story.id", 0), 0u) << records[0].sql;
  ASSERT_EQ(records[0].params.size(), 1u);
  EXPECT_EQ(records[0].params[0].as_int(), 1);
  EXPECT_EQ(records[0].location, "") << "touched outside any call with a location";
}

TEST_P(query_record_test, a_selectin_load_is_caused_by_its_relationship_at_the_querys_location) {
  seed(3);
  db().engine().record_queries(true);
  auto s = session();
  const auto line = __LINE__ + 1;
  auto writers = s.query<Writer>().options(retort::selectinload<&Writer::stories>()).all();
  ASSERT_EQ(writers.size(), 3u);
  auto records = retort::recorded_queries(s);
  EXPECT_EQ(causes(records), (std::vector<std::string>{"query<Writer>.all", "Writer.stories (selectin)"}));
  ASSERT_EQ(records.size(), 2u);
  EXPECT_NE(records[1].sql.find(" IN ("), std::string::npos) << records[1].sql;
  EXPECT_EQ(records[1].params.size(), 3u);
  EXPECT_EQ(records[1].where.line(), static_cast<std::uint_least32_t>(line));
}

TEST_P(query_record_test, n_plus_one_is_reported_once_past_the_threshold) {
  seed(12);
  std::vector<retort::n_plus_one_report> reports;
  auto s = reporting_session(reports);
  touch_stories(s, 1, 10);
  EXPECT_TRUE(reports.empty()) << "10 parents is the threshold, not past it";
  touch_stories(s, 11, 11);
  ASSERT_EQ(reports.size(), 1u);
  const auto& r = reports[0];
  EXPECT_EQ(r.relationship, "Writer.stories");
  EXPECT_EQ(r.parent_class, "Writer");
  EXPECT_EQ(r.attribute, "stories");
  EXPECT_EQ(r.parents, 11u);
  EXPECT_EQ(r.threshold, 10u);
  EXPECT_NE(r.message.find("Writer.stories"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("11 Writer objects"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("selectinload<&Writer::stories>"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("joinedload<&Writer::stories>"), std::string::npos) << r.message;
  touch_stories(s, 12, 12);
  EXPECT_EQ(reports.size(), 1u) << "once per relationship per session";
}

TEST_P(query_record_test, the_threshold_is_configurable_and_counts_start_again_at_commit) {
  seed(8);
  std::vector<retort::n_plus_one_report> reports;
  auto s = reporting_session(reports, 3);
  touch_stories(s, 1, 3);
  s.commit();  // expires everything and starts a new count
  touch_stories(s, 4, 6);
  EXPECT_TRUE(reports.empty());
  touch_stories(s, 7, 7);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].parents, 4u);
  // Loads that need no SQL (the writer of a story, already in the identity map) are not counted.
  std::vector<retort::n_plus_one_report> none;
  auto t = reporting_session(none, 1);
  auto stories = t.query<Story>().all();
  t.query<Writer>().all();
  for (auto& st : stories) EXPECT_TRUE(st->writer);
  EXPECT_TRUE(none.empty());
}

TEST_P(query_record_test, no_n_plus_one_with_selectinload) {
  seed(12);
  std::vector<retort::n_plus_one_report> reports;
  auto s = reporting_session(reports, 2);
  auto& rec = record();
  auto writers = s.query<Writer>().options(retort::selectinload<&Writer::stories>()).all();
  for (auto& w : writers) EXPECT_EQ(w->stories.size(), 1u);
  EXPECT_EQ(rec.count(), 2u);
  EXPECT_TRUE(reports.empty());
}

TEST_P(query_record_test, the_default_n_plus_one_hook_logs_a_warning_through_the_engines_sink) {
  seed(11);
  auto sink = std::make_shared<capture_sink>();
  retort::database logged(url_, {.sink = sink});  // echo off: only the warning is logged
  auto s = logged.session();
  touch_stories(s, 1, 11);
  ASSERT_EQ(sink->lines.size(), 1u);
  EXPECT_EQ(sink->lines[0].first, level::warning);
  const auto& text = sink->lines[0].second;
  EXPECT_EQ(text.rfind("N+1 queries: Writer.stories was lazy-loaded", 0), 0u) << text;
  EXPECT_NE(text.find("11 Writer objects"), std::string::npos) << text;
  EXPECT_NE(text.find("selectinload<&Writer::stories>"), std::string::npos) << text;
  // A threshold of 0 switches the warning off.
  auto quiet = logged.session({.n_plus_one_threshold = 0});
  touch_stories(quiet, 1, 11);
  EXPECT_EQ(sink->lines.size(), 1u);
}

}  // namespace
