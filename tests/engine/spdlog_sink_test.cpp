// The spdlog adapter (retort/engine/spdlog_sink.hpp): echo through an spdlog
// logger, whose level filters, on both databases.
#include <memory>
#include <sstream>
#include <string>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include "retort/engine/connection.hpp"
#include "retort/engine/spdlog_sink.hpp"
#include "support/backend.hpp"

namespace {

using retort::testing::backend;
namespace sql = retort::sql;

class spdlog_sink_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    auto target = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    logger_ = std::make_shared<spdlog::logger>("retort.sql", target);
    logger_->set_pattern("%l %n %v");
  }
  std::string p1() const { return GetParam() == backend::postgres ? "$1" : "?"; }
  std::string url_;
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> logger_;
};
INSTANTIATE_TEST_SUITE_P(, spdlog_sink_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

TEST_P(spdlog_sink_test, statements_at_info_and_rows_at_debug) {
  logger_->set_level(spdlog::level::debug);
  retort::engine::engine e(url_, {.echo = "debug", .sink = retort::spdlog_sink(logger_)});
  auto x = sql::column_ref<int>("t", "x");
  auto c = e.connect();
  c.execute_ddl("CREATE TABLE t (x INTEGER)");
  c.execute(sql::insert("t").columns({"x"}).row({5}));
  out_.str("");
  c.execute(sql::select({x}).from("t").where(x == 5));
  logger_->flush();
  EXPECT_EQ(out_.str(), "info retort.sql SELECT t.x FROM t WHERE t.x = " + p1() +
                            "  (5)\ndebug retort.sql Col ('x')\ndebug retort.sql Row (5)\n");
}

TEST_P(spdlog_sink_test, the_logger_level_filters) {
  logger_->set_level(spdlog::level::info);  // spdlog's default: statements, no rows
  retort::engine::engine e(url_, {.echo = "debug", .sink = retort::spdlog_sink(logger_)});
  e.connect().execute("SELECT 1");
  logger_->flush();
  EXPECT_EQ(out_.str(), "info retort.sql SELECT 1\n");
  EXPECT_FALSE(e.sink()->enabled(retort::logging::level::debug));
}

TEST(spdlog_sink, a_null_logger_means_the_default_logger) {
  auto sink = retort::spdlog_sink();
  ASSERT_NE(sink, nullptr);
  EXPECT_EQ(sink->enabled(retort::logging::level::info), spdlog::default_logger()->should_log(spdlog::level::info));
}

}  // namespace
