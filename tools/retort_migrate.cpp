// retort-migrate without an application's models: init, revision (empty,
// to fill by hand), merge, upgrade, downgrade, current, history, heads,
// stamp. For --autogenerate, an application calls retort::migrate::main
// with its model set (docs/migrations.md).
#include "retort/migrate/cli.hpp"

int main(int argc, char** argv) { return retort::migrate::main(argc, argv); }
