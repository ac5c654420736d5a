// Tutorial 4: a tree. Each Node has a parent Node and child Nodes, in one
// table that refers to itself (SQLAlchemy's "adjacency list"):
//
//   class Node(Base):
//       id = Column(Integer, primary_key=True)
//       parent_id = Column(ForeignKey("node.id"))
//       parent = relationship("Node", remote_side=[id], back_populates="children")
//       children = relationship("Node", back_populates="parent", cascade="all, delete-orphan")
#include <retort/retort.hpp>

#include <iostream>
#include <optional>
#include <string>

struct Node {
  int id = 0;
  std::string name;
  std::optional<int> parent_id{};  // NULL for the root
  retort::one<Node> parent{};
  retort::many<Node> children{};
};

template <>
inline constexpr auto retort::mapping<Node> = retort::model(
    retort::column<&Node::id>(retort::primary_key),
    retort::column<&Node::name>(retort::String(40)),
    retort::column<&Node::parent_id>(retort::foreign_key<&Node::id>),
    // Both relationships use the same foreign key, so each must say which way
    // it goes. remote_side<&Node::id> makes `parent` the many-to-one (the key
    // on the other end is the remote id); `children` is then the one-to-many.
    retort::relationship<&Node::parent>(retort::remote_side<&Node::id>, retort::back_populates<&Node::children>),
    // "all, delete-orphan": deleting a node deletes its subtree, and a node
    // taken out of its parent's children (and put nowhere else) is deleted.
    retort::relationship<&Node::children>(retort::cascades("all, delete-orphan"),
                                          retort::back_populates<&Node::parent>));

// Prints a subtree, one node per line, indented by depth. Each level's
// children load lazily the first time they are touched.
void print(Node& node, int depth = 0) {
  std::cout << std::string(2 * static_cast<std::size_t>(depth), ' ') << node.name << '\n';
  for (auto& child : node.children) print(child, depth + 1);
}

int main() {
  try {
    retort::database db("sqlite://");
    db.create_all();

    {
      auto session = db.session({.record_queries = true});
      // Build the whole tree in memory: children.add returns the new child's handle.
      auto root = session.add(Node{.name = "project"});
      auto docs = root->children.add(Node{.name = "docs"});
      docs->children.add(Node{.name = "tutorial"});
      docs->children.add(Node{.name = "api"});
      auto src = root->children.add(Node{.name = "src"});
      src->children.add(Node{.name = "orm"})->children.add(Node{.name = "session.cpp"});
      // One flush, parents first: one INSERT per level (a level's rows in one batch).
      session.commit();
      std::cout << "inserted the tree with " << session.recorded_queries().size() << " INSERT statements\n";
    }

    auto session = db.session();
    // The root is the node without a parent: WHERE node.parent_id IS NULL.
    auto root = session.query<Node>().where(retort::col<&Node::parent_id>.is_null()).one();
    print(*root);

    // Walking up: parent is a many-to-one, found in the identity map here.
    auto file = session.query<Node>().filter_by<&Node::name>("session.cpp").one();
    std::string path = file->name;
    for (auto n = file->parent.get(); n; n = n->parent.get()) path = n->name + "/" + path;
    std::cout << "path of session.cpp: " << path << '\n';

    // Moving a subtree is one UPDATE of one row's parent_id: api goes under src.
    auto api = session.query<Node>().filter_by<&Node::name>("api").one();
    auto src = session.query<Node>().filter_by<&Node::name>("src").one();
    src->children.add(api);
    std::cout << "api's parent is now " << api->parent->name << '\n';
    session.commit();

    // Deleting a node deletes its subtree (the delete cascade), leaves first.
    auto docs = session.query<Node>().filter_by<&Node::name>("docs").one();
    session.delete_(docs);
    session.commit();

    std::cout << "after moving api and deleting docs (" << session.query<Node>().count() << " nodes):\n";
    print(*root);
  } catch (const retort::Error& e) {
    std::cerr << "04_tree: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
