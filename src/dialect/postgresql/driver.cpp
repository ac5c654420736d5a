// being written
#include "retort/dialect/postgresql/postgresql.hpp"
