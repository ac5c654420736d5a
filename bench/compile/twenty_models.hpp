// The compile-time benchmark's twenty related models (docs/performance.md,
// "Compile time"), covering every relationship kind Retort maps:
//
//   one-to-many / many-to-one   User.posts / Post.author, Category.products
//   one-to-one                  User.profile / Profile.user, Order.invoice
//   many-to-many (secondary)    Post.tags / Tag.posts
//   self-referential m2m        User.followed / User.followers
//   adjacency list              Comment.parent / Comment.replies, Category.parent / children
//   association object + proxy  Musician.memberships / BandMember / Band.members
//   extra join criteria         Mailbox.unread (viewonly)
//   keyed collection, order_by  Shelf.books by title, Library.shelves ordered
//   write-only, dynamic         Author.articles, Feed.entries
//   composite primary key       OrderLine (order_id, line_no)
//   deferred column, version    Article.body, Account.version
//   eager by default            Product.category (joined), Order.lines (selectin)
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <retort/retort.hpp>

namespace m20 {

struct Post;
struct Profile;
struct Tag;
struct Comment;
struct BandMember;
struct Band;
struct Message;
struct Book;
struct Shelf;
struct Article;
struct Entry;
struct Product;
struct OrderLine;
struct Invoice;

struct User {
  int id = 0;
  std::string username{};
  retort::many<Post> posts{};
  retort::one<Profile> profile{};
  retort::many<User> followed{};
  retort::many<User> followers{};
  retort::many<Comment> comments{};
};
struct Profile {
  int id = 0;
  int user_id = 0;
  std::optional<std::string> bio{};
  retort::one<User> user{};
};
struct Post {
  int id = 0;
  std::string title{};
  std::string body{};
  int user_id = 0;
  retort::one<User> author{};
  retort::many<Tag> tags{};
  retort::many<Comment> comments{};
};
struct Tag {
  int id = 0;
  std::string name{};
  retort::many<Post> posts{};
};
struct Comment {
  int id = 0;
  std::string body{};
  int post_id = 0;
  int user_id = 0;
  std::optional<int> parent_id{};
  retort::one<Post> post{};
  retort::one<User> author{};
  retort::one<Comment> parent{};
  retort::many<Comment> replies{};
};
struct Musician {
  int id = 0;
  std::string name{};
  retort::many<BandMember> memberships{};
};
struct Band {
  int id = 0;
  std::string name{};
  retort::many<BandMember> members{};
};
struct BandMember {
  int musician_id = 0;
  int band_id = 0;
  std::string role{"member"};
  retort::one<Musician> musician{};
  retort::one<Band> band{};
};
struct Mailbox {
  int id = 0;
  std::string name{};
  retort::many<Message> messages{};
  retort::many<Message> unread{};
};
struct Message {
  int id = 0;
  std::string subject{};
  bool read = false;
  std::optional<int> mailbox_id{};
  retort::one<Mailbox> mailbox{};
};
struct Library {
  int id = 0;
  std::string city{};
  retort::many<Shelf> shelves{};
};
struct Shelf {
  int id = 0;
  int position = 0;
  std::optional<int> library_id{};
  retort::one<Library> library{};
  retort::keyed<std::string, Book> books{};
};
struct Book {
  int id = 0;
  std::string title{};
  std::optional<int> shelf_id{};
  retort::one<Shelf> shelf{};
};
struct Author {
  int id = 0;
  std::string name{};
  retort::write_only<Article> articles{};
};
struct Article {
  int id = 0;
  std::string title{};
  retort::deferred<std::string> body{};
  std::optional<int> author_id{};
  retort::one<Author> author{};
};
struct Feed {
  int id = 0;
  std::string url{};
  retort::dynamic<Entry> entries{};
};
struct Entry {
  int id = 0;
  std::string headline{};
  std::optional<int> feed_id{};
  retort::one<Feed> feed{};
};
struct Category {
  int id = 0;
  std::string name{};
  std::optional<int> parent_id{};
  retort::one<Category> parent{};
  retort::many<Category> children{};
  retort::many<Product> products{};
};
struct Product {
  int id = 0;
  std::string sku{};
  double price = 0;
  std::optional<int> category_id{};
  retort::one<Category> category{};
};
struct Order {
  int id = 0;
  std::string customer{};
  retort::many<OrderLine> lines{};
  retort::one<Invoice> invoice{};
};
struct OrderLine {
  int order_id = 0;
  int line_no = 0;
  int quantity = 0;
  retort::one<Order> order{};
};
struct Invoice {
  int id = 0;
  int order_id = 0;
  std::int64_t cents = 0;
  retort::one<Order> order{};
};
struct Account {
  int id = 0;
  std::string owner{};
  std::int64_t balance = 0;
  int version = 0;
};

inline constexpr auto follow = retort::association_table(
    "follow", retort::link<&User::id>("follower_id"), retort::link<&User::id>("followed_id"));
inline constexpr auto post_tag =
    retort::association_table("post_tag", retort::link<&Post::id>("post_id"), retort::link<&Tag::id>("tag_id"));
inline constexpr retort::association_proxy<&Musician::memberships, &BandMember::band> musician_bands{};

}  // namespace m20

