// Session cascades (SQLAlchemy's "Cascades" chapter, the parts that act on the
// session): expunge, refresh-expire, merge, single_parent and pending orphans.
// Statement shapes and counts are SQLAlchemy 2.0's for the same operations.
#include "scenarios/scenario_support.hpp"
#include "support/cascade_models.hpp"

namespace {

using namespace casc;
using retort::orm::status;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class session_cascades_test : public retort::testing::orm_test {
 protected:
  /// An album "a" with tracks "t1", "t2", committed; its id.
  int album_with_two_tracks() {
    auto s = session();
    auto a = s.add(Album{.title = "a"});
    a->tracks.add(Track{.title = "t1"});
    a->tracks.add(Track{.title = "t2"});
    s.commit();
    return a->id;
  }
  /// The album and its loaded tracks, detached from a session that is gone
  /// (expunge with the cascade "all" takes the tracks along).
  retort::ptr<Album> detached_album(int id, bool load_tracks = true) {
    auto s = session();
    auto a = s.get<Album>(id);
    if (load_tracks) {
      EXPECT_EQ(a->tracks.size(), 2u);
      for (auto& t : a->tracks) EXPECT_EQ(t.album.get(), a);  // the many-to-one too, from the identity map
    }
    s.expunge(a);
    return a;
  }
  /// Statements that write (SELECTs left out).
  static strings writes(const retort::testing::statement_recorder& rec) {
    strings out;
    for (const auto& sh : shapes(rec))
      if (sh.rfind("SELECT", 0) != 0) out.push_back(sh);
    return out;
  }
};

// ---- expunge ----

TEST_P(session_cascades_test, expunge_follows_the_expunge_cascade_to_loaded_children) {
  int id = album_with_two_tracks();
  auto s = session();
  auto a = s.get<Album>(id);
  auto t1 = a->tracks[0], t2 = a->tracks[1];
  auto t3 = a->tracks.add(Track{.title = "t3"});  // pending
  EXPECT_TRUE(s.contains(t3));
  auto& rec = record();
  s.expunge(a);
  EXPECT_EQ(rec.count(), 0u);
  EXPECT_EQ(a.state()->status, status::detached);
  EXPECT_EQ(t1.state()->status, status::detached);
  EXPECT_EQ(t2.state()->status, status::detached);
  EXPECT_EQ(t3.state()->status, status::transient);  // pending: back to transient
  EXPECT_FALSE(s.contains(a) || s.contains(t1) || s.contains(t2) || s.contains(t3));
  EXPECT_EQ(s.identity_count(), 0u);
  EXPECT_EQ(s.new_count(), 0u);
  s.commit();
  EXPECT_EQ(rec.count(), 0u);  // t3 is not inserted
  EXPECT_EQ(rows(s, "track"), 2);
  EXPECT_EQ(a->tracks.size(), 3u);  // detached objects keep what was loaded
}

TEST_P(session_cascades_test, expunge_walks_a_cycle_once_each_from_either_end) {
  int id = album_with_two_tracks();
  auto s = session();
  auto a = s.get<Album>(id);
  auto t1 = a->tracks[0], t2 = a->tracks[1];
  EXPECT_EQ(t1->album.get(), a);
  s.expunge(t1);  // Track.album cascades expunge: the album goes, and with it the other track
  EXPECT_EQ(t1.state()->status, status::detached);
  EXPECT_EQ(a.state()->status, status::detached);
  EXPECT_EQ(t2.state()->status, status::detached);
  EXPECT_EQ(s.identity_count(), 0u);
}

TEST_P(session_cascades_test, expunge_does_not_follow_the_default_cascade) {
  auto s = session();
  auto c = s.add(Crate{.label = "c"});
  auto b = c->bottles.add(Bottle{.wine = "red"});
  s.flush();
  s.expunge(c);  // save-update, merge: the bottle stays
  EXPECT_EQ(c.state()->status, status::detached);
  EXPECT_EQ(b.state()->status, status::persistent);
  EXPECT_TRUE(s.contains(b));
  EXPECT_EQ(s.identity_count(), 1u);
}

// ---- save-update at flush ----
// SQLAlchemy cascades save-update when a value is set or appended; the flush
// does not walk a persistent object's current relationships again. An object
// expunged while its parent still holds it stays out, however the parent is used.

TEST_P(session_cascades_test, an_expunged_child_stays_out_when_its_parent_is_only_read) {
  int crate = 0;
  {
    auto s = session();
    auto c = s.add(Crate{.label = "c"});
    c->bottles.add(Bottle{.wine = "red"});
    c->bottles.add(Bottle{.wine = "white"});
    s.commit();
    crate = c->id;
  }
  auto s = session();
  auto c = s.get<Crate>(crate);
  ASSERT_EQ(c->bottles.size(), 2u);
  auto red = c->bottles[0];
  s.expunge(red);
  red->wine = "rose";                // a change to a detached object is not written
  EXPECT_EQ(c->label, "c");          // the parent is read through (handed out for writing)
  EXPECT_EQ(c->bottles.size(), 2u);  // and still holds the child
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), strings{});
  EXPECT_EQ(red.state()->status, status::detached);
  EXPECT_FALSE(s.contains(red));
  EXPECT_EQ(rows(s, "bottle", "wine = 'red'"), 1);
}

