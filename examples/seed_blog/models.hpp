// The seed's two models, exactly: User has many Posts; Post.author is the other side.
//   class User(db.Model):  id, username String(50) not null, posts = relationship('Post', backref='author')
//   class Post(db.Model):  id, title String(100) not null, content Text not null, user_id FK user.id not null
#pragma once

#include <retort/retort.hpp>
#include <string>

struct Post;

struct User {
  int id = 0;
  std::string username;
  retort::many<Post> posts{};  // `{}`: g++ warns on designated initializers that skip a member without one
};

struct Post {
  int id = 0;
  std::string title;
  std::string content;
  int user_id = 0;
  retort::one<User> author{};
};

template <>
inline constexpr auto retort::mapping<User> = retort::model(
    retort::column<&User::id>(retort::primary_key),
    retort::column<&User::username>(retort::String(50), retort::not_null),
    retort::relationship<&User::posts>(retort::back_populates<&Post::author>));

template <>
inline constexpr auto retort::mapping<Post> = retort::model(
    retort::column<&Post::id>(retort::primary_key),
    retort::column<&Post::title>(retort::String(100), retort::not_null),
    retort::column<&Post::content>(retort::Text, retort::not_null),
    retort::column<&Post::user_id>(retort::foreign_key<&User::id>, retort::not_null),
    retort::relationship<&Post::author>(retort::back_populates<&User::posts>));
