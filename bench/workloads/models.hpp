// The benchmark's models (bench/workloads/workloads.hpp has the data):
//   User 1-n Post (cascade "all, delete-orphan", back_populates author),
//   Post n-m Tag through post_tag (back_populates posts), an index on post.user_id.
#pragma once

#include <retort/retort.hpp>
#include <string>

struct Post;
struct Tag;

struct User {
  int id = 0;
  std::string username;
  retort::many<Post> posts{};
};

struct Post {
  int id = 0;
  std::string title;
  std::string content;
  int user_id = 0;
  retort::one<User> author{};
  retort::many<Tag> tags{};
};

struct Tag {
  int id = 0;
  std::string name;
  retort::many<Post> posts{};
};

inline constexpr auto post_tag =
    retort::association_table("post_tag", retort::link<&Post::id>("post_id"), retort::link<&Tag::id>("tag_id"));

template <>
inline constexpr auto retort::mapping<User> = retort::model(
    retort::column<&User::id>(retort::primary_key),
    retort::column<&User::username>(retort::String(50), retort::not_null),
    retort::relationship<&User::posts>(retort::cascades("all, delete-orphan"), retort::back_populates<&Post::author>));

template <>
inline constexpr auto retort::mapping<Post> = retort::model(
    retort::column<&Post::id>(retort::primary_key),
    retort::column<&Post::title>(retort::String(100), retort::not_null),
    retort::column<&Post::content>(retort::Text, retort::not_null),
    retort::column<&Post::user_id>(retort::foreign_key<&User::id>, retort::not_null, retort::index),
    retort::relationship<&Post::author>(retort::back_populates<&User::posts>),
    retort::relationship<&Post::tags>(retort::secondary<post_tag>, retort::back_populates<&Tag::posts>));

template <>
inline constexpr auto retort::mapping<Tag> = retort::model(
    retort::column<&Tag::id>(retort::primary_key),
    retort::column<&Tag::name>(retort::String(50), retort::not_null, retort::unique),
    retort::relationship<&Tag::posts>(retort::secondary<post_tag>, retort::back_populates<&Post::tags>));
