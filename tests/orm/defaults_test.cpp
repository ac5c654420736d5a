// Column defaults: default_ (value, callable, context-sensitive) applied once per
// row to unset members at INSERT, onupdate on each UPDATE of the row, server
// defaults read back with RETURNING (eager_defaults "auto" / true) or expired
// (false), server_onupdate columns fetched or expired after an UPDATE.
#include <cctype>
#include <chrono>
#include <optional>
#include <string>

#include "support/orm_fixture.hpp"

using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace dm {

inline int clock_calls = 0;
/// A clock the tests can predict: 2024-01-01 00:00:00 plus one second per call.
inline retort::date_time fake_now() {
  ++clock_calls;
  return retort::date_time(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}) + std::chrono::seconds(clock_calls);
}
inline retort::date_time at(int second) {
  return retort::date_time(std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}) + std::chrono::seconds(second);
}

struct Article {
  int id = 0;
  std::string title{};
  std::string status{};                           // default_("draft")
  std::string slug{};                             // default_ from the row's title (context-sensitive)
  retort::date_time created_at{};                 // default_(fake_now)
  std::optional<retort::date_time> updated_at{};  // onupdate(fake_now)
  int revision = 0;                               // default_(1), onupdate(revision + 1)
  std::string label{};                            // server_default 'new'
};

struct Gadget {
  int id = 0;
  int count = 0;               // default_(5): 0 is unset
  std::optional<int> level{};  // default_(3): nullopt is unset
  std::string kind = "plain";  // default_("fancy"): the member initializer's value is unset
  retort::date_time made{};    // default_(system_clock::now): truncated to microseconds
};

/// rev is bumped by a trigger on every UPDATE of the row (server_onupdate).
struct Ledger {
  int id = 0;
  int amount = 0;
  int rev = 0;
};
struct EagerLedger {
  int id = 0;
  int amount = 0;
  int rev = 0;
  retort::date_time stamped{};  // server_default CURRENT_TIMESTAMP
};
struct LazyLabel {
  int id = 0;
  std::string name{};
  std::string label{};  // server_default 'new'
};

}  // namespace dm

template <>
inline constexpr auto retort::mapping<dm::Article> = retort::model(
    retort::column<&dm::Article::id>(retort::primary_key),
    retort::column<&dm::Article::title>(retort::String(100), retort::not_null, retort::unique),
    retort::column<&dm::Article::status>(retort::String(20), retort::not_null, retort::default_("draft")),
    retort::column<&dm::Article::slug>(retort::String(100), retort::default_([](const retort::default_context& ctx) {
                                         auto title = ctx.get_current_parameters().at("title").as_string();
                                         for (auto& ch : title)
                                           ch = ch == ' ' ? '-' : static_cast<char>(std::tolower(ch));
                                         return title;
                                       })),
    retort::column<&dm::Article::created_at>(retort::not_null, retort::default_(&dm::fake_now)),
    retort::column<&dm::Article::updated_at>(retort::onupdate(&dm::fake_now)),
    retort::column<&dm::Article::revision>(retort::default_(1),
                                           retort::onupdate([](const dm::Article& a) { return a.revision + 1; })),
    retort::column<&dm::Article::label>(retort::String(20), retort::not_null, retort::server_default("'new'")));

template <>
inline constexpr auto retort::mapping<dm::Gadget> = retort::model(
    retort::column<&dm::Gadget::id>(retort::primary_key), retort::column<&dm::Gadget::count>(retort::default_(5)),
    retort::column<&dm::Gadget::level>(retort::default_(3)),
    retort::column<&dm::Gadget::kind>(retort::String(20), retort::default_("fancy")),
    retort::column<&dm::Gadget::made>(retort::default_([] { return std::chrono::system_clock::now(); })));

template <>
inline constexpr auto retort::mapping<dm::Ledger> = retort::model(
    retort::column<&dm::Ledger::id>(retort::primary_key), retort::column<&dm::Ledger::amount>(),
    retort::column<&dm::Ledger::rev>(retort::not_null, retort::server_default("0"), retort::server_onupdate));

template <>
inline constexpr auto retort::mapping<dm::EagerLedger> = retort::model(
    retort::column<&dm::EagerLedger::id>(retort::primary_key), retort::column<&dm::EagerLedger::amount>(),
    retort::column<&dm::EagerLedger::rev>(retort::not_null, retort::server_default("0"), retort::server_onupdate),
    retort::column<&dm::EagerLedger::stamped>(retort::not_null, retort::server_default("CURRENT_TIMESTAMP")),
    retort::eager_defaults(true));

template <>
inline constexpr auto retort::mapping<dm::LazyLabel> = retort::model(
    retort::column<&dm::LazyLabel::id>(retort::primary_key), retort::column<&dm::LazyLabel::name>(retort::String(20)),
    retort::column<&dm::LazyLabel::label>(retort::String(20), retort::not_null, retort::server_default("'new'")),
    retort::eager_defaults(false));

