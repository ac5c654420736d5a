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
  EXPECT_NE(what.find("add retort::relationship<&Pet1::owner1_id>"), std::string::npos) << what;
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
