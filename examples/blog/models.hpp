// The blog's models (docs/blog.md): users with a profile (one-to-one), posts
// (one-to-many), tags on posts (many-to-many), threaded comments (an adjacency
// list) and followers (self-referential many-to-many). Each mapping has the
// Flask-SQLAlchemy declaration it mirrors beside it.
#pragma once

#include <optional>
#include <string>

#include <retort/retort.hpp>

namespace blog {

struct Post;
struct Profile;
struct Tag;
struct Comment;

// class User(db.Model):
//     id = db.Column(db.Integer, primary_key=True)
//     username = db.Column(db.String(50), unique=True, nullable=False)
//     email = db.Column(db.String(120), unique=True, nullable=False)
//     created_at = db.Column(db.DateTime, default=datetime.utcnow)
//     posts = db.relationship("Post", back_populates="author", cascade="all, delete-orphan")
//     profile = db.relationship("Profile", uselist=False, back_populates="user", cascade="all, delete-orphan")
//     comments = db.relationship("Comment", back_populates="author", cascade="all, delete-orphan")
//     followed = db.relationship("User", secondary=follow, primaryjoin=follow.c.follower_id == id,
//                                secondaryjoin=follow.c.followed_id == id, back_populates="followers")
//     followers = db.relationship("User", secondary=follow, primaryjoin=follow.c.followed_id == id,
//                                 secondaryjoin=follow.c.follower_id == id, back_populates="followed")
struct User {
  int id = 0;
  std::string username{};
  std::string email{};
  retort::date_time created_at{};
  retort::many<Post> posts{};
  retort::one<Profile> profile{};
  retort::many<Comment> comments{};
  retort::many<User> followed{};
  retort::many<User> followers{};
};

// class Profile(db.Model):
//     user_id = db.Column(db.ForeignKey("user.id"), unique=True, nullable=False)
//     bio = db.Column(db.Text); location = db.Column(db.String(100))
struct Profile {
  int id = 0;
  int user_id = 0;
  std::optional<std::string> bio{};
  std::optional<std::string> location{};
  retort::one<User> user{};
};

// class Post(db.Model):
//     title = db.Column(db.String(100), nullable=False); body = db.Column(db.Text, nullable=False)
//     created_at = db.Column(db.DateTime, default=datetime.utcnow)
//     user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
//     author = db.relationship("User", back_populates="posts")
//     tags = db.relationship("Tag", secondary=post_tag, back_populates="posts")
//     comments = db.relationship("Comment", back_populates="post", cascade="all, delete-orphan")
struct Post {
  int id = 0;
  std::string title{};
  std::string body{};
  retort::date_time created_at{};
  int user_id = 0;
  retort::one<User> author{};
  retort::many<Tag> tags{};
  retort::many<Comment> comments{};
};

// class Tag(db.Model):
//     name = db.Column(db.String(50), unique=True, nullable=False)
//     posts = db.relationship("Post", secondary=post_tag, back_populates="tags")
struct Tag {
  int id = 0;
  std::string name{};
  retort::many<Post> posts{};
};

// class Comment(db.Model):
//     body = db.Column(db.Text, nullable=False); created_at = db.Column(db.DateTime, default=datetime.utcnow)
//     post_id = db.Column(db.ForeignKey("post.id"), nullable=False)
//     user_id = db.Column(db.ForeignKey("user.id"), nullable=False)
//     parent_id = db.Column(db.ForeignKey("comment.id"))
//     parent = db.relationship("Comment", remote_side=[id], back_populates="replies")
//     replies = db.relationship("Comment", back_populates="parent", cascade="all, delete-orphan")
struct Comment {
  int id = 0;
  std::string body{};
  retort::date_time created_at{};
  int post_id = 0;
  int user_id = 0;
  std::optional<int> parent_id{};
  retort::one<Post> post{};
  retort::one<User> author{};
  retort::one<Comment> parent{};
  retort::many<Comment> replies{};
};

// follow = db.Table("follow", db.Column("follower_id", db.ForeignKey("user.id"), primary_key=True),
//                             db.Column("followed_id", db.ForeignKey("user.id"), primary_key=True))
inline constexpr auto follow = retort::association_table(
    "follow", retort::link<&User::id>("follower_id"), retort::link<&User::id>("followed_id"));
// post_tag = db.Table("post_tag", db.Column("post_id", ...), db.Column("tag_id", ...))
inline constexpr auto post_tag =
    retort::association_table("post_tag", retort::link<&Post::id>("post_id"), retort::link<&Tag::id>("tag_id"));

}  // namespace blog

