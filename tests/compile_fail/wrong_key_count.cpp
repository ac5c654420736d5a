// Must not compile: one key value for a two-column primary key.
#include "retort/retort.hpp"

struct Membership {
  int user_id = 0;
  int group_id = 0;
};
template <>
inline constexpr auto retort::mapping<Membership> = retort::model(
    retort::column<&Membership::user_id>(retort::primary_key), retort::column<&Membership::group_id>(retort::primary_key));

int main() {
  retort::database db("sqlite://");
  auto s = db.session();
  auto m = s.get<Membership>(1);
}
