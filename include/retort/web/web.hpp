// retort::web, the Flask-SQLAlchemy layer: the app, the db object, JSON of
// models, templates and the debug panel. Link retort::web.
#pragma once

#include "retort/retort.hpp"
#include "retort/web/app.hpp"
#include "retort/web/debug_panel.hpp"
#include "retort/web/http.hpp"
#include "retort/web/json.hpp"
#include "retort/web/sqlalchemy.hpp"
#include "retort/web/templates.hpp"
