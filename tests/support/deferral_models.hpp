// Models of the column deferral tests (tests/loaders/deferral_test.cpp).
//
//   Author.bio       = deferred(Column(Text))
//   Author.articles  = relationship("Article", back_populates="author")
//   Article.body     = deferred(Column(Text))
//   Article.summary  = deferred(Column(Text))
//   Article.photo1/2 = deferred(Column(Text), group="photos")
//   Article.secret   = deferred(Column(Text), raiseload=True)
//   Article.views    = mapped_column(Integer, deferred=False)   (deferrable by options)
#pragma once

#include <optional>
#include <retort/retort.hpp>
#include <string>

namespace deferral {

struct Article;
struct Author {
  int id = 0;
  std::string name{};
  retort::deferred<std::string> bio{};
  retort::many<Article> articles{};
};
struct Article {
  int id = 0;
  std::string title{};
  std::optional<int> author_id{};
  retort::deferred<std::string> body{};
  retort::deferred<std::string> summary{};
  retort::deferred<std::optional<std::string>> photo1{};
  retort::deferred<std::optional<std::string>> photo2{};
  retort::deferred<std::string> secret{};
  retort::deferred<int> views{};
  retort::one<Author> author{};
};

}  // namespace deferral

template <>
inline constexpr auto retort::mapping<deferral::Author> = retort::model(
    retort::column<&deferral::Author::id>(retort::primary_key),
    retort::column<&deferral::Author::name>(retort::String(40)), retort::column<&deferral::Author::bio>(),
    retort::relationship<&deferral::Author::articles>(retort::back_populates<&deferral::Article::author>));
template <>
inline constexpr auto retort::mapping<deferral::Article> = retort::model(
    retort::column<&deferral::Article::id>(retort::primary_key),
    retort::column<&deferral::Article::title>(retort::String(80)),
    retort::column<&deferral::Article::author_id>(retort::foreign_key<&deferral::Author::id>),
    retort::column<&deferral::Article::body>(), retort::column<&deferral::Article::summary>(),
    retort::column<&deferral::Article::photo1>(retort::deferred_group("photos")),
    retort::column<&deferral::Article::photo2>(retort::deferred_group("photos")),
    retort::column<&deferral::Article::secret>(retort::deferred_raiseload),
    retort::column<&deferral::Article::views>(retort::not_deferred, retort::not_null),
    retort::relationship<&deferral::Article::author>(retort::back_populates<&deferral::Author::articles>));