using namespace m20;

template <>
inline constexpr auto retort::mapping<User> = retort::model(
    retort::column<&User::id>(retort::primary_key),
    retort::column<&User::username>(retort::String(50), retort::unique, retort::not_null),
    retort::relationship<&User::posts>(retort::cascades("all, delete-orphan"), retort::back_populates<&Post::author>),
    retort::relationship<&User::profile>(retort::back_populates<&Profile::user>),
    retort::relationship<&User::followed>(retort::secondary<follow>, retort::secondary_columns("follower_id", "followed_id"),
                                          retort::back_populates<&User::followers>),
    retort::relationship<&User::followers>(retort::secondary<follow>,
                                           retort::secondary_columns("followed_id", "follower_id"),
                                           retort::back_populates<&User::followed>),
    retort::relationship<&User::comments>(retort::back_populates<&Comment::author>));
template <>
inline constexpr auto retort::mapping<Profile> = retort::model(
    retort::column<&Profile::id>(retort::primary_key),
    retort::column<&Profile::user_id>(retort::foreign_key<&User::id>, retort::unique),
    retort::column<&Profile::bio>(retort::Text), retort::relationship<&Profile::user>(retort::back_populates<&User::profile>));
template <>
inline constexpr auto retort::mapping<Post> = retort::model(
    retort::column<&Post::id>(retort::primary_key), retort::column<&Post::title>(retort::String(100), retort::not_null),
    retort::column<&Post::body>(retort::Text, retort::not_null),
    retort::column<&Post::user_id>(retort::foreign_key<&User::id>, retort::not_null, retort::index),
    retort::relationship<&Post::author>(retort::back_populates<&User::posts>),
    retort::relationship<&Post::tags>(retort::secondary<post_tag>, retort::back_populates<&Tag::posts>),
    retort::relationship<&Post::comments>(retort::cascades("all, delete-orphan"), retort::back_populates<&Comment::post>));
template <>
inline constexpr auto retort::mapping<Tag> = retort::model(
    retort::column<&Tag::id>(retort::primary_key), retort::column<&Tag::name>(retort::String(50), retort::unique),
    retort::relationship<&Tag::posts>(retort::secondary<post_tag>, retort::back_populates<&Post::tags>));
template <>
inline constexpr auto retort::mapping<Comment> = retort::model(
    retort::column<&Comment::id>(retort::primary_key), retort::column<&Comment::body>(retort::Text, retort::not_null),
    retort::column<&Comment::post_id>(retort::foreign_key<&Post::id>, retort::not_null),
    retort::column<&Comment::user_id>(retort::foreign_key<&User::id>, retort::not_null),
    retort::column<&Comment::parent_id>(retort::foreign_key<&Comment::id>),
    retort::relationship<&Comment::post>(retort::back_populates<&Post::comments>),
    retort::relationship<&Comment::author>(retort::back_populates<&User::comments>),
    retort::relationship<&Comment::parent>(retort::remote_side<&Comment::id>, retort::back_populates<&Comment::replies>),
    retort::relationship<&Comment::replies>(retort::cascades("all, delete-orphan"),
                                            retort::back_populates<&Comment::parent>));
template <>
inline constexpr auto retort::mapping<Musician> = retort::model(
    retort::column<&Musician::id>(retort::primary_key), retort::column<&Musician::name>(retort::String(40)),
    retort::relationship<&Musician::memberships>(retort::cascades("all, delete-orphan"),
                                                 retort::back_populates<&BandMember::musician>));
template <>
inline constexpr auto retort::mapping<Band> = retort::model(
    retort::column<&Band::id>(retort::primary_key), retort::column<&Band::name>(retort::String(40)),
    retort::relationship<&Band::members>(retort::back_populates<&BandMember::band>));
template <>
inline constexpr auto retort::mapping<BandMember> = retort::model(
    retort::column<&BandMember::musician_id>(retort::primary_key, retort::foreign_key<&Musician::id>),
    retort::column<&BandMember::band_id>(retort::primary_key, retort::foreign_key<&Band::id>),
    retort::column<&BandMember::role>(retort::String(20)),
    retort::relationship<&BandMember::musician>(retort::back_populates<&Musician::memberships>),
    retort::relationship<&BandMember::band>(retort::back_populates<&Band::members>));
template <>
inline constexpr auto retort::mapping<Mailbox> = retort::model(
    retort::column<&Mailbox::id>(retort::primary_key), retort::column<&Mailbox::name>(retort::String(40)),
    retort::relationship<&Mailbox::messages>(retort::back_populates<&Message::mailbox>),
    retort::relationship<&Mailbox::unread>(retort::join_where<&Message::read>(false), retort::viewonly));
template <>
inline constexpr auto retort::mapping<Message> = retort::model(
    retort::column<&Message::id>(retort::primary_key), retort::column<&Message::subject>(retort::String(80)),
    retort::column<&Message::read>(), retort::column<&Message::mailbox_id>(retort::foreign_key<&Mailbox::id>),
    retort::relationship<&Message::mailbox>(retort::back_populates<&Mailbox::messages>));
