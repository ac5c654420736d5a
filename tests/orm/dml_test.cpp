// ORM-enabled UPDATE and DELETE with criteria (SQLAlchemy 2.0's
// `session.execute(update(User).where(...).values(...))` and the legacy
// `query.filter(...).update({...})` / `.delete()`): one statement, the row
// count, and the session's objects synchronized per synchronize_session —
// evaluate (criteria evaluated in C++ on loaded objects), fetch (RETURNING of
// the matched keys), auto (evaluate, else fetch) and none.
#include <optional>
#include <string>
#include <vector>

#include "support/orm_fixture.hpp"

using retort::testing::count_matching;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace bk {
struct Member {
  int id = 0;
  std::string name{};
  int age = 0;
  std::optional<std::string> nickname{};
  int visits = 0;
  retort::deferred<std::string> bio{};
};
inline int stamp_calls = 0;
struct Stamped {
  int id = 0;
  std::string label{};
  int touched = 0;  // onupdate of default_context: counts the calls
};
/// For bulk INSERT and upserts: a unique slug, a client default, a nullable note.
struct Gizmo {
  int id = 0;
  std::string slug{};
  int hits = 0;
  std::string tier{};  // default_("basic")
  std::optional<std::string> note{};
  std::optional<double> score{};
};
}  // namespace bk

template <>
inline constexpr auto retort::mapping<bk::Member> = retort::model(
    retort::column<&bk::Member::id>(retort::primary_key),
    retort::column<&bk::Member::name>(retort::String(40), retort::not_null),
    retort::column<&bk::Member::age>(retort::not_null), retort::column<&bk::Member::nickname>(retort::String(40)),
    retort::column<&bk::Member::visits>(retort::not_null), retort::column<&bk::Member::bio>(retort::Text));

template <>
inline constexpr auto retort::mapping<bk::Stamped> = retort::model(
    retort::column<&bk::Stamped::id>(retort::primary_key), retort::column<&bk::Stamped::label>(retort::String(40)),
    retort::column<&bk::Stamped::touched>(retort::onupdate([](const retort::default_context& ctx) {
      ++bk::stamp_calls;
      return ctx.current_parameter("label").as_string() == "x" ? 100 : 7;
    })));

template <>
inline constexpr auto retort::mapping<bk::Gizmo> = retort::model(
    retort::column<&bk::Gizmo::id>(retort::primary_key),
    retort::column<&bk::Gizmo::slug>(retort::String(40), retort::not_null, retort::unique),
    retort::column<&bk::Gizmo::hits>(retort::not_null),
    retort::column<&bk::Gizmo::tier>(retort::String(20), retort::not_null, retort::default_("basic")),
    retort::column<&bk::Gizmo::note>(retort::Text), retort::column<&bk::Gizmo::score>());

