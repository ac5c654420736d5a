// Two foreign keys between the same two tables (SQLAlchemy's "handling
// multiple join paths"): foreign_keys<...> says which one each relationship uses.
#include "support/orm_fixture.hpp"

using fixtures::Account;
using fixtures::Transfer;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class multiple_foreign_keys_test : public orm_test {};
RETORT_ORM_SUITE(multiple_foreign_keys_test);

TEST_P(multiple_foreign_keys_test, each_relationship_writes_its_own_key) {
  auto s = session();
  auto ann = s.add(Account{.name = "ann"});
  auto bob = s.add(Account{.name = "bob"});
  auto t = ann->sent.add(Transfer{.amount = 10});
  t->target = bob;
  EXPECT_EQ(t->source.get(), ann);  // back_populates of sent
  ASSERT_EQ(bob->received.size(), 1u);  // back_populates of target
  EXPECT_TRUE(bob->sent.empty());
  EXPECT_TRUE(ann->received.empty());
  s.commit();
  EXPECT_EQ(t->source_id, ann->id);
  EXPECT_EQ(t->target_id, bob->id);
}

TEST_P(multiple_foreign_keys_test, each_collection_loads_by_its_own_key) {
  {
    auto s = session();
    auto ann = s.add(Account{.name = "ann"});
    auto bob = s.add(Account{.name = "bob"});
    auto t1 = ann->sent.add(Transfer{.amount = 10});
    t1->target = bob;
    auto t2 = bob->sent.add(Transfer{.amount = 20});
    t2->target = ann;
    auto t3 = bob->sent.add(Transfer{.amount = 30});
    t3->target = ann;
    s.commit();
  }
  auto s = session();
  auto ann = s.query<Account>().where(retort::col<&Account::name> == "ann").one();
  auto& rec = record();
  ASSERT_EQ(ann->sent.size(), 1u);
  EXPECT_EQ(ann->sent.begin()->amount, 10);
  ASSERT_EQ(ann->received.size(), 2u);
  // One SELECT per collection, each by its own key.
  EXPECT_SQL(rec,
             {compiled_sql("SELECT transfer.id, transfer.amount, transfer.source_id, transfer.target_id FROM transfer "
                           "WHERE transfer.source_id = ? ORDER BY transfer.id")
                  .params({ann->id}),
              compiled_sql("SELECT transfer.id, transfer.amount, transfer.source_id, transfer.target_id FROM transfer "
                           "WHERE transfer.target_id = ? ORDER BY transfer.id")
                  .params({ann->id})});
  for (auto& t : ann->received) EXPECT_EQ(t.target_id, ann->id);
}

TEST_P(multiple_foreign_keys_test, moving_one_end_keeps_the_other) {
  auto s = session();
  auto ann = s.add(Account{.name = "ann"});
  auto bob = s.add(Account{.name = "bob"});
  auto cid = s.add(Account{.name = "cid"});
  auto t = ann->sent.add(Transfer{.amount = 10});
  t->target = bob;
  s.commit();
  t->target = cid;  // leaves bob.received, joins cid.received; the source stays ann
  EXPECT_TRUE(bob->received.empty());
  EXPECT_EQ(cid->received.size(), 1u);
  s.commit();
  auto s2 = session();
  auto loaded = s2.get<Transfer>(t->id);
  EXPECT_EQ(loaded->source->name, "ann");
  EXPECT_EQ(loaded->target->name, "cid");
}

}  // namespace
