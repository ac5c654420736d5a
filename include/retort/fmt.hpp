// Every fmt formatter Retort has (libfmt-dev; link fmt::fmt): errors, SQL
// values and compiled statements, URLs (password masked), log levels, and
// mapped objects ("<User 1>"). Opt-in: retort.hpp does not include it.
#pragma once

#include "retort/engine/fmt.hpp"
#include "retort/orm/fmt.hpp"
#include "retort/sql/fmt.hpp"
#include "retort/util/fmt.hpp"
