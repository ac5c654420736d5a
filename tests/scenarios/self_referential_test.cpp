// Adjacency lists (SQLAlchemy's "Adjacency List Relationships"): rows of one
// table inserted parent first, subtrees moved and deleted, all in one flush.
#include "scenarios/scenario_support.hpp"

namespace {

using namespace scenario;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class self_referential_test : public retort::testing::orm_test {};

TEST_P(self_referential_test, a_tree_is_inserted_parent_first_in_one_flush) {
  auto s = session();
  auto root = s.add(Node{.name = "root"});
  auto a = root->children.add(Node{.name = "a"});
  auto b = root->children.add(Node{.name = "b"});
  auto a1 = a->children.add(Node{.name = "a1"});
  EXPECT_EQ(a1->parent.get(), a);
  auto& rec = record();
  s.commit();
  // One INSERT per level: root, then a and b (one batch), then a1.
  EXPECT_EQ(shapes(rec), (strings{"INSERT node", "INSERT node", "INSERT node"}));
  EXPECT_EQ(rec.entries()[1].batch, postgres() ? 1u : 2u);
  EXPECT_EQ(a->parent_id, root->id);
  EXPECT_EQ(b->parent_id, root->id);
  EXPECT_EQ(a1->parent_id, a->id);
  EXPECT_FALSE(root->parent_id.has_value());
  auto s2 = session();
  auto r = s2.get<Node>(root->id);
  ASSERT_EQ(r->children.size(), 2u);
  EXPECT_EQ(r->children[0]->name, "a");
  EXPECT_EQ(r->children[0]->children[0]->name, "a1");
  EXPECT_EQ(r->children[0]->children[0]->parent->parent.get(), r);
}

TEST_P(self_referential_test, moving_a_subtree_updates_one_row) {
  int root_id = 0, a_id = 0, b_id = 0;
  {
    auto s = session();
    auto root = s.add(Node{.name = "root"});
    auto a = root->children.add(Node{.name = "a"});
    auto b = root->children.add(Node{.name = "b"});
    a->children.add(Node{.name = "a1"})->children.add(Node{.name = "a11"});
    s.commit();
    root_id = root->id;
    a_id = a->id;
    b_id = b->id;
  }
  auto s = session();
  auto a = s.get<Node>(a_id);
  auto b = s.get<Node>(b_id);
  auto& rec = record();
  b->children.add(a);  // a and its subtree move under b
  EXPECT_EQ(a->parent.get(), b);
  s.flush();
  // Appending to an unloaded collection does not load it (docs/differences.md): one UPDATE.
  EXPECT_EQ(shapes(rec), (strings{"UPDATE node"}));
  EXPECT_EQ(rows(s, "node", "parent_id = " + std::to_string(b_id)), 1);
  EXPECT_EQ(rows(s, "node", "parent_id = " + std::to_string(root_id)), 1);
  s.commit();
}

TEST_P(self_referential_test, deleting_a_node_deletes_its_subtree_children_first) {
  int a_id = 0;
  {
    auto s = session();
    auto root = s.add(Node{.name = "root"});
    auto a = root->children.add(Node{.name = "a"});
    a->children.add(Node{.name = "a1"})->children.add(Node{.name = "a11"});
    a->children.add(Node{.name = "a2"});
    s.commit();
    a_id = a->id;
  }
  auto s = session();
  s.delete_(s.get<Node>(a_id));
  auto& rec = record();
  s.commit();
  // The subtree is loaded (delete cascade), then deleted leaves first: a11, then a1 and a2, then a.
  strings deletes;
  for (const auto& sh : shapes(rec))
    if (sh.rfind("DELETE", 0) == 0) deletes.push_back(sh);
  EXPECT_EQ(deletes, (strings{"DELETE node", "DELETE node", "DELETE node"}));
  EXPECT_EQ(rows(s, "node"), 1);
}

TEST_P(self_referential_test, removing_a_child_deletes_the_orphan_and_its_subtree) {
  int root_id = 0;
  {
    auto s = session();
    auto root = s.add(Node{.name = "root"});
    root->children.add(Node{.name = "a"})->children.add(Node{.name = "a1"});
    root->children.add(Node{.name = "b"});
    s.commit();
    root_id = root->id;
  }
  auto s = session();
  auto root = s.get<Node>(root_id);
  root->children.remove(root->children[0]);
  s.commit();
  EXPECT_EQ(rows(s, "node"), 2);
}

RETORT_ORM_SUITE(self_referential_test);

}  // namespace
