// The debug panel (beyond Flask-SQLAlchemy; Flask-DebugToolbar's SQLAlchemy
// panel is the model): each HTML page gets, before </body>, the statements
// its request ran with their parameters, durations and caller locations, and
// the N+1 warnings. Switched on by a flag; it turns query recording on.
#pragma once

#include "retort/web/app.hpp"
#include "retort/web/sqlalchemy.hpp"

namespace retort::web {

/// Adds the panel to every HTML response of `a` (an after_request hook).
/// Call it after db.init_app(a) and only in development: the panel shows SQL.
void enable_debug_panel(web::app& a, sqlalchemy& db);

/// The panel's HTML for the current request (what enable_debug_panel inserts).
std::string debug_panel_html(sqlalchemy& db);

}  // namespace retort::web
