// Tutorial 3: many-to-many. A Post has many Tags, and a Tag many Posts,
// through an association table that has no class of its own.
//
//   post_tags = Table("post_tags", Base.metadata,
//       Column("post_id", ForeignKey("post.id"), primary_key=True),
//       Column("tag_id", ForeignKey("tag.id"), primary_key=True))
//   class Post(Base):
//       tags = relationship("Tag", secondary=post_tags, back_populates="posts")
//   class Tag(Base):
//       posts = relationship("Post", secondary=post_tags, back_populates="tags")
#include <retort/retort.hpp>

#include <iostream>
#include <string>

struct Tag;

struct Post {
  int id = 0;
  std::string title;
  retort::many<Tag> tags{};
};

struct Tag {
  int id = 0;
  std::string name;
  retort::many<Post> posts{};
};

// The association table: a name and one link per side. Its columns take the
// types of the keys they reference, and together they are its primary key.
// create_all creates it with the two tables.
inline constexpr auto post_tags =
    retort::association_table("post_tags", retort::link<&Post::id>("post_id"), retort::link<&Tag::id>("tag_id"));

template <>
inline constexpr auto retort::mapping<Post> = retort::model(
    retort::column<&Post::id>(retort::primary_key),
    retort::column<&Post::title>(retort::String(100)),
    // secondary<post_tags>: the relationship goes through the association table.
    retort::relationship<&Post::tags>(retort::secondary<post_tags>, retort::back_populates<&Tag::posts>));

template <>
inline constexpr auto retort::mapping<Tag> = retort::model(
    retort::column<&Tag::id>(retort::primary_key),
    retort::column<&Tag::name>(retort::String(30), retort::unique),
    retort::relationship<&Tag::posts>(retort::secondary<post_tags>, retort::back_populates<&Post::tags>));

// "name, name, ..." of a collection, in its order (key order when loaded).
template <class T, class Name>
std::string names(retort::many<T>& items, Name name) {
  std::string out;
  for (auto& item : items) out += (out.empty() ? "" : ", ") + name(item);
  return out.empty() ? "(none)" : out;
}

int main() {
  try {
    retort::database db("sqlite://");
    db.create_all();  // post, tag, then post_tags

    {
      auto session = db.session();
      auto cpp = session.add(Tag{.name = "c++"});
      auto orm = session.add(Tag{.name = "orm"});
      auto sql = session.add(Tag{.name = "sql"});

      auto intro = session.add(Post{.title = "Why an ORM"});
      intro->tags.add(orm);
      intro->tags.add(sql);
      // Both sides agree before anything is written: the tag lists the post too.
      std::cout << "orm is on: " << names(orm->posts, [](Post& p) { return p.title; }) << '\n';

      auto templates = session.add(Post{.title = "Mappings as templates"});
      // Adding from the other side writes the same link row.
      cpp->posts.add(templates);
      orm->posts.add(templates);
      // Flush: the posts and the tags first (one batched INSERT per table), then
      // INSERT post_tags with the 4 links, each row taking the new keys.
      session.commit();
    }

    auto session = db.session();
    // Loading a post's tags joins through post_tags:
    //   SELECT tag.id, tag.name FROM tag, post_tags
    //   WHERE post_tags.post_id = ? AND tag.id = post_tags.tag_id ORDER BY tag.id
    for (auto& post : session.query<Post>().order_by(retort::col<&Post::id>).all())
      std::cout << post->title << ": " << names(post->tags, [](Tag& t) { return t.name; }) << '\n';

    // Removing from one side removes from both; the flush deletes only the link row.
    auto orm = session.query<Tag>().filter_by<&Tag::name>("orm").one();
    auto intro = session.get<Post>(1);
    intro->tags.remove(orm);
    std::cout << "after remove, orm is on: " << names(orm->posts, [](Post& p) { return p.title; }) << '\n';
    session.commit();  // DELETE FROM post_tags WHERE post_id = ? AND tag_id = ?

    // Assigning a whole collection computes the removes and adds for you.
    auto cpp = session.query<Tag>().filter_by<&Tag::name>("c++").one();
    intro->tags = {cpp, orm};
    session.commit();

    for (auto& tag : session.query<Tag>().order_by(retort::col<&Tag::name>).all())
      std::cout << "tag " << tag->name << ": " << names(tag->posts, [](Post& p) { return p.title; }) << '\n';
    // The rows of post_tags: the links, nothing else.
    std::cout << "links: " << session.query<Post>().count() << " posts, "
              << session.connection().execute(retort::text("SELECT count(*) FROM post_tags")).scalar().as_int()
              << " post_tags rows\n";
  } catch (const retort::Error& e) {
    std::cerr << "03_many_to_many: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
