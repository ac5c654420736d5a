// Collection configuration (SQLAlchemy's "Collection Configuration" chapter and
// ext.orderinglist): order_by on a relationship, set and attribute-keyed
// collections, an ordering list, and whole-collection assignment - rows,
// statements and both sides' in-memory state, on every database.
#include "scenarios/scenario_support.hpp"
#include "support/collection_models.hpp"

namespace {

using namespace collections;
using namespace retort::testing::sql_rules;
using retort::testing::rows;
using strings = std::vector<std::string>;

class collections_test : public retort::testing::orm_test {};

strings titles(retort::many<Book>& books) {
  strings out;
  for (auto& b : books) out.push_back(b.title);
  return out;
}
strings names(retort::set_of<Ingredient>& ingredients) {
  strings out;
  for (auto& i : ingredients) out.push_back(i.name);
  return out;
}
strings texts(retort::many<Bullet>& bullets) {
  strings out;
  for (auto& b : bullets) out.push_back(b.text + ":" + std::to_string(b.position));
  return out;
}
strings song_titles(retort::many<Song>& songs) {
  strings out;
  for (auto& s : songs) out.push_back(s.title);
  return out;
}

// ---- order_by ----

TEST_P(collections_test, order_by_loads_the_collection_in_the_declared_order) {
  int shelf = 0;
  {
    auto s = session();
    auto sh = s.add(Shelf{.name = "fiction"});
    sh->books.add(Book{.title = "b", .year = 2001});
    sh->books.add(Book{.title = "c", .year = 1999});
    sh->books.add(Book{.title = "a", .year = 2001});
    sh->books.add(Book{.title = "z", .year = 2010});
    s.commit();
    shelf = sh->id;
  }
  auto s = session();
  auto sh = s.get<Shelf>(shelf);
  auto& rec = record();
  // year descending, then title ascending: the order SQLAlchemy's order_by=[Book.year.desc(), Book.title] gives.
  EXPECT_EQ(titles(sh->books), (strings{"z", "a", "b", "c"}));
  EXPECT_SQL(rec, {compiled_sql("SELECT book.id, book.title, book.year, book.shelf_id FROM book WHERE book.shelf_id = ? "
                                "ORDER BY book.year DESC, book.title")
                       .params({shelf})});
  EXPECT_EQ(sh->books[0]->shelf.get(), sh);  // the other side is the same object
}

TEST_P(collections_test, order_by_through_a_secondary_table) {
  int recipe = 0;
  {
    auto s = session();
    auto r = s.add(Recipe{.name = "soup"});
    for (auto n : {"salt", "carrot", "water"}) r->ingredients.add(Ingredient{.name = n});
    s.commit();
    recipe = r->id;
  }
  auto s = session();
  auto r = s.get<Recipe>(recipe);
  auto& rec = record();
  EXPECT_EQ(names(r->ingredients), (strings{"carrot", "salt", "water"}));
  ASSERT_EQ(rec.entries().size(), 1u);
  EXPECT_NE(rec.entries()[0].sql.find("ORDER BY ingredient.name"), std::string::npos) << rec.entries()[0].sql;
  EXPECT_NE(rec.entries()[0].sql.find("recipe_ingredients"), std::string::npos) << rec.entries()[0].sql;
}

TEST_P(collections_test, without_order_by_a_collection_loads_by_the_target_key) {
  int playlist = 0;
  {
    auto s = session();
    auto p = s.add(Playlist{.name = "p"});
    for (auto t : {"c", "a", "b"}) p->songs.add(Song{.title = t});
    s.commit();
    playlist = p->id;
  }
  auto s = session();
  auto p = s.get<Playlist>(playlist);
  auto& rec = record();
  EXPECT_EQ(song_titles(p->songs), (strings{"c", "a", "b"}));
  ASSERT_EQ(rec.entries().size(), 1u);
  EXPECT_NE(rec.entries()[0].sql.find("ORDER BY song.id"), std::string::npos) << rec.entries()[0].sql;
}

// ---- set_of ----

TEST_P(collections_test, a_set_keeps_each_object_once_on_both_sides) {
  auto s = session();
  auto soup = s.add(Recipe{.name = "soup"});
  auto salt = retort::make(Ingredient{.name = "salt"});
  EXPECT_TRUE(soup->ingredients.insert(salt));
  EXPECT_FALSE(soup->ingredients.insert(salt));  // already there: nothing changes
  EXPECT_EQ(salt->recipes.size(), 1u);
  EXPECT_FALSE(salt->recipes.insert(soup));  // the same link, from the other side
  EXPECT_EQ(soup->ingredients.size(), 1u);
  EXPECT_TRUE(soup->ingredients.contains(salt));
  EXPECT_TRUE(salt->recipes.contains(soup));
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {verb_table("INSERT", "recipe"), verb_table("INSERT", "ingredient"),
                   compiled_sql("INSERT INTO recipe_ingredients (recipe_id, ingredient_id) VALUES (?, ?)")
                       .params({soup->id, salt->id})
                       .batch(1)});
  EXPECT_EQ(rows(s, "recipe_ingredients"), 1);