TEST_P(session_cascades_test, a_child_appended_to_a_persistent_parent_is_inserted_and_an_expunged_one_is_not) {
  int crate = 0;
  {
    auto s = session();
    auto c = s.add(Crate{.label = "c"});
    c->bottles.add(Bottle{.wine = "red"});
    s.commit();
    crate = c->id;
  }
  auto s = session();
  auto c = s.get<Crate>(crate);
  auto red = c->bottles[0];
  s.expunge(red);
  red->wine = "rose";
  auto fresh = retort::make(Bottle{.wine = "white"});
  c->bottles.add(fresh);  // save-update: joins the session now
  EXPECT_EQ(fresh.state()->status, status::pending);
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), strings{"INSERT bottle"});
  EXPECT_EQ(fresh.state()->status, status::persistent);
  EXPECT_EQ(red.state()->status, status::detached);
  EXPECT_EQ(rows(s, "bottle", "crate_id = " + std::to_string(crate)), 2);
  EXPECT_EQ(rows(s, "bottle", "wine = 'rose'"), 0);
}

TEST_P(session_cascades_test, a_many_to_one_set_on_a_persistent_child_cascades_its_new_target) {
  int crate = 0;
  {
    auto s = session();
    auto c = s.add(Crate{.label = "c"});
    c->bottles.add(Bottle{.wine = "red"});
    s.commit();
    crate = c->id;
  }
  auto s = session();
  auto red = s.get<Crate>(crate)->bottles[0];
  auto other = retort::make(Crate{.label = "d"});
  red->crate = other;
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT crate", "UPDATE bottle"}));
  EXPECT_EQ(red->crate_id, other->id);
}

TEST_P(session_cascades_test, expunge_does_not_load_unloaded_relationships) {
  int id = album_with_two_tracks();
  auto s = session();
  auto a = s.get<Album>(id);
  auto& rec = record();
  s.expunge(a);
  EXPECT_EQ(rec.count(), 0u);  // no SELECT of the tracks
  EXPECT_EQ(s.identity_count(), 0u);
}

// ---- refresh-expire ----

TEST_P(session_cascades_test, expire_follows_refresh_expire_to_loaded_children) {
  int id = album_with_two_tracks();
  auto s = session();
  auto a = s.get<Album>(id);
  auto t1 = a->tracks[0], t2 = a->tracks[1];
  t1->title = "local";
  auto& rec = record();
  s.expire(a);
  EXPECT_EQ(rec.count(), 0u);
  EXPECT_TRUE(a.state()->expired);
  EXPECT_TRUE(t1.state()->expired);
  EXPECT_TRUE(t2.state()->expired);
  EXPECT_EQ(t1->title, "t1");  // the local change is gone: SELECT track
  EXPECT_EQ(shapes(rec), (strings{"SELECT track"}));
  EXPECT_EQ(s.dirty_count(), 0u);
}

TEST_P(session_cascades_test, expire_does_not_follow_the_default_cascade) {
  auto s = session();
  auto c = s.add(Crate{.label = "c"});
  auto b = c->bottles.add(Bottle{.wine = "red"});
  s.flush();
  s.expire(c);
  EXPECT_TRUE(c.state()->expired);
  EXPECT_FALSE(b.state()->expired);
}

