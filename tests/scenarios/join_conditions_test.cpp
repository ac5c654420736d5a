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

// ---- join_where on a many-to-many ----

class join_where_many_to_many_test : public retort::testing::orm_test {
 protected:
  /// A rack with discs x (vinyl), y, z (vinyl), through Rack.discs; its id.
  int seed_rack() {
    auto s = session();
    auto rack = s.add(Rack{.name = "r"});
    rack->discs.add(Disc{.title = "x", .vinyl = true});
    rack->discs.add(Disc{.title = "y", .vinyl = false});
    rack->discs.add(Disc{.title = "z", .vinyl = true});
    s.commit();
    return rack->id;
  }
  static strings titles(retort::many<Disc>& c) {
    strings out;
    for (auto& d : c) out.push_back(d.title);
    return out;
  }
};

TEST_P(join_where_many_to_many_test, the_criteria_apply_to_the_target_in_the_lazy_load) {
  auto id = seed_rack();
  auto s = session();
  auto rack = s.get<Rack>(id);
  auto& rec = record();
  EXPECT_EQ(titles(rack->vinyls), (strings{"x", "z"}));
  EXPECT_SQL(rec, {compiled_sql("SELECT disc.id, disc.title, disc.vinyl FROM disc, rack_discs WHERE "
                                "rack_discs.rack_id = ? AND disc.id = rack_discs.disc_id AND disc.vinyl = ? "
                                "ORDER BY disc.id")
                       .params({id, true})});
  rec.clear();
  EXPECT_EQ(titles(rack->discs), (strings{"x", "y", "z"}));
  ASSERT_EQ(rec.count(), 1u);
  EXPECT_EQ(rack->vinyls.at(0), rack->discs.at(0));  // one identity per row
}

// As SQLAlchemy's (a secondary relationship with criteria that is not viewonly):
// what is added through it gets a link row, whether or not it meets the
// criteria; what is removed loses its link row. The criteria only filter loads.
TEST_P(join_where_many_to_many_test, writes_through_it_insert_and_delete_link_rows) {
  auto id = seed_rack();
  auto s = session();
  auto rack = s.get<Rack>(id);
  ASSERT_EQ(rack->vinyls.size(), 2u);
  auto& rec = record();
  rack->vinyls.add(Disc{.title = "w", .vinyl = true});
  s.flush();
  EXPECT_EQ(shapes(rec), (strings{"INSERT disc", "INSERT rack_discs"}));
  rec.clear();
  rack->vinyls.add(Disc{.title = "v", .vinyl = false});  // does not meet the criteria: linked all the same
  s.flush();
  EXPECT_EQ(shapes(rec), (strings{"INSERT disc", "INSERT rack_discs"}));
  rec.clear();
  rack->vinyls.remove(rack->vinyls.at(0));  // x
  s.flush();
  EXPECT_EQ(shapes(rec), (strings{"DELETE rack_discs"}));
  EXPECT_EQ(rows(s, "rack_discs", "rack_id = " + std::to_string(id)), 4);
  s.commit();
  rec.clear();
  EXPECT_EQ(titles(rack->vinyls), (strings{"z", "w"}));  // v is linked, but not vinyl
  EXPECT_EQ(titles(rack->discs), (strings{"y", "z", "w", "v"}));
  EXPECT_EQ(rows(s, "disc"), 5);  // x stays: only its link went
}

// ---- join_where on a many-to-one ----

class join_where_many_to_one_test : public retort::testing::orm_test {
 protected:
  struct ids {
    int closed, open;
  };
  /// A closed campaign with a pledge of 10, an open one with a pledge of 20.
  ids seed() {
    auto s = session();
    auto closed = s.add(Campaign{.name = "old", .closed = true});
    closed->pledges.add(Pledge{.amount = 10});
    auto open = s.add(Campaign{.name = "new", .closed = false});
    open->pledges.add(Pledge{.amount = 20});
    s.commit();
    return {closed->id, open->id};
  }
  static std::string campaign_by_key() {
    return "SELECT campaign.id, campaign.name, campaign.closed FROM campaign "
           "WHERE campaign.id = ? AND campaign.closed = ?";
  }
};

// SQLAlchemy's many-to-one with extra criteria is not "simple": its lazy load
// always SELECTs, even when the row its key names is in the identity map.
TEST_P(join_where_many_to_one_test, the_lazy_load_selects_with_the_criteria_despite_the_identity_map) {
  auto [closed_id, open_id] = seed();
  auto s = session();
  auto closed = s.get<Campaign>(closed_id);
  auto ten = closed->pledges.at(0);
  auto& rec = record();
  EXPECT_FALSE(ten->open_campaign);  // closed: the criteria fail
  EXPECT_SQL(rec, {compiled_sql(campaign_by_key()).params({closed_id, false})});
  auto open = s.get<Campaign>(open_id);
  auto twenty = open->pledges.at(0);
  rec.clear();
  EXPECT_EQ(twenty->open_campaign.get(), open);  // the same object, through a SELECT
  EXPECT_SQL(rec, {compiled_sql(campaign_by_key()).params({open_id, false})});
}

// Assigning it loads the value it replaces (with the criteria) to unlink the
// reverse, as SQLAlchemy's backref does; the identity map is not asked.
TEST_P(join_where_many_to_one_test, assigning_it_loads_the_replaced_value_with_the_criteria) {
  auto [closed_id, open_id] = seed();
  int third_id = 0;
  {
    auto s = session();
    auto third = s.add(Campaign{.name = "third"});
    s.commit();
    third_id = third->id;
  }
  auto s = session();
  auto closed = s.get<Campaign>(closed_id);
  auto open = s.get<Campaign>(open_id);
  auto third = s.get<Campaign>(third_id);
  auto ten = closed->pledges.at(0);
  auto twenty = open->pledges.at(0);
  EXPECT_TRUE(third->pledges.empty());
  auto& rec = record();
  twenty->open_campaign = third;  // replaces `open`, found by the SELECT
  EXPECT_SQL(rec, {compiled_sql(campaign_by_key()).params({open_id, false})});
  EXPECT_TRUE(open->pledges.empty());
  EXPECT_EQ(third->pledges.size(), 1u);
  rec.clear();
  ten->open_campaign = third;  // the closed campaign is not its value: nothing to unlink
  // The load autoflushes the first change.
  EXPECT_SQL(rec, {verb_table("UPDATE", "pledge"), compiled_sql(campaign_by_key()).params({closed_id, false})});
  EXPECT_EQ(closed->pledges.size(), 1u);  // stale until expired, as in SQLAlchemy
  EXPECT_EQ(third->pledges.size(), 2u);
  rec.clear();
  s.commit();
  EXPECT_EQ(shapes(rec), (strings{"UPDATE pledge"}));
  EXPECT_EQ(rows(s, "pledge", "campaign_id = " + std::to_string(third_id)), 2);
  EXPECT_TRUE(closed->pledges.empty());
}

RETORT_ORM_SUITE(join_where_many_to_many_test);
RETORT_ORM_SUITE(join_where_many_to_one_test);

}  // namespace