namespace {

using dm::Article;

class defaults_test : public orm_test {
 protected:
  void SetUp() override {
    orm_test::SetUp();
    dm::clock_calls = 0;
  }
  static constexpr const char* insert_article =
      "INSERT INTO article (title, status, slug, created_at, updated_at, revision) VALUES (?, ?, ?, ?, ?, ?) "
      "RETURNING id, label";
  /// The trigger that bumps `rev` on every UPDATE of `table`'s rows.
  void create_rev_trigger(retort::session& s, const std::string& table) {
    auto& c = s.connection();
    if (postgres()) {
      c.execute_ddl("CREATE FUNCTION bump_" + table +
                    "() RETURNS trigger AS $$ BEGIN NEW.rev := OLD.rev + 1; RETURN NEW; END $$ LANGUAGE plpgsql");
      c.execute_ddl("CREATE TRIGGER " + table + "_rev BEFORE UPDATE ON " + table +
                    " FOR EACH ROW EXECUTE FUNCTION bump_" + table + "()");
    } else {
      c.execute_ddl("CREATE TRIGGER " + table + "_rev AFTER UPDATE OF amount ON " + table + " BEGIN UPDATE " + table +
                    " SET rev = rev + 1 WHERE id = NEW.id; END");
    }
    s.commit();
  }
};
RETORT_ORM_SUITE(defaults_test);

TEST_P(defaults_test, insert_gives_unset_members_their_defaults_and_reads_server_defaults_back) {
  auto s = session();
  auto a = s.add(Article{.title = "Hello World"});
  auto& rec = record();
  s.flush();
  // One statement: the client defaults travel as parameters, the server default
  // (label) is left out and comes back with the key (eager_defaults "auto").
  EXPECT_SQL(
      rec, {compiled_sql(insert_article).params({"Hello World", "draft", "hello-world", dm::at(1), std::nullopt, 1})});
  EXPECT_EQ(a->status, "draft");
  EXPECT_EQ(a->slug, "hello-world");
  EXPECT_EQ(a->created_at, dm::at(1));
  EXPECT_EQ(a->revision, 1);
  EXPECT_EQ(a->label, "new");
  EXPECT_NE(a->id, 0);
  EXPECT_EQ(rec.count(), 1u);  // reading them ran no SQL
  EXPECT_EQ(dm::clock_calls, 1);
  auto row = s.connection().execute("SELECT status, slug, revision, label FROM article");
  EXPECT_EQ(row.row(0).get<std::string>(0), "draft");
  EXPECT_EQ(row.row(0).get<std::string>(1), "hello-world");
  EXPECT_EQ(row.row(0).get<int>(2), 1);
  EXPECT_EQ(row.row(0).get<std::string>(3), "new");
}

TEST_P(defaults_test, values_given_win_over_the_defaults) {
  auto s = session();
  auto a = s.add(Article{
      .title = "T", .status = "published", .slug = "own", .created_at = dm::at(100), .revision = 7, .label = "mine"});
  auto& rec = record();
  s.flush();
  // Nothing left to the database but the key: no RETURNING on SQLite (its rowid), RETURNING id on PostgreSQL.
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO article (title, status, slug, created_at, updated_at, revision, label) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)")
                       .returning("id")
                       .params({"T", "published", "own", dm::at(100), std::nullopt, 7, "mine"})});
  EXPECT_EQ(dm::clock_calls, 0);
  EXPECT_EQ(a->label, "mine");
}

TEST_P(defaults_test, a_callable_default_runs_once_per_row) {
  auto s = session();
  auto a = s.add(Article{.title = "a"});
  auto b = s.add(Article{.title = "b"});
  auto c = s.add(Article{.title = "c"});
  auto& rec = record();
  s.flush();
  EXPECT_EQ(dm::clock_calls, 3);
  // One statement of one shape: a multi-row INSERT ... RETURNING (PostgreSQL) or an executemany.
  ASSERT_EQ(rec.count(), 1u);
  EXPECT_NE(rec.entries()[0].sql.find("RETURNING id, label"), std::string::npos) << rec.entries()[0].sql;
  EXPECT_EQ(rec.entries()[0].batch, caps().multirow_insert_returning ? 1u : 3u);
  // Each object got its own value, and the row holding its key has it.
  for (const auto& p : {a, b, c}) {
    auto r = s.connection().execute("SELECT created_at, label FROM article WHERE id = " + std::to_string(p->id));
    EXPECT_EQ(r.row(0).get<retort::date_time>(0), p->created_at);
    EXPECT_EQ(p->label, "new");
  }
  EXPECT_EQ(a->created_at, dm::at(1));
  EXPECT_EQ(c->created_at, dm::at(3));
}