namespace {

using bk::Gizmo;
using bk::Member;
using retort::assign;
using retort::col;
using retort::synchronize_session;

class dml_test : public orm_test {
 protected:
  /// Four members, committed, then loaded into `s` (ids 1..4, ages 20, 30, 40, 50).
  std::vector<retort::ptr<Member>> seed(retort::session& s) {
    for (int i = 1; i <= 4; ++i)
      s.add(Member{.name = "m" + std::to_string(i), .age = 10 * (i + 1), .visits = i, .bio = "bio" + std::to_string(i)});
    s.commit();
    return s.query<Member>().order_by(col<&Member::id>).all();
  }
  /// The row as the database holds it now, read on a connection of its own.
  std::pair<int, std::string> row(int id) {
    auto conn = db().engine().connect();
    auto r = conn.execute("SELECT age, name FROM member WHERE id = " + std::to_string(id));
    return {static_cast<int>(r[0][0].as_int()), r[0][1].as_string()};
  }
};
RETORT_ORM_SUITE(dml_test);

TEST_P(dml_test, evaluate_updates_the_matching_loaded_objects_without_sql) {
  auto s = session();
  auto m = seed(s);
  auto& rec = record();
  auto r = s.execute(retort::update<Member>()
                         .where(col<&Member::age> >= 30 && col<&Member::name> != "m4")
                         .values(assign<&Member::age>(col<&Member::age> + 1), assign<&Member::nickname>("old")));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET age = member.age + ?, nickname = ? WHERE member.age >= ? AND "
                                "member.name != ?")
                       .params({1, "old", 30, "m4"})});
  rec.clear();
  EXPECT_EQ(m[0]->age, 20);
  EXPECT_EQ(m[0]->nickname, std::nullopt);
  EXPECT_EQ(m[1]->age, 31);
  EXPECT_EQ(m[1]->nickname, "old");
  EXPECT_EQ(m[2]->age, 41);
  EXPECT_EQ(m[3]->age, 50);
  // The new values are the objects' loaded state: nothing is dirty, the commit writes nothing.
  EXPECT_EQ(s.dirty_count(), 0u);
  s.commit();
  EXPECT_EQ(count_matching(rec, starts_with("UPDATE")), 0u);
  EXPECT_EQ(row(2), std::make_pair(31, std::string("m2")));
  EXPECT_EQ(row(4), std::make_pair(50, std::string("m4")));
}

TEST_P(dml_test, the_legacy_query_update_and_delete_spelling) {
  auto s = session();
  auto m = seed(s);
  auto& rec = record();
  auto n = s.query<Member>().where(col<&Member::age> < 35).update({{"nickname", "young"}, assign<&Member::visits>(0)});
  EXPECT_EQ(n, 2);
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET nickname = ?, visits = ? WHERE member.age < ?").params({"young", 0, 35})});
  EXPECT_EQ(m[0]->nickname, "young");
  EXPECT_EQ(m[1]->visits, 0);
  EXPECT_EQ(m[2]->nickname, std::nullopt);
  rec.clear();
  EXPECT_EQ(s.query<Member>().filter_by<&Member::name>("m3").delete_(), 1);
  EXPECT_SQL(rec, {compiled_sql("DELETE FROM member WHERE member.name = ?").params({"m3"})});
  EXPECT_FALSE(s.contains(m[2]));
  EXPECT_EQ(s.get<Member>(3), nullptr);
  s.commit();
  EXPECT_EQ(s.query<Member>().count(), 3);
}

