// Fixture models for the relationship scenarios (tests/scenarios): one class
// set per pattern of SQLAlchemy's "Basic Relationship Patterns", "Adjacency
// List Relationships" and "Cascades" chapters, each with the SQLAlchemy
// declaration it mirrors beside it.
#pragma once

#include <optional>
#include <string>

#include "retort/retort.hpp"

namespace scenario {

// Many-to-many through a table without a class:
//   article_keywords = Table("article_keywords", Column("article_id", ForeignKey("article.id"), primary_key=True),
//                            Column("keyword_id", ForeignKey("keyword.id"), primary_key=True))
//   Article.keywords = relationship("Keyword", secondary=article_keywords, back_populates="articles")
struct Keyword;
struct Article {
  int id = 0;
  std::string title{};
  retort::many<Keyword> keywords{};
};
struct Keyword {
  int id = 0;
  std::string word{};
  retort::many<Article> articles{};
};

// The seed's backref: Blogger.entries = relationship("Entry", backref="blogger"), declared once.
struct Entry;
struct Blogger {
  int id = 0;
  std::string name{};
  retort::many<Entry> entries{};
};
struct Entry {
  int id = 0;
  std::string title{};
  std::optional<int> blogger_id{};
  retort::one<Blogger> blogger{};
};

// Adjacency list: Node.children = relationship("Node", back_populates="parent", cascade="all, delete-orphan"),
// Node.parent = relationship("Node", remote_side=[id], back_populates="children").
struct Node {
  int id = 0;
  std::string name{};
  std::optional<int> parent_id{};
  retort::one<Node> parent{};
  retort::many<Node> children{};
};

// Self-referential many-to-many: followers / followed, both join conditions given.
struct Member {
  int id = 0;
  std::string handle{};
  retort::many<Member> followed{};
  retort::many<Member> followers{};
};

// Association object: an enrollment with a grade, navigable from both ends.
struct Enrollment;
struct Student {
  int id = 0;
  std::string name{};
  retort::many<Enrollment> enrollments{};
};
struct Course {
  int id = 0;
  std::string title{};
  retort::many<Enrollment> enrollments{};
};
struct Enrollment {
  int student_id = 0;
  int course_id = 0;
  std::optional<std::string> grade{};
  retort::one<Student> student{};
  retort::one<Course> course{};
};

// Rows referring to each other: a team's captain is one of its players (post_update breaks the cycle).
struct Player;
struct Team {
  int id = 0;
  std::string name{};
  std::optional<int> captain_id{};
  retort::one<Player> captain{};
  retort::many<Player> players{};
};
struct Player {
  int id = 0;
  std::string name{};
  std::optional<int> team_id{};
  retort::one<Team> team{};
};

// The same cycle without post_update: CircularDependencyError when rows refer to each other.
struct Hen;
struct Egg {
  int id = 0;
  std::optional<int> hen_id{};
  retort::one<Hen> hen{};
};
struct Hen {
  int id = 0;
  std::optional<int> egg_id{};
  retort::one<Egg> egg{};
};

// One-to-one with delete-orphan and a UNIQUE key (Car.engine = relationship(uselist=False, cascade="all, delete-orphan")).
struct Motor;
struct Car {
  int id = 0;
  std::string model{};
  retort::one<Motor> motor{};
};
struct Motor {
  int id = 0;
  std::string serial{};
  std::optional<int> car_id{};
  retort::one<Car> car{};
};

// Cascades: a gallery owns its photos (all, delete-orphan); a folder's files go with
// it through ON DELETE CASCADE (passive_deletes).
struct Photo;
struct Gallery {
  int id = 0;
  std::string name{};
  retort::many<Photo> photos{};
};
struct Photo {
  int id = 0;
  std::string caption{};
  std::optional<int> gallery_id{};
  retort::one<Gallery> gallery{};
};
struct File;
struct Folder {
  int id = 0;
  std::string name{};
  retort::many<File> files{};
};
struct File {
  int id = 0;
  std::string name{};
  std::optional<int> folder_id{};
  retort::one<Folder> folder{};
};

// Flask-SQLAlchemy's many-to-many with a backref:
//   tags = db.relationship('Label', secondary=page_labels, backref='pages')
struct Label;
struct Page {
  int id = 0;
  std::string slug{};
  retort::many<Label> labels{};
};
struct Label {
  int id = 0;
  std::string text{};
  retort::many<Page> pages{};
};
inline constexpr auto page_labels =
    retort::association_table("page_labels", retort::link<&Page::id>("page_id"), retort::link<&Label::id>("label_id"));

inline constexpr auto article_keywords = retort::association_table(
    "article_keywords", retort::link<&Article::id>("article_id"), retort::link<&Keyword::id>("keyword_id"));
inline constexpr auto follows = retort::association_table(
    "follows", retort::link<&Member::id>("follower_id"), retort::link<&Member::id>("followed_id"));

}  // namespace scenario

