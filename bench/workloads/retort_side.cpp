// Retort's side of the seven workloads (workloads.hpp says what each does),
// written as a user writes it: sessions, relationships, loader options.
#include <string>
#include <unordered_map>
#include <vector>

#include "models.hpp"
#include "workloads.hpp"

namespace {

using retort::col;

class retort_side final : public bench::implementation {
 public:
  explicit retort_side(const std::string& url) : db_(url) {
    // The registry learns a model when its mapper is first asked for; create_all
    // creates what the registry holds.
    (void)retort::orm::mapper_for<User>();
    (void)retort::orm::mapper_for<Post>();
    (void)retort::orm::mapper_for<Tag>();
  }

  void reset() override {
    {
      auto c = db_.engine().connect();
      for (const char* table : {"post_tag", "post", "tag", "\"user\""})
        c.execute_ddl(std::string("DROP TABLE IF EXISTS ") + table);
    }
    db_.create_all();
  }

  bench::checksum w1_create(long n) override {
    bench::checksum out;
    auto s = db_.session();
    std::vector<retort::ptr<Tag>> tags;
    for (long t = 0; t < bench::tag_count; ++t) tags.push_back(s.add(Tag{.name = bench::tag_name(t)}));
    for (long u = 0; u < n; ++u) {
      auto user = s.add(User{.username = bench::username(u)});
      ++out.a;
      for (long p = 0; p < bench::posts_per_user; ++p) {
        auto post = user->posts.add(Post{.title = bench::title(u, p), .content = bench::content(u, p)});
        ++out.b;
        long g = u * bench::posts_per_user + p;
        for (long k = 0; k < bench::tags_per_post; ++k) {
          post->tags.add(tags[static_cast<std::size_t>(bench::tag_of(g, k))]);
          ++out.c;
        }
      }
    }
    s.commit();
    return out;
  }

  bench::checksum w2_users_with_posts() override {
    bench::checksum out;
    auto s = db_.session();
    for (auto& user : s.query<User>().options(retort::selectinload<&User::posts>()).all()) {
      ++out.a;
      for (auto& post : user->posts) {
        ++out.b;
        out.c += static_cast<long>(post.title.size());
      }
    }
    return out;
  }

  bench::checksum w3_lazy_posts(bool batched) override {
    bench::checksum out;
    retort::session_options o;
    o.batch_lazy_loads = batched;
    auto s = db_.session(o);
    for (auto& user : s.query<User>().where(col<&User::id> <= 1000).order_by(col<&User::id>).all()) {
      ++out.a;
      for (auto& post : user->posts) {
        ++out.b;
        out.c += post.id;
      }
    }
    return out;
  }

  bench::checksum w4_tag_histogram() override {
    bench::checksum out;
    auto s = db_.session();
    std::unordered_map<std::string, long> histogram;
    for (auto& post : s.query<Post>().options(retort::selectinload<&Post::tags>()).all()) {
      ++out.a;
      for (auto& tag : post->tags) {
        ++out.b;
        ++histogram[tag.name];
      }
    }
    for (const auto& [name, count] : histogram) out.c += count * count;
    return out;
  }

  bench::checksum w5_gets(bool fresh_sessions, long n) override {
    bench::checksum out;
    auto touch = [&out](const retort::ptr<User>& user) {
      ++out.a;
      out.b += user->id;
      out.c += static_cast<long>(user->username.size());
    };
    if (fresh_sessions) {
      for (long i = 0; i < 10'000; ++i) {
        auto s = db_.session();
        touch(s.get<User>(static_cast<int>((i * 7919) % n + 1)));
      }
      return out;
    }
    auto s = db_.session();
    auto everyone = s.query<User>().all();  // held, as the hand-written side holds its hash map
    for (long i = 0; i < 100'000; ++i) touch(s.get<User>(static_cast<int>((i * 7919) % n + 1)));
    return out;
  }

  bench::checksum w6_edit_titles(long n) override {
    bench::checksum out;
    auto s = db_.session();
    for (auto& post : s.query<Post>().where(col<&Post::id> <= n).all()) {
      post->title = "edited " + post->title;
      ++out.a;
      out.b += static_cast<long>(post->title.size());
      out.c += post->id;
    }
    s.commit();
    return out;
  }

  bench::checksum w7_delete_cascade() override {
    bench::checksum out;
    auto s = db_.session();
    for (auto& user : s.query<User>().where(col<&User::id> <= 1000).all()) {
      ++out.a;
      for (auto& post : user->posts) {
        ++out.b;
        out.c += static_cast<long>(post.tags.size());
      }
      s.delete_(user);
    }
    s.commit();
    return out;
  }

  bench::fingerprint state() override {
    bench::fingerprint f{};
    auto c = db_.engine().connect();
    auto rows = c.execute(bench::fingerprint_sql);
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = rows.row(0)[i].as_int();
    return f;
  }

 private:
  retort::database db_;
};

}  // namespace

std::unique_ptr<bench::implementation> bench::make_retort(bool postgresql, const std::string& target) {
  return std::make_unique<retort_side>(postgresql ? target : "sqlite:///" + target);
}