TEST_P(dml_test, legacy_update_refuses_limit_order_by_join_and_distinct) {
  auto s = session();
  seed(s);
  auto& rec = record();
  try {
    s.query<Member>().limit(2).update({{"age", 1}});
    FAIL() << "limit() was accepted";
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_STREQ(e.what(), "Can't call Query.update() or Query.delete() when limit() has been called");
  }
  EXPECT_THROW(s.query<Member>().order_by(col<&Member::age>).delete_(), retort::InvalidRequestError);
  EXPECT_THROW(s.query<Member>().distinct().delete_(), retort::InvalidRequestError);
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(dml_test, evaluate_delete_removes_matched_objects_as_deleted_and_rollback_restores_them) {
  auto s = session();
  auto m = seed(s);
  auto& rec = record();
  auto r = s.execute(retort::delete_<Member>().where(col<&Member::age>.in_({20, 40})));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_SQL(rec, {compiled_sql("DELETE FROM member WHERE member.age IN (?, ?)").params({20, 40})});
  EXPECT_FALSE(s.contains(m[0]));
  EXPECT_TRUE(s.contains(m[1]));
  EXPECT_FALSE(s.contains(m[2]));
  EXPECT_EQ(s.identity_count(), 2u);
  // get() finds no row in the map and none in the database.
  rec.clear();
  EXPECT_EQ(s.get<Member>(1), nullptr);
  EXPECT_EQ(rec.count(), 1u);
  s.rollback();
  EXPECT_TRUE(s.contains(m[0]));  // the DELETE was rolled back: persistent again, as after a flushed delete
  EXPECT_EQ(m[0]->name, "m1");
}

TEST_P(dml_test, a_committed_delete_detaches_the_objects) {
  auto s = session();
  auto m = seed(s);
  s.execute(retort::delete_<Member>().where(col<&Member::name> == "m2"));
  s.commit();
  EXPECT_FALSE(s.contains(m[1]));
  EXPECT_EQ(s.query<Member>().count(), 3);
  EXPECT_EQ(m[1]->name, "m2");  // detached: its values stay readable
}

TEST_P(dml_test, unevaluatable_criteria_raise_under_evaluate_and_fall_back_to_fetch_under_auto) {
  auto s = session();
  auto m = seed(s);
  auto& rec = record();
  try {
    s.execute(retort::update<Member>()
                  .where(col<&Member::name>.like("m%"))
                  .values(assign<&Member::age>(1))
                  .execution_options(synchronize_session::evaluate));
    FAIL() << "LIKE was evaluated";
  } catch (const retort::UnevaluatableError& e) {
    EXPECT_NE(std::string(e.what()).find("update(Member): could not evaluate the current criteria in C++ (cannot "
                                         "evaluate the operator LIKE)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(rec.count(), 0u);
  // auto: the matched keys come back with RETURNING and those objects take the new values.
  auto r = s.execute(retort::update<Member>()
                         .where(col<&Member::name>.like("m_") && col<&Member::age> > 25)
                         .values(assign<&Member::age>(col<&Member::age> * 2)));
  EXPECT_EQ(r.rowcount(), 3);
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET age = member.age * ? WHERE member.name LIKE ? AND member.age > ? "
                                "RETURNING id")
                       .params({2, "m_", 25})});
  EXPECT_EQ(m[0]->age, 20);
  EXPECT_EQ(m[1]->age, 60);
  EXPECT_EQ(m[3]->age, 100);
  EXPECT_EQ(s.dirty_count(), 0u);
}

TEST_P(dml_test, fetch_delete_reads_the_keys_back) {
  auto s = session();
  auto m = seed(s);
  auto& rec = record();
  auto r = s.execute(retort::delete_<Member>()
                         .where(col<&Member::age> > 35)
                         .execution_options(synchronize_session::fetch));
  EXPECT_EQ(r.rowcount(), 2);
  EXPECT_SQL(rec, {compiled_sql("DELETE FROM member WHERE member.age > ? RETURNING id").params({35})});
  EXPECT_TRUE(s.contains(m[1]));
  EXPECT_FALSE(s.contains(m[2]));
  EXPECT_FALSE(s.contains(m[3]));
}

TEST_P(dml_test, none_leaves_the_objects_stale_until_expired) {
  auto s = session();
  auto m = seed(s);
  auto& rec = record();
  s.execute(retort::update<Member>().values(assign<&Member::age>(99)).execution_options(synchronize_session::none));
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET age = ?").params({99})});
  EXPECT_EQ(m[0]->age, 20);
  s.expire_all();
  EXPECT_EQ(m[0]->age, 99);
  s.execute(retort::delete_<Member>().execution_options(synchronize_session::none));
  EXPECT_TRUE(s.contains(m[1]));
}

TEST_P(dml_test, a_value_it_cannot_evaluate_is_read_back_with_returning) {
  auto s = session();
  auto m = seed(s);
  auto& rec = record();
  // upper(name) is a function: the session cannot compute it, so the UPDATE returns it.
  auto upper = retort::sql::expr<std::string>(retort::sql::detail::make_function("upper", {col<&Member::name>.get()}));
  s.execute(retort::update<Member>().where(col<&Member::id> <= 2).values(assign<&Member::name>(upper)));
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET name = upper(member.name) WHERE member.id <= ? RETURNING id, name")
                       .params({2})});
  rec.clear();
  EXPECT_EQ(m[0]->name, "M1");
  EXPECT_EQ(m[1]->name, "M2");
  EXPECT_EQ(m[2]->name, "m3");
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(dml_test, an_attribute_changed_in_memory_takes_the_database_value) {
  auto s = session();
  auto m = seed(s);
  retort::no_autoflush guard(s);
  m[0]->age = 77;   // set in memory, not flushed; the UPDATE below sets it too
  m[0]->name = "renamed";  // another column: the change stays pending
  auto& rec = record();
  s.execute(retort::update<Member>().where(col<&Member::id> == 1).values(assign<&Member::age>(col<&Member::age> + 5)));
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET age = member.age + ? WHERE member.id = ? RETURNING id, age")
                       .params({5, 1})});
  EXPECT_EQ(m[0]->age, 25);  // 20 + 5 in the database, not 77 + 5
  EXPECT_EQ(m[0]->name, "renamed");
  EXPECT_EQ(s.dirty_count(), 1u);
}