  rec.clear();
  EXPECT_TRUE(salt->recipes.erase(soup));
  EXPECT_FALSE(salt->recipes.erase(soup));
  EXPECT_FALSE(soup->ingredients.contains(salt));
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("DELETE FROM recipe_ingredients WHERE recipe_ingredients.recipe_id = ? AND "
                                "recipe_ingredients.ingredient_id = ?")
                       .params({soup->id, salt->id})});
  EXPECT_EQ(rows(s, "recipe_ingredients"), 0);
}

TEST_P(collections_test, assigning_a_set_computes_adds_and_removes) {
  auto s = session();
  auto soup = s.add(Recipe{.name = "soup"});
  auto salt = soup->ingredients.add(Ingredient{.name = "salt"});
  auto leek = soup->ingredients.add(Ingredient{.name = "leek"});
  auto kale = s.add(Ingredient{.name = "kale"});
  s.commit();
  auto& rec = record();
  soup->ingredients = {leek, kale};
  s.flush();
  // The recipe reloads (expired by the commit) and its collection loads, ordered
  // by name, to know what leaves; then one link goes and one comes.
  EXPECT_SQL(rec, {verb_table("SELECT", "recipe"), verb_table("SELECT", "ingredient"),
                   compiled_sql("DELETE FROM recipe_ingredients WHERE recipe_ingredients.recipe_id = ? AND "
                                "recipe_ingredients.ingredient_id = ?")
                       .params({1, 1}),
                   compiled_sql("INSERT INTO recipe_ingredients (recipe_id, ingredient_id) VALUES (?, ?)")
                       .params({1, 3})});
  EXPECT_EQ(names(soup->ingredients), (strings{"leek", "kale"}));
  EXPECT_TRUE(salt->recipes.empty());
  EXPECT_TRUE(kale->recipes.contains(soup));
  EXPECT_TRUE(leek->recipes.contains(soup));
  rec.clear();
  s.flush();
  EXPECT_SQL(rec, {});  // reading the other sides afterwards writes nothing again
  EXPECT_EQ(rows(s, "recipe_ingredients", "ingredient_id = " + std::to_string(kale->id)), 1);
  EXPECT_EQ(rows(s, "recipe_ingredients", "ingredient_id = " + std::to_string(salt->id)), 0);
  EXPECT_EQ(rows(s, "recipe_ingredients"), 2);
}

// ---- keyed (attribute_keyed_dict) ----

