// The compile-time benchmark's largest translation unit (docs/performance.md,
// "Compile time"): the twenty models, and a main that uses every one of them
// (adds through each relationship, commits, queries each class, walks each
// relationship). Built and run by the suite (ctest bench.twenty_models).
#include <cstdlib>
#include <iostream>
#include <string>

#include "twenty_models.hpp"  // brings namespace m20 into scope

int main(int argc, char** argv) {
  std::string url = argc > 1 ? argv[1] : "sqlite://";
  try {
    retort::database db(url);
    db.create_all(retort::models<User, Profile, Post, Tag, Comment, Musician, Band, BandMember, Mailbox, Message,
                                 Library, Shelf, Book, Author, Article, Feed, Entry, Category, Product, Order, OrderLine,
                                 Invoice, Account>());
    {
      auto s = db.session();
      auto alice = s.add(User{.username = "alice"});
      auto bob = s.add(User{.username = "bob"});
      alice->followed.add(bob);
      alice->profile = retort::make(Profile{.bio = "writes"});
      auto post = alice->posts.add(Post{.title = "Hello", .body = "First."});
      auto tag = s.add(Tag{.name = "c++"});
      post->tags.add(tag);
      auto top = post->comments.add(Comment{.body = "Nice"});
      top->author = bob;
      auto reply = top->replies.add(Comment{.body = "Thanks"});
      reply->author = alice;
      reply->post = post;
      auto kim = s.add(Musician{.name = "kim"});
      musician_bands(*kim).add(s.add(Band{.name = "x"}));
      auto box = s.add(Mailbox{.name = "inbox"});
      box->messages.add(Message{.subject = "hi"});
      auto lib = s.add(Library{.city = "Oslo"});
      auto shelf = lib->shelves.add(Shelf{.position = 1});
      shelf->books.add(Book{.title = "SICP"});
      auto author = s.add(Author{.name = "ann"});
      author->articles.add(Article{.title = "On joins", .body = std::string("long text")});
      auto feed = s.add(Feed{.url = "https://example.org/feed"});
      feed->entries.add(Entry{.headline = "news"});
      auto root = s.add(Category{.name = "root"});
      auto leaf = root->children.add(Category{.name = "leaf"});
      leaf->products.add(Product{.sku = "A-1", .price = 9.5});
      auto order = s.add(Order{.customer = "bob"});
      order->lines.add(OrderLine{.line_no = 1, .quantity = 2});
      order->invoice = retort::make(Invoice{.cents = 1900});
      s.add(Account{.owner = "ann", .balance = 100});
      s.commit();
    }
    auto s = db.session();
    std::size_t n = 0;
    for (auto& u : s.query<User>().options(retort::selectinload<&User::posts>().selectinload<&Post::tags>()).all())
      for (auto& p : u->posts) n += p.tags.size() + p.comments.size();
    auto first = s.get<User>(1);
    n += first->followed.size() + first->followers.size() + (first->profile ? 1 : 0) + first->comments.size();
    for (auto& c : s.query<Comment>().where(retort::col<&Comment::parent_id>.is_null()).all())
      n += c->replies.size() + (c->author ? 1 : 0) + (c->post ? 1 : 0);
    for (auto& t : s.query<Tag>().all()) n += t->posts.size();
    auto musician = s.get<Musician>(1);
    n += musician_bands(*musician).size() + s.get<Band>(1)->members.size();
    for (auto& b : s.query<Mailbox>().all()) n += b->unread.size() + b->messages.size();
    for (auto& m : s.query<Message>().all()) n += m->mailbox ? 1 : 0;
    for (auto& l : s.query<Library>().all())
      for (auto& sh : l->shelves) n += sh.books.size() + (sh.books.contains("SICP") ? 1 : 0);
    for (auto& b : s.query<Book>().all()) n += b->shelf ? 1 : 0;
    auto ann = s.get<Author>(1);
    for (auto& a : ann->articles.select().all()) n += a->body.get().size() + (a->author ? 1 : 0);
    auto feed = s.get<Feed>(1);
    n += static_cast<std::size_t>(feed->entries.count());
    for (auto& e : s.query<Entry>().all()) n += e->feed ? 1 : 0;
    for (auto& p : s.query<Product>().all()) n += p->category ? p->category->children.size() : 0;
    for (auto& c : s.query<Category>().all()) n += c->products.size() + (c->parent ? 1 : 0);
    for (auto& o : s.query<Order>().all()) n += o->lines.size() + (o->invoice ? 1 : 0);
    for (auto& l : s.query<OrderLine>().all()) n += l->order ? 1 : 0;
    for (auto& i : s.query<Invoice>().all()) n += i->order ? 1 : 0;
    for (auto& p : s.query<Profile>().all()) n += p->user ? 1 : 0;
    for (auto& bm : s.query<BandMember>().all()) n += bm->band ? 1 : 0;
    auto account = s.get<Account>(1);
    account->balance += 5;
    s.commit();
    std::cout << "objects reached: " << n << '\n';
  } catch (const retort::Error& e) {
    std::cerr << "twenty_models: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
