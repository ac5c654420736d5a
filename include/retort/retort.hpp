// Retort's umbrella header for applications: the ORM, with the built-in
// backends (SQLite, and PostgreSQL when built with it) through retort::database.
// Part of the facade target, retort::retort.
#pragma once

#include "retort/database.hpp"
#include "retort/engine/connection.hpp"
#include "retort/engine/engine.hpp"
#include "retort/orm/association_proxy.hpp"
#include "retort/orm/events.hpp"
#include "retort/orm/mapper_builder.hpp"
#include "retort/orm/mapping.hpp"
#include "retort/orm/model_set.hpp"
#include "retort/orm/pagination.hpp"
#include "retort/orm/ptr.hpp"
#include "retort/orm/query.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/orm/repr.hpp"
#include "retort/orm/session.hpp"
#include "retort/orm/validation.hpp"
#include "retort/orm/write_only.hpp"
#include "retort/sql/expression.hpp"
#include "retort/util/error.hpp"

namespace retort {
// Core expression helpers at the top level, as in SQLAlchemy (`sqlalchemy.and_`).
using sql::and_;
using sql::count;
using sql::exists;
using sql::not_;
using sql::or_;
using sql::text;
}  // namespace retort
