// Optimistic locking (retort::version_id, SQLAlchemy's version_id_col): the
// counter is 1 at INSERT, loaded + 1 at each UPDATE, and matched in the WHERE
// of every UPDATE and DELETE; a row another transaction changed since the load
// raises StaleDataError naming class, key and version. 16 threads doing
// read-modify-write on one row through their own sessions lose no update.
#include <atomic>
#include <optional>
#include <string>
#include <thread>

#include "support/orm_fixture.hpp"

using retort::testing::count_matching;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace vm {
struct NoteLine;
struct VersionedNote {
  int id = 0;
  std::string title{};
  int counter = 0;
  int version = 0;
  retort::many<NoteLine> lines{};
};
struct NoteLine {
  int id = 0;
  std::string text{};
  std::optional<int> note_id{};
  std::int64_t version = 0;
  retort::one<VersionedNote> note{};
};
/// A string version made by a generator (SQLAlchemy's version_id_generator).
struct Draft {
  int id = 0;
  std::string body{};
  std::string version{};
};
inline int generated = 0;
}  // namespace vm

template <>
inline constexpr auto retort::mapping<vm::VersionedNote> = retort::model(
    retort::column<&vm::VersionedNote::id>(retort::primary_key),
    retort::column<&vm::VersionedNote::title>(retort::String(50)), retort::column<&vm::VersionedNote::counter>(),
    retort::column<&vm::VersionedNote::version>(retort::version_id),
    retort::relationship<&vm::VersionedNote::lines>(retort::back_populates<&vm::NoteLine::note>));

template <>
inline constexpr auto retort::mapping<vm::NoteLine> = retort::model(
    retort::column<&vm::NoteLine::id>(retort::primary_key), retort::column<&vm::NoteLine::text>(retort::Text),
    retort::column<&vm::NoteLine::note_id>(retort::foreign_key<&vm::VersionedNote::id>),
    retort::column<&vm::NoteLine::version>(retort::version_id),
    retort::relationship<&vm::NoteLine::note>(retort::back_populates<&vm::VersionedNote::lines>));

template <>
inline constexpr auto retort::mapping<vm::Draft> = retort::model(
    retort::column<&vm::Draft::id>(retort::primary_key), retort::column<&vm::Draft::body>(retort::Text),
    retort::column<&vm::Draft::version>(retort::String(32), retort::version_id,
                                        retort::version_id_generator([](const std::optional<std::string>&) {
                                          ++vm::generated;
                                          return retort::uuid4().hex();
                                        })));

namespace {

using vm::NoteLine;
using vm::VersionedNote;

class version_id_test : public orm_test {};
RETORT_ORM_SUITE(version_id_test);

TEST_P(version_id_test, insert_stamps_1_and_each_update_matches_and_bumps_the_version) {
  auto s = session();
  auto& rec = record();
  auto n = s.add(VersionedNote{.title = "draft"});
  s.commit();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO versioned_note (title, counter, version) VALUES (?, ?, ?)")
                       .returning("id")
                       .params({"draft", 0, 1})});
  rec.clear();
  n->title = "final";
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("SELECT versioned_note.id, versioned_note.title, versioned_note.counter, "
                                "versioned_note.version FROM versioned_note WHERE versioned_note.id = ?")
                       .params({1}),
                   compiled_sql("UPDATE versioned_note SET title = ?, version = ? WHERE versioned_note.id = ? AND "
                                "versioned_note.version = ?")
                       .params({"final", 2, 1, 1})});
  EXPECT_EQ(n->version, 2);
  rec.clear();
  n->counter = 5;
  s.commit();
  EXPECT_SQL(rec, {compiled_sql("UPDATE versioned_note SET counter = ?, version = ? WHERE versioned_note.id = ? AND "
                                "versioned_note.version = ?")
                       .params({5, 3, 1, 2})});
  EXPECT_EQ(n->version, 3);
  // Nothing changed: no UPDATE, no new version.
  rec.clear();
  EXPECT_EQ(n->version, 3);
  s.commit();
  EXPECT_EQ(retort::testing::count_matching(rec, starts_with("UPDATE")), 0u);
}

TEST_P(version_id_test, a_row_changed_by_another_transaction_is_stale_and_the_session_recovers) {
  {
    auto s = session();
    s.add(VersionedNote{.title = "shared"});
    s.commit();
  }
  auto mine = session();
  auto n = mine.get<VersionedNote>(1);
  {
    auto other = session();
    other.get<VersionedNote>(1)->title = "theirs";
    other.commit();
  }
  n->title = "mine";
  try {
    mine.flush();
    FAIL() << "expected StaleDataError";
  } catch (const retort::StaleDataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("UPDATE statement on table 'versioned_note' expected to update 1 row(s); 0 were matched"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("VersionedNote (1) at version 1"), std::string::npos) << what;
  }
  mine.rollback();
  auto again = mine.get<VersionedNote>(1);
  EXPECT_EQ(again->title, "theirs");  // reloaded: the other transaction's change was kept
  EXPECT_EQ(again->version, 2);
  again->title = "mine, on top";
  mine.commit();
  auto check = session();
  EXPECT_EQ(check.get<VersionedNote>(1)->version, 3);
}

