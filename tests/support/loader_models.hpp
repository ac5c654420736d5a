// Models of the loader tests (tests/loaders): every relationship kind, lazy by
// default so each test chooses the strategy with an option, plus a pair with
// eager defaults.
//
//   Writer.stories = relationship("Story", back_populates="writer")            one-to-many
//   Writer.bio     = relationship("Bio", uselist=False, back_populates="writer") one-to-one
//   Story.writer   = relationship("Writer", back_populates="stories")          many-to-one
//   Story.topics   = relationship("Topic", secondary=story_topics, back_populates="stories")
//   Story.remarks  = relationship("Remark")           (nested under stories; lazy loads never batched)
//   Shelf.volumes / Volume.shelf                                               composite key
//   Menu.dishes    = relationship("Dish", lazy="joined", back_populates="menu")
//   Dish.menu      = relationship("Menu", lazy="joined", back_populates="dishes")
//   Dish.sides     = relationship("Side", lazy="selectin")
#pragma once

#include <optional>
#include <string>

#include <retort/retort.hpp>

namespace loaders {

struct Story;
struct Bio;
struct Topic;
struct Remark;

struct Writer {
  int id = 0;
  std::string name{};
  retort::many<Story> stories{};
  retort::one<Bio> bio{};
};
struct Bio {
  int id = 0;
  std::string text{};
  std::optional<int> writer_id{};
  retort::one<Writer> writer{};
};
struct Story {
  int id = 0;
  std::string title{};
  std::optional<int> writer_id{};
  retort::one<Writer> writer{};
  retort::many<Topic> topics{};
  retort::many<Remark> remarks{};
};
struct Topic {
  int id = 0;
  std::string label{};
  retort::many<Story> stories{};
};
struct Remark {
  int id = 0;
  std::string text{};
  std::optional<int> story_id{};
};

struct Volume;
struct Shelf {
  int region = 0;
  int code = 0;
  std::string name{};
  retort::many<Volume> volumes{};
};
struct Volume {
  int id = 0;
  std::string title{};
  std::optional<int> shelf_region{};
  std::optional<int> shelf_code{};
  retort::one<Shelf> shelf{};
};

struct Dish;
struct Side;
struct Menu {
  int id = 0;
  std::string name{};
  retort::many<Dish> dishes{};
};
struct Dish {
  int id = 0;
  std::string name{};
  std::optional<int> menu_id{};
  retort::one<Menu> menu{};
  retort::many<Side> sides{};
};
struct Side {
  int id = 0;
  std::string name{};
  std::optional<int> dish_id{};
};

inline constexpr auto story_topics = retort::association_table(
    "story_topics", retort::link<&Story::id>("story_id"), retort::link<&Topic::id>("topic_id"));

}  // namespace loaders

template <>
inline constexpr auto retort::mapping<loaders::Writer> = retort::model(
    retort::column<&loaders::Writer::id>(retort::primary_key),
    retort::column<&loaders::Writer::name>(retort::String(40)),
    retort::relationship<&loaders::Writer::stories>(retort::back_populates<&loaders::Story::writer>),
    retort::relationship<&loaders::Writer::bio>(retort::back_populates<&loaders::Bio::writer>));
template <>
inline constexpr auto retort::mapping<loaders::Bio> = retort::model(
    retort::column<&loaders::Bio::id>(retort::primary_key), retort::column<&loaders::Bio::text>(retort::String(80)),
    retort::column<&loaders::Bio::writer_id>(retort::foreign_key<&loaders::Writer::id>),
    retort::relationship<&loaders::Bio::writer>(retort::back_populates<&loaders::Writer::bio>));
template <>
inline constexpr auto retort::mapping<loaders::Story> = retort::model(
    retort::column<&loaders::Story::id>(retort::primary_key),
    retort::column<&loaders::Story::title>(retort::String(80)),
    retort::column<&loaders::Story::writer_id>(retort::foreign_key<&loaders::Writer::id>),
    retort::relationship<&loaders::Story::writer>(retort::back_populates<&loaders::Writer::stories>),
    retort::relationship<&loaders::Story::topics>(retort::secondary<loaders::story_topics>,
                                                  retort::back_populates<&loaders::Topic::stories>),
    retort::relationship<&loaders::Story::remarks>(retort::no_batching));
template <>
inline constexpr auto retort::mapping<loaders::Topic> = retort::model(
    retort::column<&loaders::Topic::id>(retort::primary_key),
    retort::column<&loaders::Topic::label>(retort::String(40)),
    retort::relationship<&loaders::Topic::stories>(retort::secondary<loaders::story_topics>,
                                                   retort::back_populates<&loaders::Story::topics>));
template <>
inline constexpr auto retort::mapping<loaders::Remark> = retort::model(
    retort::column<&loaders::Remark::id>(retort::primary_key),
    retort::column<&loaders::Remark::text>(retort::String(80)),
    retort::column<&loaders::Remark::story_id>(retort::foreign_key<&loaders::Story::id>));

template <>
inline constexpr auto retort::mapping<loaders::Shelf> = retort::model(
    retort::column<&loaders::Shelf::region>(retort::primary_key),
    retort::column<&loaders::Shelf::code>(retort::primary_key),
    retort::column<&loaders::Shelf::name>(retort::String(40)),
    retort::relationship<&loaders::Shelf::volumes>(retort::back_populates<&loaders::Volume::shelf>));
template <>
inline constexpr auto retort::mapping<loaders::Volume> = retort::model(
    retort::column<&loaders::Volume::id>(retort::primary_key),
    retort::column<&loaders::Volume::title>(retort::String(40)),
    retort::column<&loaders::Volume::shelf_region>(retort::foreign_key<&loaders::Shelf::region>),
    retort::column<&loaders::Volume::shelf_code>(retort::foreign_key<&loaders::Shelf::code>),
    retort::relationship<&loaders::Volume::shelf>(retort::back_populates<&loaders::Shelf::volumes>));

template <>
inline constexpr auto retort::mapping<loaders::Menu> = retort::model(
    retort::column<&loaders::Menu::id>(retort::primary_key),
    retort::column<&loaders::Menu::name>(retort::String(40)),
    retort::relationship<&loaders::Menu::dishes>(retort::lazy<retort::joined>,
                                                 retort::back_populates<&loaders::Dish::menu>));
template <>
inline constexpr auto retort::mapping<loaders::Dish> = retort::model(
    retort::column<&loaders::Dish::id>(retort::primary_key),
    retort::column<&loaders::Dish::name>(retort::String(40)),
    retort::column<&loaders::Dish::menu_id>(retort::foreign_key<&loaders::Menu::id>),
    retort::relationship<&loaders::Dish::menu>(retort::lazy<retort::joined>,
                                               retort::back_populates<&loaders::Menu::dishes>),
    retort::relationship<&loaders::Dish::sides>(retort::lazy<retort::selectin>));
template <>
inline constexpr auto retort::mapping<loaders::Side> = retort::model(
    retort::column<&loaders::Side::id>(retort::primary_key),
    retort::column<&loaders::Side::name>(retort::String(40)),
    retort::column<&loaders::Side::dish_id>(retort::foreign_key<&loaders::Dish::id>));
