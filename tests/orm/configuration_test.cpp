// Mapping mistakes raise ConfigurationError naming class, attribute and fix,
// when the registry is configured (first use), never later. Each broken
// mapping here is used by one test only: configuration covers the classes
// reachable from the one asked for, so one mistake does not hide the others.
#include <gtest/gtest.h>

#include "retort/retort.hpp"

namespace cfg {

// back_populates names a column, not a relationship.
struct Owner1;
struct Pet1 {
  int id = 0;
  int owner1_id = 0;
  retort::one<Owner1> owner{};
};
struct Owner1 {
  int id = 0;
  retort::many<Pet1> pets{};
};

// No foreign key between the two tables.
struct Pet2;
struct Owner2 {
  int id = 0;
  retort::many<Pet2> pets{};
};
struct Pet2 {
  int id = 0;
  int owner_id = 0;
};

// Foreign key type does not match the referenced key.
struct Owner3 {
  int id = 0;
};
struct Pet3 {
  int id = 0;
  std::string owner_id{};
};

// No primary key.
struct Keyless {
  int id = 0;
};

// Unknown loader strategy.
struct Pet5;
struct Owner5 {
  int id = 0;
  retort::many<Pet5> pets{};
};
struct Pet5 {
  int id = 0;
  int owner_id = 0;
};

// back_populates pairs that do not name each other.
struct Pet6;
struct Owner6 {
  int id = 0;
  retort::many<Pet6> pets{};
  retort::many<Pet6> favourites{};
};
struct Pet6 {
  int id = 0;
  int owner_id = 0;
  retort::one<Owner6> owner{};
};

// Foreign key without a declared type: the member must hold the referenced key.
struct Owner7 {
  int id = 0;
};
struct Pet7 {
  int id = 0;
  std::string owner_id{};
};

// A declared type the member cannot hold.
struct Gauge {
  int id = 0;
  int reading = 0;
};

// Two foreign keys to the same table, and relationships that do not say which.
struct Letter;
struct Writer {
  int id = 0;
  retort::many<Letter> letters{};
};
struct Letter {
  int id = 0;
  int sender_id = 0;
  int recipient_id = 0;
  retort::one<Writer> sender{};
};

// foreign_keys naming a column that is not a foreign key between the two.
struct Note;
struct Author9 {
  int id = 0;
  retort::many<Note> notes{};
};
struct Note {
  int id = 0;
  int author9_id = 0;
  int editor_id = 0;
};

// A 32-bit member referencing a 64-bit key.
struct Ledger {
  std::int64_t id = 0;
};
struct Ticket {
  int id = 0;
  int account_id = 0;
};

}  // namespace cfg

using namespace cfg;
template <>
inline constexpr auto retort::mapping<Owner1> =
    retort::model(retort::column<&Owner1::id>(retort::primary_key),
                  retort::relationship<&Owner1::pets>(retort::back_populates<&Pet1::owner1_id>));
template <>
inline constexpr auto retort::mapping<Pet1> =
    retort::model(retort::column<&Pet1::id>(retort::primary_key),
                  retort::column<&Pet1::owner1_id>(retort::foreign_key<&Owner1::id>),
                  retort::relationship<&Pet1::owner>());
template <>
inline constexpr auto retort::mapping<Owner2> =
    retort::model(retort::column<&Owner2::id>(retort::primary_key), retort::relationship<&Owner2::pets>());
template <>
inline constexpr auto retort::mapping<Pet2> =
    retort::model(retort::column<&Pet2::id>(retort::primary_key), retort::column<&Pet2::owner_id>());