TEST_P(collections_test, a_keyed_collection_finds_children_by_their_attribute) {
  auto s = session();
  auto item = s.add(Item{.name = "shirt"});
  auto red = retort::make(Note{.keyword = "color", .text = "red"});
  item->notes["color"] = red;
  EXPECT_EQ(red->item.get(), item);  // back_populates
  EXPECT_TRUE(item->notes.contains("color"));
  EXPECT_EQ(item->notes["color"]->text, "red");
  // Appended from the other side: found under its own keyword.
  auto size = retort::make(Note{.keyword = "size", .text = "L", .item = item});
  EXPECT_TRUE(item->notes.contains("size"));
  EXPECT_EQ(item->notes.at("size"), size);
  EXPECT_EQ(item->notes.keys(), (strings{"color", "size"}));
  EXPECT_FALSE(item->notes.contains("fit"));
  EXPECT_FALSE(item->notes.find("fit"));
  EXPECT_THROW((void)item->notes.at("fit"), retort::InvalidRequestError);
  auto& rec = record();
  s.commit();
  EXPECT_SQL(rec, {verb_table("INSERT", "item"), conditional(caps().multirow_insert_returning,
                                                             {verb_table("INSERT", "note")},
                                                             {verb_table("INSERT", "note").batch(2)})});
  EXPECT_EQ(rows(s, "note", "item_id = " + std::to_string(item->id)), 2);

  auto s2 = session();
  auto loaded = s2.get<Item>(item->id);
  EXPECT_EQ(loaded->notes.keys(), (strings{"color", "size"}));
  EXPECT_EQ(loaded->notes["size"]->text, "L");
  EXPECT_EQ(loaded->notes["color"]->item.get(), loaded);
}

// backref<&Atlas::sheets>(attribute_keyed_dict<&Sheet::region>): the reverse,
// created by the backref, is a keyed collection with its key attribute.
TEST_P(collections_test, a_keyed_collection_declared_by_a_backref_has_its_key) {
  auto s = session();
  auto atlas = s.add(Atlas{.title = "europe"});
  auto north = s.add(Sheet{.region = "north", .atlas = atlas});  // from the many-to-one side
  auto south = retort::make(Sheet{.region = "south"});
  atlas->sheets["south"] = south;  // from the keyed side
  EXPECT_EQ(south->atlas.get(), atlas);
  EXPECT_EQ(atlas->sheets.at("north"), north);
  EXPECT_EQ(atlas->sheets.keys(), (strings{"north", "south"}));
  auto& rec = record();
  s.commit();
  EXPECT_SQL(rec, {verb_table("INSERT", "atlas"), conditional(caps().multirow_insert_returning,
                                                              {verb_table("INSERT", "sheet")},
                                                              {verb_table("INSERT", "sheet").batch(2)})});
  EXPECT_EQ(rows(s, "sheet", "atlas_id = " + std::to_string(atlas->id)), 2);

  auto s2 = session();
  auto loaded = s2.get<Atlas>(atlas->id);
  EXPECT_EQ(loaded->sheets.keys(), (strings{"north", "south"}));
  EXPECT_EQ(loaded->sheets["south"]->atlas.get(), loaded);
  EXPECT_THROW((void)loaded->sheets.at("east"), retort::InvalidRequestError);
}