template <>
inline constexpr auto retort::mapping<blog::User> = retort::model(
    retort::column<&blog::User::id>(retort::primary_key),
    retort::column<&blog::User::username>(retort::String(50), retort::unique, retort::not_null),
    retort::column<&blog::User::email>(retort::String(120), retort::unique, retort::not_null),
    retort::column<&blog::User::created_at>(retort::default_(retort::utc_now)),
    retort::relationship<&blog::User::posts>(retort::cascades("all, delete-orphan"),
                                             retort::back_populates<&blog::Post::author>),
    retort::relationship<&blog::User::profile>(retort::cascades("all, delete-orphan"),
                                               retort::back_populates<&blog::Profile::user>),
    retort::relationship<&blog::User::comments>(retort::cascades("all, delete-orphan"),
                                                retort::back_populates<&blog::Comment::author>),
    retort::relationship<&blog::User::followed>(retort::secondary<blog::follow>,
                                                retort::secondary_columns("follower_id", "followed_id"),
                                                retort::back_populates<&blog::User::followers>),
    retort::relationship<&blog::User::followers>(retort::secondary<blog::follow>,
                                                 retort::secondary_columns("followed_id", "follower_id"),
                                                 retort::back_populates<&blog::User::followed>));

template <>
inline constexpr auto retort::mapping<blog::Profile> = retort::model(
    retort::column<&blog::Profile::id>(retort::primary_key),
    retort::column<&blog::Profile::user_id>(retort::foreign_key<&blog::User::id>, retort::unique),
    retort::column<&blog::Profile::bio>(retort::Text),
    retort::column<&blog::Profile::location>(retort::String(100)),
    retort::relationship<&blog::Profile::user>(retort::back_populates<&blog::User::profile>));

template <>
inline constexpr auto retort::mapping<blog::Post> = retort::model(
    retort::column<&blog::Post::id>(retort::primary_key),
    retort::column<&blog::Post::title>(retort::String(100), retort::not_null),
    retort::column<&blog::Post::body>(retort::Text, retort::not_null),
    retort::column<&blog::Post::created_at>(retort::default_(retort::utc_now), retort::index),
    retort::column<&blog::Post::user_id>(retort::foreign_key<&blog::User::id>, retort::not_null, retort::index),
    retort::relationship<&blog::Post::author>(retort::back_populates<&blog::User::posts>),
    retort::relationship<&blog::Post::tags>(retort::secondary<blog::post_tag>,
                                            retort::back_populates<&blog::Tag::posts>),
    retort::relationship<&blog::Post::comments>(retort::cascades("all, delete-orphan"),
                                                retort::back_populates<&blog::Comment::post>));

template <>
inline constexpr auto retort::mapping<blog::Tag> = retort::model(
    retort::column<&blog::Tag::id>(retort::primary_key),
    retort::column<&blog::Tag::name>(retort::String(50), retort::unique, retort::not_null),
    retort::relationship<&blog::Tag::posts>(retort::secondary<blog::post_tag>,
                                            retort::back_populates<&blog::Post::tags>));

template <>
inline constexpr auto retort::mapping<blog::Comment> = retort::model(
    retort::column<&blog::Comment::id>(retort::primary_key),
    retort::column<&blog::Comment::body>(retort::Text, retort::not_null),
    retort::column<&blog::Comment::created_at>(retort::default_(retort::utc_now)),
    retort::column<&blog::Comment::post_id>(retort::foreign_key<&blog::Post::id>, retort::not_null, retort::index),
    retort::column<&blog::Comment::user_id>(retort::foreign_key<&blog::User::id>, retort::not_null),
    retort::column<&blog::Comment::parent_id>(retort::foreign_key<&blog::Comment::id>),
    retort::relationship<&blog::Comment::post>(retort::back_populates<&blog::Post::comments>),
    retort::relationship<&blog::Comment::author>(retort::back_populates<&blog::User::comments>),
    retort::relationship<&blog::Comment::parent>(retort::remote_side<&blog::Comment::id>,
                                                 retort::back_populates<&blog::Comment::replies>),
    retort::relationship<&blog::Comment::replies>(retort::cascades("all, delete-orphan"),
                                                  retort::back_populates<&blog::Comment::parent>));

namespace blog {
/// The blog's tables (Flask-SQLAlchemy's db.Model): what create_all creates.
inline const retort::model_set models = retort::models<User, Profile, Post, Tag, Comment>();
}  // namespace blog
