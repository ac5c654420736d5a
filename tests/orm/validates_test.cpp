// Validators (SQLAlchemy's @validates, issue 10 item 3): a column's validator
// runs in retort::set and at flush for every column written, so no refused
// value reaches the database however it was assigned; a relationship's runs
// on append / set (and remove, when it takes is_remove), on both sides of a
// back_populates pair, before either side changes. A refusal is a
// ValidationError naming class, attribute and value.
#include <cctype>
#include <string>

#include "retort/orm/validation.hpp"
#include "support/orm_fixture.hpp"

using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace vt {
struct Address;
struct Account {
  int id = 0;
  std::string email{};
  int age = 0;
  std::string tier{};  // default_("basic"): an unset member is the default's, not validated
  retort::many<Address> addresses{};
};
struct Address {
  int id = 0;
  std::string city{};
  int account_id = 0;
  retort::one<Account> account{};
};
inline int email_checks = 0;
}  // namespace vt

template <>
inline constexpr auto retort::mapping<vt::Account> = retort::model(
    retort::column<&vt::Account::id>(retort::primary_key),
    retort::column<&vt::Account::email>(retort::String(80), retort::not_null,
                                        retort::validates([](const vt::Account&, const std::string& e) {
                                          ++vt::email_checks;
                                          if (e.find('@') == std::string::npos) throw retort::invalid("must contain @");
                                          std::string lower = e;
                                          for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                                          return lower;  // the value stored: normalised
                                        })),
    retort::column<&vt::Account::age>(retort::validates([](const vt::Account&, int a) { return a >= 0 && a <= 150; })),
    retort::column<&vt::Account::tier>(retort::String(20), retort::default_("basic"),
                                       retort::validates([](const vt::Account&, const std::string& t) {
                                         return t == "basic" || t == "gold";
                                       })),
    retort::relationship<&vt::Account::addresses>(
        retort::back_populates<&vt::Address::account>,
        retort::validates([](const vt::Account&, const retort::ptr<vt::Address>& a, bool is_remove) {
          if (!is_remove && a->city == "Nowhere") throw retort::invalid("no such city");
          return !(is_remove && a->city == "Home");  // the home address stays
        })));

template <>
inline constexpr auto retort::mapping<vt::Address> = retort::model(
    retort::column<&vt::Address::id>(retort::primary_key), retort::column<&vt::Address::city>(retort::String(40)),
    retort::column<&vt::Address::account_id>(retort::foreign_key<&vt::Account::id>, retort::not_null),
    retort::relationship<&vt::Address::account>(retort::back_populates<&vt::Account::addresses>));

namespace {

using vt::Account;
using vt::Address;

class validates_test : public orm_test {};
RETORT_ORM_SUITE(validates_test);

TEST_P(validates_test, set_stores_the_normalised_value_and_refuses_with_a_typed_error) {
  auto a = retort::make(Account{.email = "x@y.z"});
  retort::set<&Account::email>(a, "Alice@Example.ORG");
  EXPECT_EQ(a->email, "alice@example.org");
  try {
    retort::set<&Account::email>(a, "no-at-sign");
    FAIL() << "accepted an invalid email";
  } catch (const retort::ValidationError& e) {
    EXPECT_EQ(e.class_name(), "Account");
    EXPECT_EQ(e.attribute(), "email");
    EXPECT_EQ(e.value(), "'no-at-sign'");
    EXPECT_EQ(e.reason(), "must contain @");
    EXPECT_STREQ(e.what(), "Account.email: invalid value 'no-at-sign' (must contain @)");
  }
  EXPECT_EQ(a->email, "alice@example.org");  // left as it was
  EXPECT_THROW(retort::set<&Account::age>(*a, 200), retort::ValidationError);
  EXPECT_EQ(a->age, 0);
  retort::set<&Account::age>(*a, 42);
  EXPECT_EQ(a->age, 42);
}

TEST_P(validates_test, a_plain_assignment_is_validated_at_flush_and_nothing_is_written) {
  auto s = session();
  auto a = s.add(Account{.email = "bob@example.org", .age = 30});
  s.commit();
  a->age = 200;  // a plain member: C++ cannot intercept this, the flush checks it
  auto& rec = record();
  try {
    s.commit();
    FAIL() << "flushed an invalid age";
  } catch (const retort::ValidationError& e) {
    EXPECT_STREQ(e.what(), "Account.age: invalid value 200");
  }
  EXPECT_EQ(rec.count(), 0u);  // refused before its UPDATE
  s.rollback();
  EXPECT_EQ(a->age, 30);  // expired by the rollback, loaded again
  a->age = 31;
  s.commit();  // usable after the rollback
  auto fresh = session();
  EXPECT_EQ(fresh.get<Account>(a->id)->age, 31);
}

TEST_P(validates_test, an_insert_writes_the_normalised_value_and_skips_what_a_default_fills) {
  auto s = session();
  auto& rec = record();
  s.add(Account{.email = "Carol@Example.ORG", .age = 20});  // tier unset: default_("basic")
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO account (email, age, tier) VALUES (?, ?, ?)")
                       .params({"carol@example.org", 20, "basic"})
                       .returning("id")});
  s.add(Account{.email = "dan@example.org", .tier = "platinum"});  // assigned, and refused
  EXPECT_THROW(s.flush(), retort::ValidationError);
  s.rollback();
  EXPECT_EQ(s.query<Account>().count(), 0u);  // the first INSERT went with the transaction
}