TEST_P(session_cascades_test, refresh_reloads_the_parent_and_expires_its_loaded_children) {
  int id = album_with_two_tracks();
  auto s = session();
  auto a = s.get<Album>(id);
  auto t1 = a->tracks[0];
  a->title = "local album";
  t1->title = "local track";
  auto& rec = record();
  s.refresh(a);
  EXPECT_EQ(shapes(rec), (strings{"SELECT album"}));  // one SELECT, as SQLAlchemy's
  EXPECT_EQ(a->title, "a");
  EXPECT_FALSE(a.state()->expired);
  EXPECT_FALSE(a->tracks.is_loaded());  // relationships load on next access
  EXPECT_TRUE(t1.state()->expired);
  EXPECT_EQ(t1->title, "t1");
  EXPECT_EQ(shapes(rec), (strings{"SELECT album", "SELECT track"}));
}

TEST_P(session_cascades_test, expire_reaching_a_pending_child_expunges_it) {
  int id = album_with_two_tracks();
  auto s = session();
  auto a = s.get<Album>(id);
  auto t3 = a->tracks.add(Track{.title = "t3"});
  s.expire(a);  // SQLAlchemy: a pending object reached by refresh-expire leaves the session
  EXPECT_EQ(t3.state()->status, status::transient);
  EXPECT_EQ(s.new_count(), 0u);
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), strings{});
  EXPECT_EQ(rows(s, "track"), 2);
}

// ---- merge ----

TEST_P(session_cascades_test, merge_of_an_object_in_the_identity_map_emits_no_select) {
  int id = album_with_two_tracks();
  auto d = detached_album(id, false);  // its tracks never loaded: not merged
  d->title = "renamed";
  auto s = session();
  auto a = s.get<Album>(id);
  auto& rec = record();
  auto m = s.merge(d);
  EXPECT_EQ(rec.count(), 0u);
  EXPECT_EQ(m, a);
  EXPECT_EQ(m->title, "renamed");
  EXPECT_EQ(d.state()->status, status::detached);  // the source is left as it was
  EXPECT_FALSE(s.contains(d));
  s.flush();
  EXPECT_EQ(writes(rec), (strings{"UPDATE album"}));
}

TEST_P(session_cascades_test, merge_of_an_object_not_in_the_identity_map_selects_it_by_key) {
  int id = album_with_two_tracks();
  auto s = session();
  auto& rec = record();
  auto m = s.merge(Album{.id = id, .title = "renamed"});  // a transient value with a key
  EXPECT_EQ(shapes(rec), (strings{"SELECT album"}));
  EXPECT_EQ(m.state()->status, status::persistent);
  EXPECT_EQ(m->title, "renamed");
  EXPECT_EQ(s.dirty_count(), 1u);
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"UPDATE album"}));  // the tracks were never loaded: left alone
  EXPECT_EQ(rows(s, "track", "album_id = " + std::to_string(id)), 2);
  EXPECT_EQ(rows(s, "album", "title = 'renamed'"), 1);
}

TEST_P(session_cascades_test, merge_of_a_parent_with_two_loaded_children) {
  int id = album_with_two_tracks();
  auto d = detached_album(id);
  d->title = "a2";
  d->tracks[0]->title = "t1b";
  auto d1 = d->tracks[0];
  auto s = session();
  auto& rec = record();
  auto m = s.merge(d);
  // As SQLAlchemy: the album by key, then its collection (which puts both
  // tracks in the identity map, so merging them needs no SELECT of their own).
  EXPECT_EQ(shapes(rec), (strings{"SELECT album", "SELECT track"}));
  EXPECT_NE(m, d);
  EXPECT_EQ(m.state()->status, status::persistent);
  ASSERT_EQ(m->tracks.size(), 2u);
  EXPECT_NE(m->tracks[0], d1);
  EXPECT_EQ(m->tracks[0]->title, "t1b");
  EXPECT_EQ(m->tracks[1]->title, "t2");
  EXPECT_EQ(m->tracks[0]->album.get(), m);
  EXPECT_EQ(d1.state()->status, status::detached);
  EXPECT_EQ(d1->album.get(), d);  // the source graph is untouched
  rec.clear();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"UPDATE album", "UPDATE track"}));
  EXPECT_EQ(rows(s, "track", "title = 't1b'"), 1);
}

