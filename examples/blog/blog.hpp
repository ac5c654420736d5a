// The blog application (docs/blog.md): its routes registered on a given app and
// db, so the `blog` executable and the HTTP tests build the same application,
// and the demo data. Pages in pages.cpp, the JSON API in api.cpp.
#pragma once

#include <filesystem>

#include <retort/web/web.hpp>

#include "models.hpp"

namespace blog {

/// How the blog is set up.
struct options {
  /// The folder of the *.mustache templates (examples/blog/templates).
  std::filesystem::path templates;
  /// Posts per page on the HTML pages (the timeline, a user's page, a tag's page).
  int per_page = 10;
};

/// Registers every route of the blog (HTML pages, forms, the JSON API under
/// /api, the stylesheet) and its error pages on `app`, working through `db`
/// (which must be init_app'ed to `app`). `app` and `db` must outlive the
/// serving; the templates are read from `opts.templates` on first use.
void register_routes(retort::web::app& app, retort::web::sqlalchemy& db, const options& opts);

/// Creates the demo users (alice, bob, carol, dave, erin, with profiles),
/// tags, about 30 posts, follows and threaded comments, and commits. Runs in
/// its own app_context; call it on empty tables (has_users says).
void seed_demo_data(retort::web::sqlalchemy& db);

/// Whether the user table has any row (seeding happens when it has none).
bool has_users(retort::web::sqlalchemy& db);

}  // namespace blog
