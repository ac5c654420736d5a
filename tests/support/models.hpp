// Shared fixture models (SQLAlchemy's _fixtures.py): the seed's User and Post,
// plus Comment with a nullable foreign key, and Profile (many types).
#pragma once

#include <optional>
#include <string>

#include "retort/retort.hpp"

namespace fixtures {

struct Post;
struct Comment;

struct User {
  int id = 0;
  std::string username{};
  std::optional<std::string> email{};
  retort::many<Post> posts{};
};

struct Post {
  int id = 0;
  std::string title{};
  std::string content{};
  int user_id = 0;
  retort::one<User> author{};
  retort::many<Comment> comments{};
};

struct Comment {
  int id = 0;
  std::string body{};
  std::optional<int> post_id{};
  retort::one<Post> post{};
};

struct Passport;

/// One-to-one: the key is on Passport; each side holds a one<>.
struct Person {
  int id = 0;
  std::string name{};
  retort::one<Passport> passport{};
};

struct Passport {
  int id = 0;
  std::string number{};
  std::optional<int> person_id{};
  retort::one<Person> person{};
};

/// A composite primary key, no relationships.
struct Membership {
  int user_id = 0;
  int group_id = 0;
  std::string role{};
};

/// Every supported column type.
struct Profile {
  std::int64_t id = 0;
  std::string handle{};
  std::string bio{};
  bool active = false;
  double score = 0;
  float ratio = 0;
  retort::numeric balance{"0.00"};
  retort::date born{std::chrono::year{1970}, std::chrono::January, std::chrono::day{1}};
  retort::date_time seen{};
  retort::blob avatar{};
  std::optional<int> age{};
  std::optional<std::string> nickname{};
};

struct Transfer;

/// Two foreign keys to one table: each relationship says which it uses.
struct Account {
  int id = 0;
  std::string name{};
  retort::many<Transfer> sent{};
  retort::many<Transfer> received{};
};

struct Transfer {
  int id = 0;
  int amount = 0;
  int source_id = 0;
  int target_id = 0;
  retort::one<Account> source{};
  retort::one<Account> target{};
};

}  // namespace fixtures

template <>
inline constexpr auto retort::mapping<fixtures::User> = retort::model(
    retort::column<&fixtures::User::id>(retort::primary_key),
    retort::column<&fixtures::User::username>(retort::String(50), retort::not_null, retort::unique),
    retort::column<&fixtures::User::email>(retort::String(120)),
    retort::relationship<&fixtures::User::posts>(retort::back_populates<&fixtures::Post::author>));

template <>
inline constexpr auto retort::mapping<fixtures::Post> = retort::model(
    retort::column<&fixtures::Post::id>(retort::primary_key),
    retort::column<&fixtures::Post::title>(retort::String(100), retort::not_null),
    retort::column<&fixtures::Post::content>(retort::Text, retort::not_null),
    retort::column<&fixtures::Post::user_id>(retort::foreign_key<&fixtures::User::id>, retort::not_null),
    retort::relationship<&fixtures::Post::author>(retort::back_populates<&fixtures::User::posts>),
    retort::relationship<&fixtures::Post::comments>(retort::back_populates<&fixtures::Comment::post>));

template <>
inline constexpr auto retort::mapping<fixtures::Comment> = retort::model(
    retort::column<&fixtures::Comment::id>(retort::primary_key),
    retort::column<&fixtures::Comment::body>(retort::Text, retort::not_null),
    retort::column<&fixtures::Comment::post_id>(retort::foreign_key<&fixtures::Post::id>.on_delete(retort::cascade)),
    retort::relationship<&fixtures::Comment::post>(retort::back_populates<&fixtures::Post::comments>));

template <>
inline constexpr auto retort::mapping<fixtures::Person> = retort::model(
    retort::column<&fixtures::Person::id>(retort::primary_key),
    retort::column<&fixtures::Person::name>(retort::String(40), retort::not_null),
    retort::relationship<&fixtures::Person::passport>(retort::back_populates<&fixtures::Passport::person>));

template <>
inline constexpr auto retort::mapping<fixtures::Passport> = retort::model(
    retort::column<&fixtures::Passport::id>(retort::primary_key),
    retort::column<&fixtures::Passport::number>(retort::String(20), retort::not_null),
    retort::column<&fixtures::Passport::person_id>(retort::foreign_key<&fixtures::Person::id>, retort::unique),
    retort::relationship<&fixtures::Passport::person>(retort::back_populates<&fixtures::Person::passport>));

template <>
inline constexpr auto retort::mapping<fixtures::Membership> = retort::model(
    retort::column<&fixtures::Membership::user_id>(retort::primary_key),
    retort::column<&fixtures::Membership::group_id>(retort::primary_key),
    retort::column<&fixtures::Membership::role>(retort::String(20), retort::not_null, retort::server_default("'member'")));

template <>
inline constexpr auto retort::mapping<fixtures::Profile> = retort::model(
    retort::table_name("profiles"),
    retort::column<&fixtures::Profile::id>(retort::primary_key),
    retort::column<&fixtures::Profile::handle>(retort::String(30), retort::not_null, retort::index),
    retort::column<&fixtures::Profile::bio>(retort::Text, retort::not_null),
    retort::column<&fixtures::Profile::active>(retort::not_null),
    retort::column<&fixtures::Profile::score>(retort::not_null),
    retort::column<&fixtures::Profile::ratio>(retort::not_null),
    retort::column<&fixtures::Profile::balance>(retort::Numeric(12, 2), retort::not_null),
    retort::column<&fixtures::Profile::born>(retort::not_null),
    retort::column<&fixtures::Profile::seen>(retort::not_null),
    retort::column<&fixtures::Profile::avatar>(retort::not_null),
    retort::column<&fixtures::Profile::age>(),
    retort::column<&fixtures::Profile::nickname>(retort::String(40), retort::column_name("nick")));

template <>
inline constexpr auto retort::mapping<fixtures::Account> = retort::model(
    retort::column<&fixtures::Account::id>(retort::primary_key),
    retort::column<&fixtures::Account::name>(retort::String(40), retort::not_null),
    retort::relationship<&fixtures::Account::sent>(retort::foreign_keys<&fixtures::Transfer::source_id>,
                                                   retort::back_populates<&fixtures::Transfer::source>),
    retort::relationship<&fixtures::Account::received>(retort::foreign_keys<&fixtures::Transfer::target_id>,
                                                       retort::back_populates<&fixtures::Transfer::target>));

template <>
inline constexpr auto retort::mapping<fixtures::Transfer> = retort::model(
    retort::column<&fixtures::Transfer::id>(retort::primary_key),
    retort::column<&fixtures::Transfer::amount>(retort::not_null),
    retort::column<&fixtures::Transfer::source_id>(retort::foreign_key<&fixtures::Account::id>, retort::not_null),
    retort::column<&fixtures::Transfer::target_id>(retort::foreign_key<&fixtures::Account::id>, retort::not_null),
    retort::relationship<&fixtures::Transfer::source>(retort::foreign_keys<&fixtures::Transfer::source_id>,
                                                      retort::back_populates<&fixtures::Account::sent>),
    retort::relationship<&fixtures::Transfer::target>(retort::foreign_keys<&fixtures::Transfer::target_id>,
                                                      retort::back_populates<&fixtures::Account::received>));