template <>
inline constexpr auto retort::mapping<Library> = retort::model(
    retort::column<&Library::id>(retort::primary_key), retort::column<&Library::city>(retort::String(40)),
    retort::relationship<&Library::shelves>(retort::back_populates<&Shelf::library>,
                                            retort::order_by<retort::desc<&Shelf::position>>));
template <>
inline constexpr auto retort::mapping<Shelf> = retort::model(
    retort::column<&Shelf::id>(retort::primary_key), retort::column<&Shelf::position>(),
    retort::column<&Shelf::library_id>(retort::foreign_key<&Library::id>),
    retort::relationship<&Shelf::library>(retort::back_populates<&Library::shelves>),
    retort::relationship<&Shelf::books>(retort::attribute_keyed_dict<&Book::title>, retort::back_populates<&Book::shelf>));
template <>
inline constexpr auto retort::mapping<Book> = retort::model(
    retort::column<&Book::id>(retort::primary_key), retort::column<&Book::title>(retort::String(80)),
    retort::column<&Book::shelf_id>(retort::foreign_key<&Shelf::id>),
    retort::relationship<&Book::shelf>(retort::back_populates<&Shelf::books>));
template <>
inline constexpr auto retort::mapping<Author> = retort::model(
    retort::column<&Author::id>(retort::primary_key), retort::column<&Author::name>(retort::String(40)),
    retort::relationship<&Author::articles>(retort::back_populates<&Article::author>));
template <>
inline constexpr auto retort::mapping<Article> = retort::model(
    retort::column<&Article::id>(retort::primary_key), retort::column<&Article::title>(retort::String(80)),
    retort::column<&Article::body>(retort::Text), retort::column<&Article::author_id>(retort::foreign_key<&Author::id>),
    retort::relationship<&Article::author>(retort::back_populates<&Author::articles>));
template <>
inline constexpr auto retort::mapping<Feed> = retort::model(
    retort::column<&Feed::id>(retort::primary_key), retort::column<&Feed::url>(retort::String(200)),
    retort::relationship<&Feed::entries>(retort::back_populates<&Entry::feed>, retort::order_by<&Entry::headline>));
template <>
inline constexpr auto retort::mapping<Entry> = retort::model(
    retort::column<&Entry::id>(retort::primary_key), retort::column<&Entry::headline>(retort::String(120)),
    retort::column<&Entry::feed_id>(retort::foreign_key<&Feed::id>),
    retort::relationship<&Entry::feed>(retort::back_populates<&Feed::entries>));
template <>
inline constexpr auto retort::mapping<Category> = retort::model(
    retort::column<&Category::id>(retort::primary_key), retort::column<&Category::name>(retort::String(40)),
    retort::column<&Category::parent_id>(retort::foreign_key<&Category::id>),
    retort::relationship<&Category::parent>(retort::remote_side<&Category::id>, retort::back_populates<&Category::children>),
    retort::relationship<&Category::children>(retort::back_populates<&Category::parent>),
    retort::relationship<&Category::products>(retort::back_populates<&Product::category>));
template <>
inline constexpr auto retort::mapping<Product> = retort::model(
    retort::column<&Product::id>(retort::primary_key), retort::column<&Product::sku>(retort::String(20), retort::unique),
    retort::column<&Product::price>(), retort::column<&Product::category_id>(retort::foreign_key<&Category::id>),
    retort::relationship<&Product::category>(retort::lazy<retort::joined>, retort::back_populates<&Category::products>));
template <>
inline constexpr auto retort::mapping<Order> = retort::model(
    retort::table_name("orders"), retort::column<&Order::id>(retort::primary_key),
    retort::column<&Order::customer>(retort::String(40)),
    retort::relationship<&Order::lines>(retort::lazy<retort::selectin>, retort::cascades("all, delete-orphan"),
                                        retort::back_populates<&OrderLine::order>),
    retort::relationship<&Order::invoice>(retort::back_populates<&Invoice::order>));
template <>
inline constexpr auto retort::mapping<OrderLine> = retort::model(
    retort::column<&OrderLine::order_id>(retort::primary_key, retort::foreign_key<&Order::id>),
    retort::column<&OrderLine::line_no>(retort::primary_key), retort::column<&OrderLine::quantity>(),
    retort::relationship<&OrderLine::order>(retort::back_populates<&Order::lines>));
template <>
inline constexpr auto retort::mapping<Invoice> = retort::model(
    retort::column<&Invoice::id>(retort::primary_key),
    retort::column<&Invoice::order_id>(retort::foreign_key<&Order::id>, retort::unique), retort::column<&Invoice::cents>(),
    retort::relationship<&Invoice::order>(retort::back_populates<&Order::invoice>));
template <>
inline constexpr auto retort::mapping<Account> = retort::model(
    retort::column<&Account::id>(retort::primary_key), retort::column<&Account::owner>(retort::String(40)),
    retort::column<&Account::balance>(), retort::column<&Account::version>(retort::version_id));