template <>
inline constexpr auto retort::mapping<scenario::Article> = retort::model(
    retort::column<&scenario::Article::id>(retort::primary_key),
    retort::column<&scenario::Article::title>(retort::String(80)),
    retort::relationship<&scenario::Article::keywords>(retort::secondary<scenario::article_keywords>,
                                                       retort::back_populates<&scenario::Keyword::articles>));
template <>
inline constexpr auto retort::mapping<scenario::Keyword> = retort::model(
    retort::column<&scenario::Keyword::id>(retort::primary_key),
    retort::column<&scenario::Keyword::word>(retort::String(40), retort::unique),
    retort::relationship<&scenario::Keyword::articles>(retort::secondary<scenario::article_keywords>,
                                                       retort::back_populates<&scenario::Article::keywords>));

template <>
inline constexpr auto retort::mapping<scenario::Blogger> = retort::model(
    retort::column<&scenario::Blogger::id>(retort::primary_key),
    retort::column<&scenario::Blogger::name>(retort::String(40)),
    retort::relationship<&scenario::Blogger::entries>(retort::backref<&scenario::Entry::blogger>));
template <>
inline constexpr auto retort::mapping<scenario::Entry> = retort::model(
    retort::column<&scenario::Entry::id>(retort::primary_key),
    retort::column<&scenario::Entry::title>(retort::String(80)),
    retort::column<&scenario::Entry::blogger_id>(retort::foreign_key<&scenario::Blogger::id>));

template <>
inline constexpr auto retort::mapping<scenario::Node> = retort::model(
    retort::column<&scenario::Node::id>(retort::primary_key),
    retort::column<&scenario::Node::name>(retort::String(40)),
    retort::column<&scenario::Node::parent_id>(retort::foreign_key<&scenario::Node::id>),
    retort::relationship<&scenario::Node::parent>(retort::remote_side<&scenario::Node::id>,
                                                  retort::back_populates<&scenario::Node::children>),
    retort::relationship<&scenario::Node::children>(retort::cascades("all, delete-orphan"),
                                                    retort::back_populates<&scenario::Node::parent>));

template <>
inline constexpr auto retort::mapping<scenario::Member> = retort::model(
    retort::column<&scenario::Member::id>(retort::primary_key),
    retort::column<&scenario::Member::handle>(retort::String(40)),
    retort::relationship<&scenario::Member::followed>(retort::secondary<scenario::follows>,
                                                      retort::secondary_columns("follower_id", "followed_id"),
                                                      retort::back_populates<&scenario::Member::followers>),
    retort::relationship<&scenario::Member::followers>(retort::secondary<scenario::follows>,
                                                       retort::secondary_columns("followed_id", "follower_id"),
                                                       retort::back_populates<&scenario::Member::followed>));

template <>
inline constexpr auto retort::mapping<scenario::Student> = retort::model(
    retort::column<&scenario::Student::id>(retort::primary_key),
    retort::column<&scenario::Student::name>(retort::String(40)),
    retort::relationship<&scenario::Student::enrollments>(retort::cascades("all, delete-orphan"),
                                                          retort::back_populates<&scenario::Enrollment::student>));
template <>
inline constexpr auto retort::mapping<scenario::Course> = retort::model(
    retort::column<&scenario::Course::id>(retort::primary_key),
    retort::column<&scenario::Course::title>(retort::String(40)),
    retort::relationship<&scenario::Course::enrollments>(retort::back_populates<&scenario::Enrollment::course>));
template <>
inline constexpr auto retort::mapping<scenario::Enrollment> = retort::model(
    retort::column<&scenario::Enrollment::student_id>(retort::primary_key, retort::foreign_key<&scenario::Student::id>),
    retort::column<&scenario::Enrollment::course_id>(retort::primary_key, retort::foreign_key<&scenario::Course::id>),
    retort::column<&scenario::Enrollment::grade>(retort::String(2)),
    retort::relationship<&scenario::Enrollment::student>(retort::back_populates<&scenario::Student::enrollments>),
    retort::relationship<&scenario::Enrollment::course>(retort::back_populates<&scenario::Course::enrollments>));