TEST_P(validates_test, an_update_validates_only_the_columns_it_changes) {
  // A row written by other code: loading it does not validate.
  db().engine().connect().execute("INSERT INTO account (email, age, tier) VALUES ('legacy', 5, 'basic')");
  auto s = session();
  auto a = s.query<Account>().one();
  EXPECT_EQ(a->email, "legacy");
  vt::email_checks = 0;
  a->age = 6;
  auto& rec = record();
  s.flush();  // email unchanged: not validated, not written
  EXPECT_EQ(vt::email_checks, 0);
  EXPECT_SQL(rec, {compiled_sql("UPDATE account SET age = ? WHERE account.id = ?").params({6, a->id})});
  a->email = "still-legacy";
  EXPECT_THROW(s.flush(), retort::ValidationError);
  s.rollback();
  a->email = "Fixed@Example.org";
  rec.clear();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE account SET email = ? WHERE account.id = ?")
                       .params({"fixed@example.org", a->id})});
  EXPECT_EQ(a->email, "fixed@example.org");
}

TEST_P(validates_test, an_append_is_validated_before_the_collection_changes) {
  auto s = session();
  auto a = s.add(Account{.email = "e@example.org"});
  a->addresses.add(Address{.city = "Home"});
  s.commit();
  auto nowhere = retort::make(Address{.city = "Nowhere"});
  try {
    a->addresses.add(nowhere);
    FAIL() << "appended a refused address";
  } catch (const retort::ValidationError& e) {
    EXPECT_EQ(e.attribute(), "addresses");
    EXPECT_EQ(e.reason(), "no such city");
    EXPECT_NE(e.value().find("Address"), std::string::npos) << e.value();
  }
  EXPECT_EQ(a->addresses.size(), 1u);
  EXPECT_FALSE(nowhere->account);
  EXPECT_FALSE(s.contains(nowhere));
  // Through the other side (back_populates): validated before either side changes.
  EXPECT_THROW(nowhere->account = a, retort::ValidationError);
  EXPECT_FALSE(nowhere->account);
  EXPECT_EQ(a->addresses.size(), 1u);
  auto& rec = record();
  s.flush();
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(validates_test, a_removal_is_validated_when_the_validator_takes_is_remove) {
  auto s = session();
  auto a = s.add(Account{.email = "f@example.org"});
  auto home = a->addresses.add(Address{.city = "Home"});
  auto work = a->addresses.add(Address{.city = "Work"});
  s.commit();
  EXPECT_THROW(a->addresses.remove(home), retort::ValidationError);
  EXPECT_TRUE(a->addresses.contains(home));
  EXPECT_EQ(home->account.get(), a);
  // Moving the home address to another account removes it from this one: refused too.
  auto other = s.add(Account{.email = "g@example.org"});
  EXPECT_THROW(home->account = other, retort::ValidationError);
  EXPECT_EQ(home->account.get(), a);
  EXPECT_EQ(other->addresses.size(), 0u);
  work->account = other;  // allowed: both sides change
  EXPECT_EQ(a->addresses.size(), 1u);
  EXPECT_EQ(other->addresses.size(), 1u);
  s.commit();
  auto fresh = session();
  EXPECT_EQ(fresh.get<Address>(work->id)->account_id, other->id);
}

}  // namespace
