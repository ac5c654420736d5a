// Every supported column type round-trips through the ORM on both databases.
#include "support/orm_fixture.hpp"

using fixtures::Profile;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class types_test : public orm_test {};
RETORT_ORM_SUITE(types_test);

TEST_P(types_test, every_type_round_trips) {
  using namespace std::chrono;
  auto seen = retort::date_time(sys_days{2024y / March / 5} + hours{13} + minutes{7} + seconds{9} + microseconds{123456});
  {
    auto s = session();
    s.add(Profile{.handle = "h",
                  .bio = "multi\nline 'quoted' \"text\" ünïcode",
                  .active = true,
                  .score = 2.5,
                  .ratio = 0.25f,
                  .balance = {"1234.50"},
                  .born = 1990y / January / 31,
                  .seen = seen,
                  .avatar = {0, 1, 2, 255},
                  .age = 33,
                  .nickname = std::nullopt});
    s.commit();
  }
  auto s = session();
  auto p = s.get<Profile>(1);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->bio, "multi\nline 'quoted' \"text\" ünïcode");
  EXPECT_TRUE(p->active);
  EXPECT_DOUBLE_EQ(p->score, 2.5);
  EXPECT_FLOAT_EQ(p->ratio, 0.25f);
  EXPECT_DOUBLE_EQ(std::stod(p->balance.text), 1234.5);
  EXPECT_EQ(p->born, 1990y / January / 31);
  EXPECT_EQ(p->seen, seen);
  EXPECT_EQ(p->avatar, (retort::blob{0, 1, 2, 255}));
  EXPECT_EQ(p->age, 33);
  EXPECT_EQ(p->nickname, std::nullopt);
  // Reading back changes nothing: no UPDATE from type round-trips.
  auto& rec = record();
  s.flush();
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(types_test, renamed_column_and_table_name_are_used) {
  auto s = session();
  s.add(Profile{.handle = "h", .nickname = "nick"});
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec,
             {compiled_sql("INSERT INTO profiles (handle, bio, active, score, ratio, balance, born, seen, avatar, age, "
                           "nick) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                  .returning("id")});
}

}  // namespace
