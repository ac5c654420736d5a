// Custom join conditions and viewonly relationships (SQLAlchemy's "Configuring
// how Relationship Joins": primaryjoin with extra criteria, viewonly=True):
// criteria are bound parameters of the lazy load; a viewonly relationship
// loads but is never written at flush, cascades nothing into the session, and
// neither back-populates nor is back-populated by its writable partner.
#include "scenarios/scenario_support.hpp"
#include "support/join_models.hpp"

namespace {

using namespace joins;
using namespace retort::testing::sql_rules;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class join_conditions_test : public retort::testing::orm_test {
 protected:
  /// A mailbox with four messages: a (unread, 1, work), b (read, 1, work), c (unread, 2, work), d (unread, 1, home).
  int seed_mailbox() {
    auto s = session();
    auto box = s.add(Mailbox{.name = "inbox"});
    box->messages.add(Message{.subject = "a", .read = false, .priority = 1, .label = "work"});
    box->messages.add(Message{.subject = "b", .read = true, .priority = 1, .label = "work"});
    box->messages.add(Message{.subject = "c", .read = false, .priority = 2, .label = "work"});
    box->messages.add(Message{.subject = "d", .read = false, .priority = 1, .label = "home"});
    s.commit();
    return box->id;
  }
  static strings subjects(retort::many<Message>& c) {
    strings out;
    for (auto& m : c) out.push_back(m.subject);
    return out;
  }
  static const char* message_columns() {
    return "SELECT message.id, message.subject, message.read, message.priority, message.label, message.mailbox_id "
           "FROM message";
  }
};

TEST_P(join_conditions_test, extra_criteria_are_bound_parameters_of_the_lazy_load) {
  auto id = seed_mailbox();
  auto s = session();
  auto box = s.get<Mailbox>(id);
  auto& rec = record();
  EXPECT_EQ(subjects(box->unread), (strings{"a", "c", "d"}));
  EXPECT_SQL(rec, {compiled_sql(std::string(message_columns()) +
                                " WHERE message.mailbox_id = ? AND message.read = ? ORDER BY message.id")
                       .params({id, false})});
  rec.clear();
  EXPECT_EQ(subjects(box->urgent_work), (strings{"a", "b"}));
  EXPECT_SQL(rec, {compiled_sql(std::string(message_columns()) +
                                " WHERE message.mailbox_id = ? AND message.priority = ? AND message.label = ? "
                                "ORDER BY message.id")
                       .params({id, 1, "work"})});
  rec.clear();
  EXPECT_EQ(subjects(box->messages), (strings{"a", "b", "c", "d"}));  // the plain relationship: every message
  EXPECT_SQL(rec, {compiled_sql(std::string(message_columns()) + " WHERE message.mailbox_id = ? ORDER BY message.id")
                       .params({id})});
  // The three collections share the objects: one identity per row.
  EXPECT_EQ(box->unread.at(0), box->messages.at(0));
  EXPECT_EQ(box->urgent_work.at(0), box->messages.at(0));
}

TEST_P(join_conditions_test, appending_to_a_viewonly_collection_writes_nothing) {
  auto id = seed_mailbox();
  auto s = session();
  auto box = s.get<Mailbox>(id);
  ASSERT_EQ(box->unread.size(), 3u);
  auto fresh = retort::make(Message{.subject = "e"});
  box->unread.add(fresh);                // transient: not cascaded into the session
  auto b = box->messages.at(1);          // read, so not in unread
  box->unread.add(b);                    // persistent: its key is not touched
  box->unread.remove(box->unread.at(0));  // a: stays in the mailbox
  EXPECT_EQ(subjects(box->unread), (strings{"c", "d", "e", "b"}));  // in memory, as a Python list would be
  EXPECT_EQ(fresh.state()->session, nullptr);
  EXPECT_FALSE(fresh->mailbox);  // no back-population to Message.mailbox
  EXPECT_EQ(box->messages.size(), 4u);
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {});
  EXPECT_EQ(rows(s, "message"), 4);
  EXPECT_EQ(rows(s, "message", "mailbox_id = " + std::to_string(id)), 4);
  s.commit();  // expired: the next access loads what the database says
  EXPECT_EQ(subjects(box->unread), (strings{"a", "c", "d"}));
}

TEST_P(join_conditions_test, deleting_the_parent_writes_only_through_writable_relationships) {
  auto id = seed_mailbox();
  auto s = session();
  auto box = s.get<Mailbox>(id);
  ASSERT_EQ(box->unread.size(), 3u);
  ASSERT_EQ(box->messages.size(), 4u);
  auto& rec = record();
  s.delete_(box);
  s.flush();
  // Mailbox.messages (no delete cascade) sets the children's keys to NULL; unread adds nothing.
  EXPECT_SQL(rec, {verb_table("UPDATE", "message"), verb_table("DELETE", "mailbox")});
  EXPECT_EQ(rec.entries().front().batch, 4u);
  EXPECT_EQ(rows(s, "message", "mailbox_id IS NULL"), 4);
}

TEST_P(join_conditions_test, a_viewonly_many_to_one_loads_and_is_never_written) {
  auto id = seed_mailbox();
  int other = 0;
  {
    auto s = session();
    auto archive = s.add(Mailbox{.name = "archive"});
    s.commit();
    other = archive->id;
  }
  auto s = session();
  auto box = s.get<Mailbox>(id);
  auto a = box->messages.at(0);
  auto& rec = record();
  EXPECT_EQ(a->box.get(), box);  // the key names a mailbox in the identity map: no SQL
  EXPECT_SQL(rec, {});
  auto archive = s.get<Mailbox>(other);
  rec.clear();
  a->box = archive;
  s.flush();
  EXPECT_SQL(rec, {});
  EXPECT_EQ(a->mailbox_id, id);
  EXPECT_EQ(a->mailbox.get(), box);
  EXPECT_TRUE(archive->messages.empty());
  EXPECT_EQ(rows(s, "message", "mailbox_id = " + std::to_string(other)), 0);
}

TEST_P(join_conditions_test, a_writable_side_does_not_back_populate_its_viewonly_partner) {
  auto s = session();
  auto desk = s.add(Desk{.owner = "ann"});
  s.commit();
  EXPECT_TRUE(desk->memos.empty());  // loaded (empty)
  auto one = retort::make(Memo{.text = "one"});
  one->desk = desk;  // writable many-to-one
  EXPECT_TRUE(desk->memos.empty());
  EXPECT_EQ(one.state()->session, nullptr);  // nothing cascades back through the viewonly side
  s.add(one);
  auto two = retort::make(Memo{.text = "two"});
  desk->memos.add(two);  // viewonly: two gets no desk, and no session
  EXPECT_FALSE(two->desk);
  EXPECT_EQ(two.state()->session, nullptr);
  ASSERT_EQ(desk->memos.size(), 1u);
  EXPECT_EQ(desk->memos.at(0), two);
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO memo (text, desk_id) VALUES (?, ?)")
                       .params({"one", desk->id})
                       .returning("id")});
  EXPECT_EQ(desk->memos.at(0), two);  // a flush does not reload it
  s.commit();
  ASSERT_EQ(desk->memos.size(), 1u);
  EXPECT_EQ(desk->memos.at(0), one);
  rec.clear();
  desk->memos.remove(one);  // viewonly: the key stays
  s.commit();
  EXPECT_SQL(rec, {});
  EXPECT_EQ(rows(s, "memo", "desk_id = " + std::to_string(desk->id)), 1);
  EXPECT_EQ(one->desk.get(), desk);
}

RETORT_ORM_SUITE(join_conditions_test);

}  // namespace
