// Echo through a logging sink on both databases: what SQLAlchemy's echo=True
// and echo="debug" log, hide_parameters, long values shortened, passwords
// masked, and the stderr default.
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "retort/engine/connection.hpp"
#include "retort/engine/log.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/util/error.hpp"
#include "support/backend.hpp"

namespace {

using retort::logging::level;
using retort::testing::backend;
namespace sql = retort::sql;

/// Keeps every message, and refuses those below `min` (as a logger's level would).
class capture_sink : public retort::logging::sink {
 public:
  explicit capture_sink(level min = level::debug) : min_(min) {}
  bool enabled(level l) const noexcept override { return l >= min_; }
  void write(level l, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    lines.emplace_back(l, std::string(message));
  }
  std::vector<std::string> at(level l) const {
    std::vector<std::string> out;
    for (const auto& [lv, text] : lines)
      if (lv == l) out.push_back(text);
    return out;
  }
  std::vector<std::pair<level, std::string>> lines;

 private:
  level min_;
  std::mutex mutex_;
};

class log_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    retort::engine::engine setup(url_);
    auto c = setup.connect();
    c.execute_ddl("CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(400) NOT NULL)");
    c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "alice"}).row({2, "bob"}));
  }
  bool postgres() const { return GetParam() == backend::postgres; }
  std::string p(int n) const { return postgres() ? "$" + std::to_string(n) : "?"; }
  std::string url_;
};
INSTANTIATE_TEST_SUITE_P(, log_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

auto parent_id = sql::column_ref<int>("parent", "id");
auto parent_name = sql::column_ref<std::string>("parent", "name");

TEST_P(log_test, echo_true_logs_statements_with_parameters_at_info) {
  auto sink = std::make_shared<capture_sink>();
  retort::engine::engine e(url_, {.echo = true, .sink = sink});
  auto c = e.connect();
  auto tx = c.begin();
  auto r = c.execute(sql::select({parent_name}).from("parent").where(parent_id == 1));
  c.execute_many("UPDATE parent SET name = " + p(1) + " WHERE id = " + p(2), {{"a", 1}, {"b", 2}});
  tx.commit();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(sink->at(level::info),
            (std::vector<std::string>{"BEGIN", "SELECT parent.name FROM parent WHERE parent.id = " + p(1) + "  (1)",
                                      "UPDATE parent SET name = " + p(1) + " WHERE id = " + p(2) + "  ('a', 1)  [x2]",
                                      "COMMIT"}));
  EXPECT_TRUE(sink->at(level::debug).empty()) << "echo=true logs no rows";
  EXPECT_TRUE(e.echo().logs(level::info));
  EXPECT_FALSE(e.echo().logs(level::debug));
}

TEST_P(log_test, echo_debug_also_logs_columns_and_rows) {
  auto sink = std::make_shared<capture_sink>();
  retort::engine::engine e(url_, {.echo = "debug", .sink = sink});
  auto c = e.connect();
  c.execute(sql::select({parent_id, parent_name}).from("parent").order_by(parent_id));
  c.execute(sql::update("parent").set("name", sql::value("z")).where(parent_id == 2));  // no result set: no Col
  auto debug = sink->at(level::debug);
  ASSERT_FALSE(debug.empty());
  EXPECT_EQ(debug.front().rfind("connect " + std::string(postgres() ? "postgresql://" : "sqlite://"), 0), 0u)
      << debug.front();  // a new pooled connection, its URL as render() shows it
  debug.erase(debug.begin());
  EXPECT_EQ(debug, (std::vector<std::string>{"Col ('id', 'name')", "Row (1, 'alice')", "Row (2, 'bob')"}));
  EXPECT_EQ(sink->at(level::info).size(), 2u);
}

TEST_P(log_test, echo_off_logs_nothing_even_with_a_sink) {
  auto sink = std::make_shared<capture_sink>();
  retort::engine::engine e(url_, {.sink = sink});
  e.connect().execute(sql::select({parent_name}).from("parent"));
  EXPECT_TRUE(sink->lines.empty());
  EXPECT_FALSE(e.echo().on());
  EXPECT_EQ(e.sink(), sink);
}

TEST_P(log_test, the_sink_level_filters_before_messages_are_built) {
  auto sink = std::make_shared<capture_sink>(level::warning);  // a logger set to warning
  retort::engine::engine e(url_, {.echo = "debug", .sink = sink});
  e.connect().execute(sql::select({parent_name}).from("parent"));
  EXPECT_TRUE(sink->lines.empty());
}

TEST_P(log_test, url_option_echo_debug_turns_on_debug) {
  auto sink = std::make_shared<capture_sink>();
  auto sep = url_.find('?') == std::string::npos ? "?" : "&";
  retort::engine::engine e(url_ + sep + "echo=debug", {.sink = sink});
  e.connect().execute(sql::select({parent_id}).from("parent").where(parent_id == 1));
  EXPECT_EQ(sink->at(level::debug).back(), "Row (1)");
  try {
    retort::engine::engine bad(url_ + sep + "echo=loud");
    FAIL();
  } catch (const retort::ArgumentError& err) {
    EXPECT_NE(std::string(err.what()).find("echo='loud' is not true, false, 1, 0, info or debug"), std::string::npos)
        << err.what();
  }
}

TEST_P(log_test, hide_parameters_keeps_values_out_of_the_log) {
  auto sink = std::make_shared<capture_sink>();
  retort::engine::engine e(url_, {.echo = "debug", .sink = sink, .hide_parameters = true});
  e.connect().execute(sql::select({parent_name}).from("parent").where(parent_name == "alice"));
  for (const auto& [_, text] : sink->lines) EXPECT_EQ(text.find("alice"), std::string::npos) << text;
  EXPECT_EQ(sink->at(level::info).front(), "SELECT parent.name FROM parent WHERE parent.name = " + p(1) +
                                               "  [SQL parameters hidden due to hide_parameters=True]");
  EXPECT_EQ(sink->at(level::debug).back(), "Row [hidden due to hide_parameters=True]");
}

TEST_P(log_test, long_values_are_shortened_in_the_middle) {
  auto sink = std::make_shared<capture_sink>();
  retort::engine::engine e(url_, {.echo = true, .sink = sink});
  std::string name = std::string(200, 'a') + std::string(200, 'b');
  e.connect().execute(sql::update("parent").set("name", sql::value(name)).where(parent_id == 1));
  auto line = sink->at(level::info).front();
  // repr is 402 characters with the quotes: 150 kept at each end, 102 left out.
  EXPECT_NE(line.find("('" + std::string(149, 'a') + " ... (102 characters truncated) ... " + std::string(149, 'b') +
                      "', 1)"),
            std::string::npos)
      << line;
}

TEST_P(log_test, connect_lines_mask_the_password) {
  if (!postgres()) GTEST_SKIP() << "SQLite URLs have no password";
  // The test server trusts local connections, so any password connects.
  auto at = url_.find('@');
  ASSERT_NE(at, std::string::npos) << url_;
  auto with_password = url_.substr(0, at) + ":hunter2" + url_.substr(at);
  auto sink = std::make_shared<capture_sink>();
  retort::engine::engine e(with_password, {.echo = "debug", .sink = sink});
  e.connect().execute("SELECT 1");
  ASSERT_FALSE(sink->lines.empty());
  EXPECT_EQ(sink->lines.front().second.rfind("connect postgresql://", 0), 0u) << sink->lines.front().second;
  for (const auto& [_, text] : sink->lines) EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
  EXPECT_NE(sink->lines.front().second.find(":***@"), std::string::npos) << sink->lines.front().second;
}

TEST_P(log_test, the_default_sink_writes_prefixed_lines_to_clog) {
  retort::engine::engine e(url_, {.echo = "debug"});
  auto c = e.connect();
  std::ostringstream out;
  auto* old = std::clog.rdbuf(out.rdbuf());
  c.execute(sql::select({parent_name}).from("parent").where(parent_id == 2));
  std::clog.rdbuf(old);
  EXPECT_EQ(out.str(), "[retort] SELECT parent.name FROM parent WHERE parent.id = " + p(1) +
                           "  (2)\n[retort] Col ('name')\n[retort] Row ('bob')\n");
}

TEST(log, echo_mode_parses_what_sqlalchemy_accepts) {
  using retort::logging::echo_mode;
  EXPECT_FALSE(echo_mode().on());
  EXPECT_FALSE(echo_mode(false).on());
  EXPECT_EQ(echo_mode(true).threshold(), level::info);
  EXPECT_EQ(echo_mode("debug").threshold(), level::debug);
  EXPECT_TRUE(echo_mode("debug").logs(level::debug));
  EXPECT_EQ(echo_mode("info"), echo_mode(true));
  EXPECT_EQ(echo_mode("1"), echo_mode(true));
  EXPECT_EQ(echo_mode("0"), echo_mode(false));
  EXPECT_EQ(echo_mode(static_cast<const char*>(nullptr)), echo_mode(false));  // std::getenv of an unset variable
  EXPECT_EQ(echo_mode(level::warning).threshold(), level::warning);
  EXPECT_THROW(echo_mode("verbose"), retort::ArgumentError);
  EXPECT_EQ(retort::logging::name(level::warning), "warning");
}

TEST(log, describe_shows_a_statement_with_its_parameters) {
  sql::compiled c{"SELECT 1 WHERE x = ? AND y = ?", {sql::value("it's"), sql::value()}};
  EXPECT_EQ(sql::describe(c), "SELECT 1 WHERE x = ? AND y = ?  ('it's', NULL)");
  EXPECT_EQ(sql::describe(sql::compiled{"SELECT 1", {}}), "SELECT 1");
  // A cut never splits a UTF-8 character: 'é' is two bytes.
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "\xc3\xa9";
  auto shown = sql::describe_params(std::vector<sql::value>{sql::value(long_text)});
  EXPECT_NE(shown.find(" ... (51 characters truncated) ... "), std::string::npos) << shown;  // 102 bytes
}

}  // namespace