template <>
inline constexpr auto retort::mapping<scenario::Team> = retort::model(
    retort::column<&scenario::Team::id>(retort::primary_key),
    retort::column<&scenario::Team::name>(retort::String(40)),
    retort::column<&scenario::Team::captain_id>(retort::foreign_key<&scenario::Player::id>),
    retort::relationship<&scenario::Team::captain>(retort::foreign_keys<&scenario::Team::captain_id>, retort::post_update),
    retort::relationship<&scenario::Team::players>(retort::foreign_keys<&scenario::Player::team_id>,
                                                   retort::back_populates<&scenario::Player::team>));
template <>
inline constexpr auto retort::mapping<scenario::Player> = retort::model(
    retort::column<&scenario::Player::id>(retort::primary_key),
    retort::column<&scenario::Player::name>(retort::String(40)),
    retort::column<&scenario::Player::team_id>(retort::foreign_key<&scenario::Team::id>),
    retort::relationship<&scenario::Player::team>(retort::foreign_keys<&scenario::Player::team_id>,
                                                  retort::back_populates<&scenario::Team::players>));

template <>
inline constexpr auto retort::mapping<scenario::Egg> = retort::model(
    retort::column<&scenario::Egg::id>(retort::primary_key),
    retort::column<&scenario::Egg::hen_id>(retort::foreign_key<&scenario::Hen::id>),
    retort::relationship<&scenario::Egg::hen>(retort::foreign_keys<&scenario::Egg::hen_id>));
template <>
inline constexpr auto retort::mapping<scenario::Hen> = retort::model(
    retort::column<&scenario::Hen::id>(retort::primary_key),
    retort::column<&scenario::Hen::egg_id>(retort::foreign_key<&scenario::Egg::id>),
    retort::relationship<&scenario::Hen::egg>(retort::foreign_keys<&scenario::Hen::egg_id>));

template <>
inline constexpr auto retort::mapping<scenario::Car> = retort::model(
    retort::column<&scenario::Car::id>(retort::primary_key),
    retort::column<&scenario::Car::model>(retort::String(40)),
    retort::relationship<&scenario::Car::motor>(retort::cascades("all, delete-orphan"),
                                                retort::back_populates<&scenario::Motor::car>));
template <>
inline constexpr auto retort::mapping<scenario::Motor> = retort::model(
    retort::column<&scenario::Motor::id>(retort::primary_key),
    retort::column<&scenario::Motor::serial>(retort::String(40)),
    retort::column<&scenario::Motor::car_id>(retort::foreign_key<&scenario::Car::id>, retort::unique),
    retort::relationship<&scenario::Motor::car>(retort::back_populates<&scenario::Car::motor>));

template <>
inline constexpr auto retort::mapping<scenario::Gallery> = retort::model(
    retort::column<&scenario::Gallery::id>(retort::primary_key),
    retort::column<&scenario::Gallery::name>(retort::String(40)),
    retort::relationship<&scenario::Gallery::photos>(retort::cascades("all, delete-orphan"),
                                                     retort::back_populates<&scenario::Photo::gallery>));
template <>
inline constexpr auto retort::mapping<scenario::Photo> = retort::model(
    retort::column<&scenario::Photo::id>(retort::primary_key),
    retort::column<&scenario::Photo::caption>(retort::String(40)),
    retort::column<&scenario::Photo::gallery_id>(retort::foreign_key<&scenario::Gallery::id>),
    retort::relationship<&scenario::Photo::gallery>(retort::back_populates<&scenario::Gallery::photos>));

template <>
inline constexpr auto retort::mapping<scenario::Folder> = retort::model(
    retort::column<&scenario::Folder::id>(retort::primary_key),
    retort::column<&scenario::Folder::name>(retort::String(40)),
    retort::relationship<&scenario::Folder::files>(retort::cascades("all"), retort::passive_deletes,
                                                   retort::back_populates<&scenario::File::folder>));
template <>
inline constexpr auto retort::mapping<scenario::File> = retort::model(
    retort::column<&scenario::File::id>(retort::primary_key),
    retort::column<&scenario::File::name>(retort::String(40)),
    retort::column<&scenario::File::folder_id>(retort::foreign_key<&scenario::Folder::id>.on_delete(retort::cascade)),
    retort::relationship<&scenario::File::folder>(retort::back_populates<&scenario::Folder::files>));

template <>
inline constexpr auto retort::mapping<scenario::Page> = retort::model(
    retort::column<&scenario::Page::id>(retort::primary_key),
    retort::column<&scenario::Page::slug>(retort::String(40)),
    retort::relationship<&scenario::Page::labels>(retort::secondary<scenario::page_labels>,
                                                  retort::backref<&scenario::Label::pages>));
template <>
inline constexpr auto retort::mapping<scenario::Label> = retort::model(
    retort::column<&scenario::Label::id>(retort::primary_key), retort::column<&scenario::Label::text>(retort::String(40)));