TEST_P(session_cascades_test, merge_of_a_graph_with_new_objects_inserts_them) {
  int id = album_with_two_tracks();
  auto d = detached_album(id);
  d->tracks.add(Track{.title = "t3"});  // new, in the detached graph
  auto s = session();
  auto m = s.merge(d);
  EXPECT_EQ(m->tracks.size(), 3u);
  EXPECT_EQ(m->tracks[2].state()->status, status::pending);
  EXPECT_EQ(s.new_count(), 1u);
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT track"}));
  EXPECT_EQ(rows(s, "track", "album_id = " + std::to_string(id)), 3);
}

TEST_P(session_cascades_test, merge_of_a_collection_that_lost_a_child_deletes_the_orphan) {
  int id = album_with_two_tracks();
  auto d = detached_album(id);
  d->tracks.remove(d->tracks[0]);
  auto s = session();
  auto m = s.merge(d);
  EXPECT_EQ(m->tracks.size(), 1u);
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"DELETE track"}));  // all, delete-orphan
  EXPECT_EQ(rows(s, "track"), 1);
}

TEST_P(session_cascades_test, merge_without_a_key_makes_a_pending_object) {
  auto s = session();
  auto& rec = record();
  auto m = s.merge(Album{.title = "new"});
  EXPECT_EQ(rec.count(), 0u);  // no key: nothing to look up
  EXPECT_EQ(m.state()->status, status::pending);
  EXPECT_EQ(s.new_count(), 1u);
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT album"}));
  EXPECT_EQ(rows(s, "album", "title = 'new'"), 1);
}

TEST_P(session_cascades_test, merge_of_a_key_with_no_row_makes_a_pending_object_with_that_key) {
  auto s = session();
  auto& rec = record();
  auto m = s.merge(Album{.id = 42, .title = "forty-two"});
  EXPECT_EQ(shapes(rec), (strings{"SELECT album"}));
  EXPECT_EQ(m.state()->status, status::pending);
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT album"}));
  EXPECT_EQ(rows(s, "album", "id = 42"), 1);
}

TEST_P(session_cascades_test, merge_of_a_child_merges_its_loaded_parent_along_the_many_to_one) {
  int id = album_with_two_tracks();
  auto d = detached_album(id);
  auto t = d->tracks[1];
  t->title = "t2b";
  d->title = "a2";
  auto s = session();
  auto m = s.merge(t);
  EXPECT_EQ(m->album->title, "a2");  // Track.album cascades merge: the album was merged too
  EXPECT_EQ(m->album.get().state()->status, status::persistent);
  auto& rec = record();
  s.commit();
  auto w = writes(rec);
  std::sort(w.begin(), w.end());
  EXPECT_EQ(w, (strings{"UPDATE album", "UPDATE track"}));
}

TEST_P(session_cascades_test, merge_of_an_object_of_this_session_returns_it) {
  auto s = session();
  auto a = s.add(Album{.title = "a"});
  s.flush();
  EXPECT_EQ(s.merge(a), a);
  EXPECT_THROW(s.merge(retort::ptr<Album>()), retort::ArgumentError);
}

// ---- single_parent ----

TEST_P(session_cascades_test, single_parent_refuses_a_second_parent_at_the_attach) {
  auto s = session();
  auto v1 = s.add(Vehicle{.model = "v1"});
  auto v2 = s.add(Vehicle{.model = "v2"});
  auto p = retort::make(Plate{.number = "X"});
  v1->plate = p;
  try {
    v2->plate = p;
    FAIL() << "no error";
  } catch (const retort::InvalidRequestError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("Vehicle.plate"), std::string::npos) << what;
    EXPECT_NE(what.find("single parent"), std::string::npos) << what;
  }
  EXPECT_FALSE(v2->plate);  // nothing changed
  EXPECT_EQ(p->vehicles.size(), 1u);
  v1->plate = nullptr;  // released, it may go to another parent (a pending orphan leaves the session)
  v2->plate = p;
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT plate", "INSERT vehicle"}));
  EXPECT_EQ(rows(s, "vehicle", "plate_id IS NOT NULL"), 1);
}