template <>
inline constexpr auto retort::mapping<Owner3> = retort::model(retort::column<&Owner3::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Pet3> =
    retort::model(retort::column<&Pet3::id>(retort::primary_key),
                  retort::column<&Pet3::owner_id>(retort::String(10), retort::foreign_key<&Owner3::id>));
template <>
inline constexpr auto retort::mapping<Keyless> = retort::model(retort::column<&Keyless::id>());
template <>
inline constexpr auto retort::mapping<Owner5> = retort::model(
    retort::column<&Owner5::id>(retort::primary_key), retort::relationship<&Owner5::pets>(retort::lazy{"eager"}));
template <>
inline constexpr auto retort::mapping<Pet5> =
    retort::model(retort::column<&Pet5::id>(retort::primary_key),
                  retort::column<&Pet5::owner_id>(retort::foreign_key<&Owner5::id>));
template <>
inline constexpr auto retort::mapping<Owner6> =
    retort::model(retort::column<&Owner6::id>(retort::primary_key),
                  retort::relationship<&Owner6::pets>(retort::back_populates<&Pet6::owner>),
                  retort::relationship<&Owner6::favourites>(retort::back_populates<&Pet6::owner>));
template <>
inline constexpr auto retort::mapping<Pet6> =
    retort::model(retort::column<&Pet6::id>(retort::primary_key),
                  retort::column<&Pet6::owner_id>(retort::foreign_key<&Owner6::id>),
                  retort::relationship<&Pet6::owner>(retort::back_populates<&Owner6::pets>));

template <>
inline constexpr auto retort::mapping<Owner7> = retort::model(retort::column<&Owner7::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Pet7> =
    retort::model(retort::column<&Pet7::id>(retort::primary_key),
                  retort::column<&Pet7::owner_id>(retort::foreign_key<&Owner7::id>));
template <>
inline constexpr auto retort::mapping<Gauge> = retort::model(retort::column<&Gauge::id>(retort::primary_key),
                                                             retort::column<&Gauge::reading>(retort::String(10)));
template <>
inline constexpr auto retort::mapping<Writer> =
    retort::model(retort::column<&Writer::id>(retort::primary_key), retort::relationship<&Writer::letters>());
template <>
inline constexpr auto retort::mapping<Letter> =
    retort::model(retort::column<&Letter::id>(retort::primary_key),
                  retort::column<&Letter::sender_id>(retort::foreign_key<&Writer::id>),
                  retort::column<&Letter::recipient_id>(retort::foreign_key<&Writer::id>),
                  retort::relationship<&Letter::sender>());
template <>
inline constexpr auto retort::mapping<Author9> = retort::model(
    retort::column<&Author9::id>(retort::primary_key),
    retort::relationship<&Author9::notes>(retort::foreign_keys<&Note::editor_id>));
template <>
inline constexpr auto retort::mapping<Note> =
    retort::model(retort::column<&Note::id>(retort::primary_key),
                  retort::column<&Note::author9_id>(retort::foreign_key<&Author9::id>), retort::column<&Note::editor_id>());

template <>
inline constexpr auto retort::mapping<Ledger> = retort::model(retort::column<&Ledger::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Ticket> =
    retort::model(retort::column<&Ticket::id>(retort::primary_key),
                  retort::column<&Ticket::account_id>(retort::foreign_key<&Ledger::id>));

namespace {

template <class T>
std::string configuration_error() {
  try {
    (void)retort::orm::mapper_for<T>();
  } catch (const retort::ConfigurationError& e) {
    return e.what();
  }
  return "";
}

TEST(configuration, back_populates_must_name_a_relationship) {
  auto what = configuration_error<Owner1>();
  EXPECT_NE(what.find("Owner1.pets"), std::string::npos) << what;
  EXPECT_NE(what.find("Pet1.owner1_id"), std::string::npos) << what;
  EXPECT_NE(what.find("which is a column, not a relationship"), std::string::npos) << what;
  EXPECT_NE(what.find("retort::one<Owner1> or retort::many<Owner1> member of Pet1"), std::string::npos) << what;
  EXPECT_EQ(what.find("relationship<&Pet1::owner1_id>"), std::string::npos) << what;  // would not compile
}

TEST(configuration, a_relationship_needs_a_foreign_key) {
  auto what = configuration_error<Owner2>();
  EXPECT_NE(what.find("Owner2.pets"), std::string::npos) << what;
  EXPECT_NE(what.find("no foreign key links table 'owner2' and table 'pet2'"), std::string::npos) << what;
  EXPECT_NE(what.find("foreign_key<&Owner2::id>"), std::string::npos) << what;
}

TEST(configuration, foreign_key_type_must_match) {
  auto what = configuration_error<Pet3>();
  EXPECT_NE(what.find("Pet3.owner_id"), std::string::npos) << what;
  EXPECT_NE(what.find("String does not match Owner3.id (Integer)"), std::string::npos) << what;
}

TEST(configuration, a_foreign_key_member_must_hold_the_referenced_type) {
  auto what = configuration_error<Pet7>();
  EXPECT_NE(what.find("Pet7.owner_id: a std::string member cannot hold Integer (the type of Owner7.id)"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("give the member the C++ type of Owner7.id"), std::string::npos) << what;
}

TEST(configuration, a_declared_type_must_fit_the_member) {
  auto what = configuration_error<Gauge>();
  EXPECT_NE(what.find("Gauge.reading: a 32-bit integer member cannot hold String"), std::string::npos) << what;
}

TEST(configuration, a_32_bit_member_cannot_reference_a_64_bit_key) {
  auto what = configuration_error<Ticket>();
  EXPECT_NE(what.find("Ticket.account_id: a 32-bit integer member cannot hold BigInteger (the type of Ledger.id)"),
            std::string::npos)
      << what;
}

TEST(configuration, two_foreign_keys_to_one_table_need_foreign_keys) {
  auto what = configuration_error<Letter>();
  EXPECT_NE(what.find("2 foreign keys link table 'letter' to table 'writer' (sender_id, recipient_id)"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("foreign_keys<&Letter::sender_id>"), std::string::npos) << what;
}

TEST(configuration, foreign_keys_must_name_a_foreign_key) {
  auto what = configuration_error<Author9>();
  EXPECT_NE(what.find("Author9.notes: foreign_keys names Note.editor_id, which is not a foreign key"),
            std::string::npos)
      << what;
}

TEST(configuration, a_primary_key_is_required) {
  auto what = configuration_error<Keyless>();
  EXPECT_NE(what.find("class Keyless has no primary key"), std::string::npos) << what;
}

TEST(configuration, unknown_loader_strategy) {
  auto what = configuration_error<Owner5>();
  EXPECT_NE(what.find("Owner5.pets: unknown loader strategy lazy{\"eager\"}"), std::string::npos) << what;
  EXPECT_NE(what.find("select"), std::string::npos) << what;
}

TEST(configuration, back_populates_must_be_mutual) {
  auto what = configuration_error<Owner6>();
  EXPECT_NE(what.find("Owner6.favourites"), std::string::npos) << what;
  EXPECT_NE(what.find("make the two relationships name each other"), std::string::npos) << what;
}

TEST(configuration, errors_repeat_on_every_use) {
  EXPECT_FALSE(configuration_error<Keyless>().empty());
  EXPECT_FALSE(configuration_error<Keyless>().empty());
}

}  // namespace