TEST_P(defaults_test, onupdate_applies_when_the_flush_updates_the_row) {
  auto s = session();
  auto a = s.add(Article{.title = "Hello"});
  s.flush();
  auto& rec = record();
  s.flush();  // nothing changed: no UPDATE, no onupdate
  EXPECT_EQ(rec.count(), 0u);
  EXPECT_EQ(dm::clock_calls, 1);
  a->title = "Changed";
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE article SET title = ?, updated_at = ?, revision = ? WHERE article.id = ?")
                       .params({"Changed", dm::at(2), 2, a->id})});
  EXPECT_EQ(a->updated_at, dm::at(2));
  EXPECT_EQ(a->revision, 2);
  // A value set explicitly is written as given; the other onupdate column still fires.
  rec.clear();
  a->updated_at = dm::at(50);
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE article SET updated_at = ?, revision = ? WHERE article.id = ?")
                       .params({dm::at(50), 3, a->id})});
  EXPECT_EQ(dm::clock_calls, 2);
  s.commit();
  auto s2 = session();
  auto again = s2.get<Article>(a->id);
  EXPECT_EQ(again->updated_at, dm::at(50));
  EXPECT_EQ(again->revision, 3);
}

TEST_P(defaults_test, the_unset_rule_for_plain_members) {
  auto s = session();
  auto g = s.add(dm::Gadget{});
  auto h = s.add(dm::Gadget{.count = 9, .level = 0, .kind = "given"});
  auto before = std::chrono::system_clock::now();
  s.flush();
  EXPECT_EQ(g->count, 5);       // 0: a value-initialized int
  EXPECT_EQ(g->level, 3);       // nullopt
  EXPECT_EQ(g->kind, "fancy");  // "plain": what the member initializer gives
  EXPECT_GE(g->made, std::chrono::time_point_cast<std::chrono::microseconds>(before));
  EXPECT_EQ(h->count, 9);
  EXPECT_EQ(h->level, 0);  // an engaged optional is set, even to 0
  EXPECT_EQ(h->kind, "given");
}

TEST_P(defaults_test, a_failed_flush_puts_the_defaulted_members_back) {
  auto s = session();
  s.add(Article{.title = "same"});
  s.commit();
  auto dup = s.add(Article{.title = "same"});
  EXPECT_THROW(s.flush(), retort::IntegrityError);
  s.rollback();
  // Unset again: the next attempt computes its defaults anew.
  EXPECT_EQ(dup->status, "");
  EXPECT_EQ(dup->slug, "");
  EXPECT_EQ(dup->created_at, retort::date_time{});
  EXPECT_EQ(dup->revision, 0);
  dup->title = "other";
  s.add(dup);
  s.commit();
  EXPECT_EQ(dup->status, "draft");
  EXPECT_EQ(dup->slug, "other");
  EXPECT_EQ(s.query<Article>().count(), 2);
}

TEST_P(defaults_test, server_onupdate_is_expired_after_an_update_and_loads_on_access) {
  auto s = session();
  create_rev_trigger(s, "ledger");
  auto l = s.add(dm::Ledger{.amount = 5});
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO ledger (amount) VALUES (?) RETURNING id, rev").params({5})});
  EXPECT_EQ(l->rev, 0);
  rec.clear();
  l->amount = 6;
  s.flush();
  // "auto" fetches nothing after an UPDATE: the object is expired, its next access loads it.
  EXPECT_SQL(rec, {compiled_sql("UPDATE ledger SET amount = ? WHERE ledger.id = ?").params({6, l.state()->key[0]})});
  EXPECT_TRUE(l.state()->expired);
  EXPECT_EQ(l->rev, 1);
  EXPECT_SQL(rec, {compiled_sql("UPDATE ledger SET amount = ? WHERE ledger.id = ?"),
                   compiled_sql("SELECT ledger.id, ledger.amount, ledger.rev FROM ledger WHERE ledger.id = ?")});
}

TEST_P(defaults_test, eager_defaults_true_reads_update_values_back_with_returning) {
  auto s = session();
  create_rev_trigger(s, "eager_ledger");
  auto l = s.add(dm::EagerLedger{.amount = 5});
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO eager_ledger (amount) VALUES (?) RETURNING id, rev, stamped")});
  EXPECT_GT(l->stamped, dm::at(0));  // CURRENT_TIMESTAMP, read back
  rec.clear();
  l->amount = 6;
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE eager_ledger SET amount = ? WHERE eager_ledger.id = ? RETURNING rev")});
  EXPECT_FALSE(l.state()->expired);
  // PostgreSQL's BEFORE trigger changes the row RETURNING reports. SQLite's RETURNING
  // reports the row as the UPDATE wrote it, before its AFTER triggers ran
  // (docs/models.md): the value read back is the old one.
  EXPECT_EQ(l->rev, postgres() ? 1 : 0);
  EXPECT_EQ(rec.count(), 1u);
}

TEST_P(defaults_test, eager_defaults_false_expires_server_defaults) {
  auto s = session();
  auto x = s.add(dm::LazyLabel{.name = "x"});
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO lazy_label (name) VALUES (?)").returning("id").params({"x"})});
  EXPECT_TRUE(x.state()->expired);
  EXPECT_EQ(x->label, "new");
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO lazy_label (name) VALUES (?)").returning("id"),
                   compiled_sql("SELECT lazy_label.id, lazy_label.name, lazy_label.label FROM lazy_label WHERE "
                                "lazy_label.id = ?")});
}

}  // namespace