TEST_P(session_cascades_test, single_parent_many_to_one_deletes_the_replaced_plate) {
  auto s = session();
  auto v = s.add(Vehicle{.model = "v"});
  v->plate = retort::make(Plate{.number = "1"});
  s.commit();
  v->plate = retort::make(Plate{.number = "2"});
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT plate", "UPDATE vehicle", "DELETE plate"}));
  EXPECT_EQ(rows(s, "plate"), 1);
}

TEST_P(session_cascades_test, single_parent_many_to_many_refuses_a_second_drawer_and_deletes_orphans) {
  auto s = session();
  auto d1 = s.add(Drawer{.name = "d1"});
  auto d2 = s.add(Drawer{.name = "d2"});
  auto k1 = d1->socks.add(Sock{.colour = "red"});
  d1->socks.add(Sock{.colour = "blue"});
  EXPECT_THROW(d2->socks.add(k1), retort::InvalidRequestError);
  EXPECT_TRUE(d2->socks.empty());
  s.commit();
  EXPECT_EQ(rows(s, "drawer_socks"), 2);
  d1->socks.remove(k1);
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"DELETE drawer_socks", "DELETE sock"}));
  EXPECT_EQ(rows(s, "sock"), 1);
}

// ---- pending orphans ----

TEST_P(session_cascades_test, a_pending_child_removed_from_a_delete_orphan_collection_leaves_the_session) {
  int id = album_with_two_tracks();
  auto s = session();
  auto a = s.get<Album>(id);
  auto t = a->tracks.add(Track{.title = "new"});  // the collection is not loaded
  EXPECT_EQ(t.state()->status, status::pending);
  auto& rec = record();
  a->tracks.remove(t);  // no load (whose autoflush would insert t first)
  EXPECT_EQ(rec.count(), 0u);
  EXPECT_EQ(t.state()->status, status::transient);  // at once, as SQLAlchemy's
  EXPECT_FALSE(s.contains(t));
  s.commit();
  EXPECT_EQ(writes(rec), strings{});  // nothing inserted
  EXPECT_EQ(rows(s, "track"), 2);
  EXPECT_EQ(a->tracks.size(), 2u);
}

TEST_P(session_cascades_test, a_pending_child_moved_to_another_parent_is_inserted_there) {
  auto s = session();
  auto a = s.add(Album{.title = "a"});
  auto b = s.add(Album{.title = "b"});
  s.commit();
  EXPECT_TRUE(a->tracks.empty() && b->tracks.empty());  // loaded first, as SQLAlchemy's append does
  auto t = a->tracks.add(Track{.title = "t"});
  a->tracks.remove(t);
  EXPECT_EQ(t.state()->status, status::transient);
  b->tracks.add(t);
  EXPECT_EQ(t.state()->status, status::pending);
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT track"}));
  EXPECT_EQ(rows(s, "track", "album_id = " + std::to_string(b->id)), 1);
}

TEST_P(session_cascades_test, a_pending_plate_replaced_on_a_single_parent_many_to_one_leaves_the_session) {
  auto s = session();
  auto v = s.add(Vehicle{.model = "v"});
  auto p1 = retort::make(Plate{.number = "1"});
  v->plate = p1;
  EXPECT_TRUE(s.contains(p1));
  v->plate = retort::make(Plate{.number = "2"});
  EXPECT_FALSE(s.contains(p1));
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT plate", "INSERT vehicle"}));
  EXPECT_EQ(rows(s, "plate"), 1);
}

TEST_P(session_cascades_test, without_delete_orphan_a_removed_pending_child_is_still_inserted) {
  auto s = session();
  auto c = s.add(Crate{.label = "c"});
  s.commit();
  EXPECT_TRUE(c->bottles.empty());
  auto b = c->bottles.add(Bottle{.wine = "red"});
  c->bottles.remove(b);
  EXPECT_TRUE(s.contains(b));
  auto& rec = record();
  s.commit();
  EXPECT_EQ(writes(rec), (strings{"INSERT bottle"}));
  EXPECT_EQ(rows(s, "bottle", "crate_id IS NULL"), 1);
}

RETORT_ORM_SUITE(session_cascades_test);

}  // namespace