TEST_P(dml_test, null_criteria_follow_sql_three_valued_logic) {
  auto s = session();
  auto m = seed(s);
  m[0]->nickname = "a";
  s.flush();
  // nickname != 'a' is NULL (not true) for the members without a nickname.
  auto r = s.execute(retort::update<Member>().where(col<&Member::nickname> != "b").values(assign<&Member::visits>(50)));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(m[0]->visits, 50);
  EXPECT_EQ(m[1]->visits, 2);
  r = s.execute(retort::update<Member>().where(col<&Member::nickname>.is_null()).values(assign<&Member::visits>(9)));
  EXPECT_EQ(r.rowcount(), 3);
  EXPECT_EQ(m[0]->visits, 50);
  EXPECT_EQ(m[3]->visits, 9);
  r = s.execute(retort::update<Member>()
                    .where(!(col<&Member::nickname> == "a") || col<&Member::age> == 20)
                    .values(assign<&Member::nickname>(std::nullopt)));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(m[0]->nickname, std::nullopt);
  s.commit();
  EXPECT_EQ(m[0]->nickname, std::nullopt);
}

TEST_P(dml_test, a_criterion_on_an_unloaded_column_expires_the_objects_it_might_match) {
  auto s = session();
  auto m = seed(s);
  s.expire(m[0]);
  auto& rec = record();
  // bio is deferred and not loaded: the match is unknown, so the object is expired.
  s.execute(retort::update<Member>().where(col<&Member::bio> == "bio2").values(assign<&Member::age>(1)));
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET age = ? WHERE member.bio = ?").params({1, "bio2"})});
  // Every loaded Member has bio unloaded, so each match is unknown and each object is expired
  // (SQLAlchemy's _EXPIRED_OBJECT); m[0] was expired already. Each reloads the row.
  rec.clear();
  EXPECT_EQ(m[1]->age, 1);
  EXPECT_EQ(m[0]->age, 20);
  EXPECT_EQ(m[2]->age, 40);
  EXPECT_EQ(count_matching(rec, starts_with("SELECT")), 3u);
}

TEST_P(dml_test, pending_changes_are_autoflushed_first) {
  auto s = session();
  auto m = seed(s);
  m[0]->age = 33;
  auto& rec = record();
  auto r = s.execute(retort::delete_<Member>().where(col<&Member::age> == 33));
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_SQL(rec, {compiled_sql("UPDATE member SET age = ? WHERE member.id = ?").params({33, 1}),
                   compiled_sql("DELETE FROM member WHERE member.age = ?").params({33})});
  EXPECT_FALSE(s.contains(m[0]));
}

TEST_P(dml_test, a_session_delete_not_yet_flushed_is_not_deleted_twice) {
  auto s = session();
  auto m = seed(s);
  retort::no_autoflush guard(s);
  s.delete_(m[1]);
  s.execute(retort::delete_<Member>().where(col<&Member::id> == 2));
  auto& rec = record();
  s.commit();
  EXPECT_EQ(count_matching(rec, starts_with("DELETE")), 0u);
  EXPECT_EQ(s.query<Member>().count(), 3);
}