TEST_P(collections_test, a_key_must_match_the_child_attribute) {
  auto s = session();
  auto item = s.add(Item{.name = "shirt"});
  auto note = retort::make(Note{.keyword = "color", .text = "red"});
  try {
    item->notes["size"] = note;
    FAIL() << "stored a 'color' note under 'size'";
  } catch (const retort::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("Item.notes is keyed by Note.keyword"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'color', not the key 'size'"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(item->notes.empty());
  EXPECT_FALSE(note->item);
  s.commit();
  EXPECT_EQ(rows(s, "note"), 0);
}

TEST_P(collections_test, setting_a_taken_key_replaces_the_child_and_erase_removes_it) {
  int item_id = 0, old_id = 0;
  {
    auto s = session();
    auto item = s.add(Item{.name = "shirt"});
    item->notes.add(Note{.keyword = "color", .text = "red"});
    item->notes.add(Note{.keyword = "size", .text = "L"});
    s.commit();
    item_id = item->id;
    old_id = item->notes["color"]->id;
  }
  auto s = session();
  auto item = s.get<Item>(item_id);
  auto old = item->notes.at("color");
  auto& rec = record();
  auto blue = retort::make(Note{.keyword = "color", .text = "blue"});
  item->notes["color"] = blue;
  EXPECT_EQ(item->notes["color"]->text, "blue");
  EXPECT_EQ(item->notes.size(), 2u);
  EXPECT_FALSE(old->item);
  s.flush();
  // As SQLAlchemy: the new child is inserted, then the orphan (delete-orphan) deleted.
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO note (keyword, text, item_id) VALUES (?, ?, ?)")
                       .returning("id")
                       .params({"color", "blue", item_id}),
                   compiled_sql("DELETE FROM note WHERE note.id = ?").params({old_id})});
  EXPECT_EQ(rows(s, "note", "id = " + std::to_string(old_id)), 0);

  rec.clear();
  EXPECT_TRUE(item->notes.erase("size"));
  EXPECT_FALSE(item->notes.erase("size"));
  EXPECT_EQ(item->notes.keys(), (strings{"color"}));
  s.commit();
  EXPECT_SQL(rec, {verb_table("DELETE", "note")});
  EXPECT_EQ(rows(s, "note"), 1);
}

// ---- ordering_list ----

TEST_P(collections_test, an_ordering_list_numbers_appended_items_at_once) {
  auto s = session();
  auto slide = s.add(Slide{.name = "intro"});
  auto a = slide->bullets.add(Bullet{.text = "a"});
  auto b = slide->bullets.add(Bullet{.text = "b"});
  auto c = retort::make(Bullet{.text = "c", .slide = slide});  // from the other side
  EXPECT_EQ(texts(slide->bullets), (strings{"a:0", "b:1", "c:2"}));
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {verb_table("INSERT", "slide"),
                   conditional(caps().multirow_insert_returning, {verb_table("INSERT", "bullet")},
                               {compiled_sql("INSERT INTO bullet (text, position, slide_id) VALUES (?, ?, ?)")
                                    .params({"a", 0, slide->id})
                                    .batch(3)})});
  EXPECT_EQ(rows(s, "bullet", "position = 2 AND text = 'c'"), 1);
  (void)a;
  (void)b;
}

TEST_P(collections_test, an_ordering_list_renumbers_on_insert_remove_and_reorder) {
  int slide_id = 0;
  {
    auto s = session();
    auto slide = s.add(Slide{.name = "intro"});
    for (auto t : {"a", "b", "c"}) slide->bullets.add(Bullet{.text = t});
    s.commit();
    slide_id = slide->id;
  }
  auto s = session();
  auto slide = s.get<Slide>(slide_id);
  auto& rec = record();
  auto z = slide->bullets.insert(0, Bullet{.text = "z"});
  EXPECT_SQL(rec, {compiled_sql("SELECT bullet.id, bullet.text, bullet.position, bullet.slide_id FROM bullet WHERE "
                                "bullet.slide_id = ? ORDER BY bullet.position")
                       .params({slide_id})});
  EXPECT_EQ(texts(slide->bullets), (strings{"z:0", "a:1", "b:2", "c:3"}));
  EXPECT_EQ(z->slide.get(), slide);
  rec.clear();
  s.flush();
  // As SQLAlchemy: the moved rows' positions in one batch, then the new row.
  EXPECT_SQL(rec, {compiled_sql("UPDATE bullet SET position = ? WHERE bullet.id = ?").params({1, 1}).batch(3),
                   compiled_sql("INSERT INTO bullet (text, position, slide_id) VALUES (?, ?, ?)")
                       .returning("id")
                       .params({"z", 0, slide_id})});

  rec.clear();
  slide->bullets.remove(slide->bullets[1]);  // "a" leaves: delete-orphan
  EXPECT_EQ(texts(slide->bullets), (strings{"z:0", "b:1", "c:2"}));
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE bullet SET position = ? WHERE bullet.id = ?").params({1, 2}).batch(2),
                   compiled_sql("DELETE FROM bullet WHERE bullet.id = ?").params({1})});

  rec.clear();
  // Reorder by assigning the sequence: c, z, b.
  slide->bullets = {slide->bullets[2], slide->bullets[0], slide->bullets[1]};
  EXPECT_EQ(texts(slide->bullets), (strings{"c:0", "z:1", "b:2"}));
  s.commit();
  EXPECT_SQL(rec, {verb_table("UPDATE", "bullet").batch(3)});

  auto s2 = session();
  auto again = s2.get<Slide>(slide_id);
  EXPECT_EQ(texts(again->bullets), (strings{"c:0", "z:1", "b:2"}));
  EXPECT_EQ(rows(s2, "bullet"), 3);
}