TEST_P(version_id_test, delete_matches_the_version_too) {
  {
    auto s = session();
    s.add(VersionedNote{.title = "doomed"});
    s.commit();
  }
  auto mine = session();
  auto n = mine.get<VersionedNote>(1);
  {
    auto other = session();
    other.get<VersionedNote>(1)->counter = 1;
    other.commit();
  }
  auto& rec = record();
  mine.delete_(n);
  EXPECT_THROW(mine.flush(), retort::StaleDataError);
  EXPECT_NE(rec.sql().back().find("DELETE FROM versioned_note WHERE versioned_note.id = "), std::string::npos);
  EXPECT_NE(rec.sql().back().find("AND versioned_note.version = "), std::string::npos) << rec.sql().back();
  mine.rollback();
  auto fresh = mine.get<VersionedNote>(1);
  mine.delete_(fresh);
  mine.commit();
  EXPECT_EQ(session().query<VersionedNote>().count(), 0);
}

TEST_P(version_id_test, a_foreign_key_update_of_a_versioned_row_bumps_it_too) {
  {
    auto s = session();
    auto n = s.add(VersionedNote{.title = "parent"});
    n->lines.add(NoteLine{.text = "a"});
    s.commit();
  }
  auto s = session();
  auto line = s.get<NoteLine>(1);
  EXPECT_EQ(line->version, 1);
  auto parent = s.get<VersionedNote>(1);
  auto& rec = record();
  parent->lines.remove(line);  // the line's note_id becomes NULL: an UPDATE of the line
  s.commit();
  bool seen = false;
  for (const auto& q : rec.sql())
    if (q.find("UPDATE note_line SET") != std::string::npos) {
      seen = true;
      EXPECT_NE(q.find("version = "), std::string::npos) << q;
      EXPECT_NE(q.find("AND note_line.version = "), std::string::npos) << q;
    }
  EXPECT_TRUE(seen);
  auto check = session();
  auto l = check.get<NoteLine>(1);
  EXPECT_EQ(l->version, 2);
  EXPECT_FALSE(l->note_id.has_value());
}

TEST_P(version_id_test, sixteen_threads_read_modify_write_one_row_and_lose_no_update) {
  {
    auto s = session();
    s.add(VersionedNote{.title = "counter"});
    s.commit();
  }
  constexpr int threads = 16;
  constexpr int increments = 10;
  std::atomic<int> conflicts{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < increments; ++i) {
        for (int attempt = 0;; ++attempt) {
          if (attempt == 500) {  // bounded: a livelock fails the test instead of hanging it
            ++failures;
            break;
          }
          auto s = session();
          try {
            auto n = s.get<VersionedNote>(1);
            n->counter = n->counter + 1;
            s.commit();
            break;
          } catch (const retort::StaleDataError&) {
            ++conflicts;  // someone else's increment landed first: read again and retry
            s.rollback();
          } catch (const retort::OperationalError&) {
            s.rollback();  // SQLite: the writer's lock was busy past its timeout; retry
          }
        }
      }
    });
  for (auto& t : pool) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto s = session();
  auto n = s.get<VersionedNote>(1);
  EXPECT_EQ(n->counter, threads * increments) << conflicts.load() << " conflicts detected and retried";
  EXPECT_EQ(n->version, 1 + threads * increments);
  std::printf("version_id lost-update test (%s): %d increments, %d conflicts detected and retried, 0 lost\n",
              retort::testing::backend_name(GetParam()).c_str(), threads * increments, conflicts.load());
}

TEST_P(version_id_test, a_version_generator_makes_each_version_and_is_matched_like_the_counter) {
  vm::generated = 0;
  auto s = session();
  auto& rec = record();
  auto d = s.add(vm::Draft{.body = "one", .version = "set-by-hand"});  // the INSERT takes the generator's, as SQLAlchemy's
  s.commit();
  EXPECT_EQ(vm::generated, 1);  // called once for the INSERT, with nothing loaded
  const std::string v1 = rec.entries()[0].params.back().as_string();
  EXPECT_EQ(v1.size(), 32u);  // uuid4().hex, as SQLAlchemy's version_id_generator=lambda v: uuid.uuid4().hex
  EXPECT_EQ(d->version, v1);
  rec.clear();
  d->body = "two";
  s.commit();
  EXPECT_EQ(vm::generated, 2);
  ASSERT_EQ(rec.count(), 1u);  // the UPDATE (the commit expired d: nothing read yet)
  EXPECT_EQ(count_matching(rec, compiled_sql("UPDATE draft SET body = ?, version = ? WHERE draft.id = ? AND draft.version = ?")), 1u);
  EXPECT_EQ(rec.entries()[0].params.back(), retort::sql::value(v1));  // matched against the loaded version
  const std::string v2 = d->version;
  EXPECT_NE(v2, v1);
  // Another transaction writes the row: this session's UPDATE matches nothing.
  {
    auto other = session();
    auto mine = other.get<vm::Draft>(d->id);
    mine->body = "theirs";
    other.commit();
  }
  d->body = "mine";
  EXPECT_THROW(s.commit(), retort::StaleDataError);
  s.rollback();
  EXPECT_EQ(d->body, "theirs");
  EXPECT_NE(d->version, v2);
}

}  // namespace
