// Fixture models for the collection scenarios (tests/scenarios/collections_test.cpp):
// SQLAlchemy's "Collection Configuration" chapter and ext.orderinglist, each with
// the SQLAlchemy declaration it mirrors beside it.
#pragma once

#include <optional>
#include <string>

#include "retort/retort.hpp"

namespace collections {

// order_by on a relationship, several columns, descending and ascending:
//   Shelf.books = relationship("Book", order_by=[Book.year.desc(), Book.title], back_populates="shelf")
struct Book;
struct Shelf {
  int id = 0;
  std::string name{};
  retort::many<Book> books{};
};
struct Book {
  int id = 0;
  std::string title{};
  int year = 0;
  std::optional<int> shelf_id{};
  retort::one<Shelf> shelf{};
};

// A set collection on both sides of a many-to-many:
//   Recipe.ingredients = relationship("Ingredient", secondary=recipe_ingredients, collection_class=set,
//                                     back_populates="recipes")
struct Ingredient;
struct Recipe {
  int id = 0;
  std::string name{};
  retort::set_of<Ingredient> ingredients{};
};
struct Ingredient {
  int id = 0;
  std::string name{};
  retort::set_of<Recipe> recipes{};
};

// A map keyed by an attribute of the child:
//   Item.notes = relationship("Note", collection_class=attribute_keyed_dict("keyword"),
//                             cascade="all, delete-orphan", back_populates="item")
struct Note;
struct Item {
  int id = 0;
  std::string name{};
  retort::keyed<std::string, Note> notes{};
};
struct Note {
  int id = 0;
  std::string keyword{};
  std::string text{};
  std::optional<int> item_id{};
  retort::one<Item> item{};
};

// A keyed collection created by a backref:
//   Sheet.atlas = relationship("Atlas",
//       backref=backref("sheets", collection_class=attribute_keyed_dict("region")))
struct Sheet;
struct Atlas {
  int id = 0;
  std::string title{};
  retort::keyed<std::string, Sheet> sheets{};
};
struct Sheet {
  int id = 0;
  std::string region{};
  std::optional<int> atlas_id{};
  retort::one<Atlas> atlas{};
};

// ext.orderinglist:
//   Slide.bullets = relationship("Bullet", order_by="Bullet.position", collection_class=ordering_list("position"),
//                                cascade="all, delete-orphan", back_populates="slide")
struct Bullet;
struct Slide {
  int id = 0;
  std::string name{};
  retort::many<Bullet> bullets{};
};
struct Bullet {
  int id = 0;
  std::string text{};
  int position = 0;
  std::optional<int> slide_id{};
  retort::one<Slide> slide{};
};

// A list many-to-many, for whole-collection assignment:
//   Playlist.songs = relationship("Song", secondary=playlist_songs, back_populates="playlists")
struct Song;
struct Playlist {
  int id = 0;
  std::string name{};
  retort::many<Song> songs{};
};
struct Song {
  int id = 0;
  std::string title{};
  retort::many<Playlist> playlists{};
};

inline constexpr auto recipe_ingredients =
    retort::association_table("recipe_ingredients", retort::link<&Recipe::id>("recipe_id"),
                              retort::link<&Ingredient::id>("ingredient_id"));
inline constexpr auto playlist_songs = retort::association_table(
    "playlist_songs", retort::link<&Playlist::id>("playlist_id"), retort::link<&Song::id>("song_id"));

}  // namespace collections

template <>
inline constexpr auto retort::mapping<collections::Shelf> = retort::model(
    retort::column<&collections::Shelf::id>(retort::primary_key),
    retort::column<&collections::Shelf::name>(retort::String(40)),
    retort::relationship<&collections::Shelf::books>(
        retort::order_by<retort::desc<&collections::Book::year>, retort::asc<&collections::Book::title>>,
        retort::back_populates<&collections::Book::shelf>));
template <>
inline constexpr auto retort::mapping<collections::Book> = retort::model(
    retort::column<&collections::Book::id>(retort::primary_key),
    retort::column<&collections::Book::title>(retort::String(80)),
    retort::column<&collections::Book::year>(),
    retort::column<&collections::Book::shelf_id>(retort::foreign_key<&collections::Shelf::id>),
    retort::relationship<&collections::Book::shelf>(retort::back_populates<&collections::Shelf::books>));