TEST_P(dml_test, bad_values_are_typed_errors_naming_the_class_and_attribute) {
  auto s = session();
  seed(s);
  auto& rec = record();
  try {
    s.execute(retort::update<Member>().values({{"shoe_size", 42}}));
    FAIL();
  } catch (const retort::ArgumentError& e) {
    EXPECT_STREQ(e.what(), "update(Member).values(): Member has no column attribute 'shoe_size'");
  }
  EXPECT_THROW(s.execute(retort::update<Member>().values(assign<&Member::age>(1), assign<&Member::age>(2))),
               retort::ArgumentError);
  EXPECT_THROW(s.execute(retort::update<Member>()), retort::ArgumentError);
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(dml_test, onupdate_runs_once_per_statement_with_the_literal_values) {
  auto s = session();
  auto a = s.add(bk::Stamped{.label = "a"});
  auto b = s.add(bk::Stamped{.label = "b"});
  s.commit();
  EXPECT_EQ(a->label, "a");  // loads both
  EXPECT_EQ(b->label, "b");
  bk::stamp_calls = 0;
  auto& rec = record();
  s.execute(retort::update<bk::Stamped>().values(assign<&bk::Stamped::label>("x")));
  EXPECT_EQ(bk::stamp_calls, 1);
  EXPECT_SQL(rec, {compiled_sql("UPDATE stamped SET label = ?, touched = ?").params({"x", 100})});
  EXPECT_EQ(a->touched, 100);
  EXPECT_EQ(b->touched, 100);
}

TEST_P(dml_test, a_primary_key_update_moves_the_identity) {
  auto s = session();
  auto m = seed(s);
  s.execute(retort::update<Member>().where(col<&Member::id> == 4).values(assign<&Member::id>(40)));
  EXPECT_EQ(m[3]->id, 40);
  auto& rec = record();
  EXPECT_EQ(s.get<Member>(40), m[3]);
  EXPECT_EQ(rec.count(), 0u);
}

// ---- bulk INSERT and upserts ----

TEST_P(dml_test, insert_from_structs_batches_per_dialect_and_creates_no_objects) {
  auto s = session();
  auto& rec = record();
  std::vector<Gizmo> rows{{.slug = "a", .hits = 1}, {.slug = "b", .hits = 2, .tier = "gold"}, {.slug = "c", .hits = 3}};
  auto r = s.execute(retort::insert<Gizmo>(), rows);
  EXPECT_EQ(r.rowcount(), 3);
  EXPECT_SQL(rec, {conditional(caps().multirow_insert_returning,
                               {compiled_sql("INSERT INTO gizmo (slug, hits, tier, note, score) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?), "
                                             "(?, ?, ?, ?, ?)")
                                    .params({"a", 1, "basic", std::nullopt, std::nullopt, "b", 2, "gold", std::nullopt, std::nullopt, "c",
                                             3, "basic", std::nullopt, std::nullopt})},
                               {compiled_sql("INSERT INTO gizmo (slug, hits, tier, note, score) VALUES (?, ?, ?, ?, ?)")
                                    .params({"a", 1, "basic", std::nullopt, std::nullopt})
                                    .batch(3)})});
  EXPECT_EQ(s.identity_count(), 0u);
  s.commit();
  auto all = s.query<Gizmo>().order_by(col<&Gizmo::id>).all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->id, 1);
  EXPECT_EQ(all[1]->tier, "gold");
  EXPECT_EQ(all[2]->tier, "basic");
}

