// Collection options naming columns that are not mapped raise ConfigurationError
// naming Class.attribute at configuration (a column of another class is a
// compile error: tests/compile_fail/order_by_other_class.cpp). Each broken
// mapping is used by one test only.
#include <gtest/gtest.h>

#include <optional>

#include "retort/retort.hpp"

namespace colcfg {

// order_by names a member of the target that is not mapped.
struct Leaf1;
struct Tree1 {
  int id = 0;
  retort::many<Leaf1> leaves{};
};
struct Leaf1 {
  int id = 0;
  int rank = 0;  // not mapped
  std::optional<int> tree1_id{};
};

// attribute_keyed_dict names a member of the target that is not mapped.
struct Leaf2;
struct Tree2 {
  int id = 0;
  retort::keyed<std::string, Leaf2> leaves{};
};
struct Leaf2 {
  int id = 0;
  std::string label{};  // not mapped
  std::optional<int> tree2_id{};
};

// ordering_list names a member of the target that is not mapped.
struct Leaf3;
struct Tree3 {
  int id = 0;
  retort::many<Leaf3> leaves{};
};
struct Leaf3 {
  int id = 0;
  int position = 0;  // not mapped
  std::optional<int> tree3_id{};
};

}  // namespace colcfg

template <>
inline constexpr auto retort::mapping<colcfg::Tree1> =
    retort::model(retort::column<&colcfg::Tree1::id>(retort::primary_key),
                  retort::relationship<&colcfg::Tree1::leaves>(retort::order_by<retort::desc<&colcfg::Leaf1::rank>>));
template <>
inline constexpr auto retort::mapping<colcfg::Leaf1> =
    retort::model(retort::column<&colcfg::Leaf1::id>(retort::primary_key),
                  retort::column<&colcfg::Leaf1::tree1_id>(retort::foreign_key<&colcfg::Tree1::id>));

template <>
inline constexpr auto retort::mapping<colcfg::Tree2> = retort::model(
    retort::column<&colcfg::Tree2::id>(retort::primary_key),
    retort::relationship<&colcfg::Tree2::leaves>(retort::attribute_keyed_dict<&colcfg::Leaf2::label>));
template <>
inline constexpr auto retort::mapping<colcfg::Leaf2> =
    retort::model(retort::column<&colcfg::Leaf2::id>(retort::primary_key),
                  retort::column<&colcfg::Leaf2::tree2_id>(retort::foreign_key<&colcfg::Tree2::id>));

template <>
inline constexpr auto retort::mapping<colcfg::Tree3> =
    retort::model(retort::column<&colcfg::Tree3::id>(retort::primary_key),
                  retort::relationship<&colcfg::Tree3::leaves>(retort::ordering_list<&colcfg::Leaf3::position>));
template <>
inline constexpr auto retort::mapping<colcfg::Leaf3> =
    retort::model(retort::column<&colcfg::Leaf3::id>(retort::primary_key),
                  retort::column<&colcfg::Leaf3::tree3_id>(retort::foreign_key<&colcfg::Tree3::id>));

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

TEST(collection_configuration, order_by_must_name_a_mapped_column) {
  auto what = configuration_error<colcfg::Tree1>();
  EXPECT_NE(what.find("Tree1.leaves: order_by names Leaf1.rank, which is not a mapped column"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("retort::column<&Leaf1::rank>"), std::string::npos) << what;
}

TEST(collection_configuration, attribute_keyed_dict_must_name_a_mapped_column) {
  auto what = configuration_error<colcfg::Tree2>();
  EXPECT_NE(what.find("Tree2.leaves: attribute_keyed_dict names Leaf2.label, which is not a mapped "
                      "column"),
            std::string::npos)
      << what;
}

TEST(collection_configuration, ordering_list_must_name_a_mapped_column) {
  auto what = configuration_error<colcfg::Tree3>();
  EXPECT_NE(what.find("Tree3.leaves: ordering_list names Leaf3.position, which is not a mapped "
                      "column"),
            std::string::npos)
      << what;
}

}  // namespace