template <>
inline constexpr auto retort::mapping<collections::Recipe> = retort::model(
    retort::column<&collections::Recipe::id>(retort::primary_key),
    retort::column<&collections::Recipe::name>(retort::String(40)),
    retort::relationship<&collections::Recipe::ingredients>(
        retort::secondary<collections::recipe_ingredients>, retort::order_by<&collections::Ingredient::name>,
        retort::back_populates<&collections::Ingredient::recipes>));
template <>
inline constexpr auto retort::mapping<collections::Ingredient> = retort::model(
    retort::column<&collections::Ingredient::id>(retort::primary_key),
    retort::column<&collections::Ingredient::name>(retort::String(40)),
    retort::relationship<&collections::Ingredient::recipes>(retort::secondary<collections::recipe_ingredients>,
                                                            retort::back_populates<&collections::Recipe::ingredients>));

template <>
inline constexpr auto retort::mapping<collections::Item> = retort::model(
    retort::column<&collections::Item::id>(retort::primary_key),
    retort::column<&collections::Item::name>(retort::String(40)),
    retort::relationship<&collections::Item::notes>(retort::attribute_keyed_dict<&collections::Note::keyword>,
                                                    retort::cascades("all, delete-orphan"),
                                                    retort::back_populates<&collections::Note::item>));
template <>
inline constexpr auto retort::mapping<collections::Note> = retort::model(
    retort::column<&collections::Note::id>(retort::primary_key),
    retort::column<&collections::Note::keyword>(retort::String(40)),
    retort::column<&collections::Note::text>(retort::String(80)),
    retort::column<&collections::Note::item_id>(retort::foreign_key<&collections::Item::id>),
    retort::relationship<&collections::Note::item>(retort::back_populates<&collections::Item::notes>));

template <>
inline constexpr auto retort::mapping<collections::Atlas> = retort::model(
    retort::column<&collections::Atlas::id>(retort::primary_key),
    retort::column<&collections::Atlas::title>(retort::String(40)));
template <>
inline constexpr auto retort::mapping<collections::Sheet> = retort::model(
    retort::column<&collections::Sheet::id>(retort::primary_key),
    retort::column<&collections::Sheet::region>(retort::String(40)),
    retort::column<&collections::Sheet::atlas_id>(retort::foreign_key<&collections::Atlas::id>),
    retort::relationship<&collections::Sheet::atlas>(
        retort::backref<&collections::Atlas::sheets>(retort::attribute_keyed_dict<&collections::Sheet::region>)));

template <>
inline constexpr auto retort::mapping<collections::Slide> = retort::model(
    retort::column<&collections::Slide::id>(retort::primary_key),
    retort::column<&collections::Slide::name>(retort::String(40)),
    retort::relationship<&collections::Slide::bullets>(retort::ordering_list<&collections::Bullet::position>,
                                                       retort::cascades("all, delete-orphan"),
                                                       retort::back_populates<&collections::Bullet::slide>));
template <>
inline constexpr auto retort::mapping<collections::Bullet> = retort::model(
    retort::column<&collections::Bullet::id>(retort::primary_key),
    retort::column<&collections::Bullet::text>(retort::String(80)),
    retort::column<&collections::Bullet::position>(),
    retort::column<&collections::Bullet::slide_id>(retort::foreign_key<&collections::Slide::id>),
    retort::relationship<&collections::Bullet::slide>(retort::back_populates<&collections::Slide::bullets>));

template <>
inline constexpr auto retort::mapping<collections::Playlist> = retort::model(
    retort::column<&collections::Playlist::id>(retort::primary_key),
    retort::column<&collections::Playlist::name>(retort::String(40)),
    retort::relationship<&collections::Playlist::songs>(retort::secondary<collections::playlist_songs>,
                                                        retort::back_populates<&collections::Song::playlists>));
template <>
inline constexpr auto retort::mapping<collections::Song> = retort::model(
    retort::column<&collections::Song::id>(retort::primary_key),
    retort::column<&collections::Song::title>(retort::String(80)),
    retort::relationship<&collections::Song::playlists>(retort::secondary<collections::playlist_songs>,
                                                        retort::back_populates<&collections::Playlist::songs>));