TEST_P(dml_test, insert_from_value_rows_leaves_out_what_a_row_does_not_give) {
  auto s = session();
  auto& rec = record();
  std::vector<retort::value_row> rows{{{"slug", "x"}, {"hits", 5}}, {{"slug", "y"}, {"hits", 6}},
                                      {{"slug", "z"}, {"hits", 7}, {"note", "n"}}};
  auto r = s.execute(retort::insert<Gizmo>(), rows);
  EXPECT_EQ(r.rowcount(), 3);
  // Rows giving other columns start another statement; the default_ fills tier in each.
  EXPECT_SQL(rec, {conditional(caps().multirow_insert_returning,
                               {compiled_sql("INSERT INTO gizmo (slug, hits, tier) VALUES (?, ?, ?), (?, ?, ?)")
                                    .params({"x", 5, "basic", "y", 6, "basic"}),
                                compiled_sql("INSERT INTO gizmo (slug, hits, tier, note) VALUES (?, ?, ?, ?)")
                                    .params({"z", 7, "basic", "n"})},
                               {compiled_sql("INSERT INTO gizmo (slug, hits, tier) VALUES (?, ?, ?)")
                                    .params({"x", 5, "basic"})
                                    .batch(2),
                                compiled_sql("INSERT INTO gizmo (slug, hits, tier, note) VALUES (?, ?, ?, ?)")
                                    .params({"z", 7, "basic", "n"})})});
  EXPECT_EQ(s.query<Gizmo>().where(col<&Gizmo::note>.is_null()).count(), 2);
}

TEST_P(dml_test, insert_returning_gives_persistent_objects_of_the_session) {
  auto s = session();
  auto& rec = record();
  std::vector<Gizmo> rows{{.slug = "a", .hits = 1}, {.slug = "b", .hits = 2}};
  auto objects = s.execute(retort::insert<Gizmo>().returning(), rows).objects();
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0]->id, 1);
  EXPECT_EQ(objects[1]->slug, "b");
  EXPECT_EQ(objects[1]->tier, "basic");
  EXPECT_TRUE(s.contains(objects[0]));
  EXPECT_EQ(s.new_count(), 0u);
  rec.clear();
  EXPECT_EQ(s.get<Gizmo>(2), objects[1]);
  EXPECT_EQ(rec.count(), 0u);
  objects[0]->hits = 10;
  s.commit();
  EXPECT_SQL(rec, {compiled_sql("UPDATE gizmo SET hits = ? WHERE gizmo.id = ?").params({10, 1})});
}

TEST_P(dml_test, upsert_do_nothing_skips_the_conflicting_rows) {
  auto s = session();
  s.execute(retort::insert<Gizmo>(), std::vector<Gizmo>{{.slug = "a", .hits = 1}});
  auto& rec = record();
  auto r = s.execute(retort::insert<Gizmo>().on_conflict_do_nothing<&Gizmo::slug>(),
                     std::vector<Gizmo>{{.slug = "a", .hits = 9}, {.slug = "b", .hits = 2}});
  EXPECT_EQ(r.rowcount(), 1);
  EXPECT_EQ(count_matching(rec, starts_with("INSERT INTO gizmo (slug, hits, tier, note, score) VALUES (?, ?, ?, ?, ?)")), 1u);
  EXPECT_NE(rec.sql().front().find("ON CONFLICT (slug) DO NOTHING"), std::string::npos) << rec.sql().front();
  s.commit();
  EXPECT_EQ(s.query<Gizmo>().count(), 2);
  EXPECT_EQ(s.query<Gizmo>().filter_by<&Gizmo::slug>("a").one()->hits, 1);
}