// ---- assigning a whole collection ----

TEST_P(collections_test, assigning_a_one_to_many_collection_computes_adds_and_removes) {
  auto s = session();
  auto shelf = s.add(Shelf{.name = "s"});
  auto a = shelf->books.add(Book{.title = "a", .year = 1});
  auto b = shelf->books.add(Book{.title = "b", .year = 2});
  s.commit();
  auto c = retort::make(Book{.title = "c", .year = 3});
  auto& rec = record();
  shelf->books = {b, c};
  rec.clear();  // the load of the collection that tells what leaves
  EXPECT_FALSE(a->shelf);
  EXPECT_EQ(c->shelf.get(), shelf);
  EXPECT_EQ(titles(shelf->books), (strings{"b", "c"}));
  s.flush();
  // a's key is set to NULL (no delete-orphan), c is inserted with the shelf's key; b is untouched.
  EXPECT_SQL(rec, {compiled_sql("UPDATE book SET shelf_id = ? WHERE book.id = ?").params({std::nullopt, a->id}),
                   compiled_sql("INSERT INTO book (title, year, shelf_id) VALUES (?, ?, ?)")
                       .returning("id")
                       .params({"c", 3, shelf->id})});
  EXPECT_EQ(rows(s, "book", "shelf_id = " + std::to_string(shelf->id)), 2);
  EXPECT_EQ(rows(s, "book", "shelf_id IS NULL"), 1);
  rec.clear();
  shelf->books = {c, b};  // the same objects in another order: nothing to write
  s.flush();
  EXPECT_SQL(rec, {});
}

TEST_P(collections_test, assigning_a_many_to_many_collection_computes_adds_and_removes) {
  auto s = session();
  auto p = s.add(Playlist{.name = "p"});
  auto x = p->songs.add(Song{.title = "x"});
  auto y = p->songs.add(Song{.title = "y"});
  auto z = s.add(Song{.title = "z"});
  s.flush();
  auto& rec = record();
  p->songs = {y, z};
  EXPECT_EQ(song_titles(p->songs), (strings{"y", "z"}));
  EXPECT_TRUE(x->playlists.empty());
  ASSERT_EQ(z->playlists.size(), 1u);
  EXPECT_EQ(z->playlists[0], p);
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("DELETE FROM playlist_songs WHERE playlist_songs.playlist_id = ? AND "
                                "playlist_songs.song_id = ?")
                       .params({p->id, x->id}),
                   compiled_sql("INSERT INTO playlist_songs (playlist_id, song_id) VALUES (?, ?)")
                       .params({p->id, z->id})});
  EXPECT_EQ(rows(s, "playlist_songs"), 2);
  EXPECT_EQ(rows(s, "playlist_songs", "song_id = " + std::to_string(x->id)), 0);
  rec.clear();
  p->songs = {};
  EXPECT_TRUE(y->playlists.empty());
  s.commit();
  EXPECT_SQL(rec, {verb_table("DELETE", "playlist_songs").batch(2)});
  EXPECT_EQ(rows(s, "playlist_songs"), 0);
  EXPECT_EQ(rows(s, "song"), 3);
}

RETORT_ORM_SUITE(collections_test);

}  // namespace