TEST_P(dml_test, upsert_do_update_with_excluded_and_populate_existing_refreshes_loaded_objects) {
  auto s = session();
  s.execute(retort::insert<Gizmo>(), std::vector<Gizmo>{{.slug = "a", .hits = 1}, {.slug = "b", .hits = 2}});
  auto a = s.query<Gizmo>().filter_by<&Gizmo::slug>("a").one();
  auto& rec = record();
  auto stmt = retort::insert<Gizmo>()
                  .on_conflict_do_update<&Gizmo::slug>(assign<&Gizmo::hits>(col<&Gizmo::hits> + retort::excluded<&Gizmo::hits>),
                                                       assign<&Gizmo::note>("merged"))
                  .returning()
                  .populate_existing();
  auto objects = s.execute(stmt, std::vector<retort::value_row>{{{"slug", "a"}, {"hits", 10}}, {{"slug", "c"}, {"hits", 3}}})
                     .objects();
  EXPECT_SQL(rec, {conditional(caps().multirow_insert_returning,
                               {compiled_sql("INSERT INTO gizmo (slug, hits, tier) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT "
                                             "(slug) DO UPDATE SET hits = gizmo.hits + excluded.hits, note = ? RETURNING "
                                             "id, slug, hits, tier, note, score")
                                    .params({"a", 10, "basic", "c", 3, "basic", "merged"})},
                               {compiled_sql("INSERT INTO gizmo (slug, hits, tier) VALUES (?, ?, ?) ON CONFLICT (slug) DO "
                                             "UPDATE SET hits = gizmo.hits + excluded.hits, note = ? RETURNING id, slug, "
                                             "hits, tier, note, score")
                                    .params({"a", 10, "basic", "merged"})
                                    .batch(2)})});
  ASSERT_EQ(objects.size(), 2u);
  EXPECT_EQ(objects[0], a);  // the same object, through the identity map
  EXPECT_EQ(a->hits, 11);
  EXPECT_EQ(a->note, "merged");
  EXPECT_EQ(objects[1]->slug, "c");
  EXPECT_EQ(objects[1]->note, std::nullopt);
  EXPECT_EQ(s.dirty_count(), 0u);
}

TEST_P(dml_test, an_upsert_of_many_batches_binds_its_own_values_in_each) {
  auto s = session();
  std::vector<Gizmo> rows;
  for (int i = 0; i < 2500; ++i) rows.push_back({.slug = "g" + std::to_string(i), .hits = i, .score = 0.1 * i});
  EXPECT_EQ(s.execute(retort::insert<Gizmo>(), rows).rowcount(), 2500);
  auto r = s.execute(retort::insert<Gizmo>().on_conflict_do_update<&Gizmo::slug>(
                         assign<&Gizmo::hits>(col<&Gizmo::hits> + retort::excluded<&Gizmo::hits>), assign<&Gizmo::note>("again")),
                     rows);
  EXPECT_EQ(r.rowcount(), 2500);
  EXPECT_EQ(s.query<Gizmo>().where(col<&Gizmo::note> == "again").count(), 2500);
  EXPECT_EQ(s.scalar(retort::text("SELECT sum(hits) FROM gizmo").columns<std::int64_t>()), 2 * (2499 * 2500 / 2));
  // Doubles go as the shortest text that reads back exactly.
  EXPECT_EQ(s.query<Gizmo>().filter_by<&Gizmo::slug>("g3").one()->score, 0.1 * 3);
}

TEST_P(dml_test, bad_insert_rows_are_typed_errors_and_write_nothing) {
  auto s = session();
  auto& rec = record();
  try {
    s.execute(retort::insert<Gizmo>(), std::vector<retort::value_row>{{{"slug", "a"}, {"hits", 1}}, {{"colour", "red"}}});
    FAIL();
  } catch (const retort::ArgumentError& e) {
    EXPECT_STREQ(e.what(), "insert(Gizmo): row 1: Gizmo has no column attribute 'colour'");
  }
  EXPECT_THROW(s.execute(retort::insert<Gizmo>(),
                         std::vector<retort::value_row>{{{"slug", "a"}, assign<&Gizmo::hits>(col<&Gizmo::hits> + 1)}}),
               retort::ArgumentError);
  EXPECT_EQ(rec.count(), 0u);
  // A failing row (NOT NULL) fails the statement; rollback leaves the session usable.
  EXPECT_THROW(s.execute(retort::insert<Gizmo>(), std::vector<retort::value_row>{{{"hits", 1}}}), retort::IntegrityError);
  s.rollback();
  EXPECT_EQ(s.query<Gizmo>().count(), 0);
}

}  // namespace
