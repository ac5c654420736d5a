// The SQL compiler: statements in, {text, parameters} out. Never touches a
// connection. Values only ever become placeholders.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "retort/sql/dialect.hpp"
#include "retort/sql/statement.hpp"

namespace retort::sql {

/// SQL text plus its parameters, in placeholder order.
struct compiled {
  std::string sql;
  std::vector<value> params;
};

/// Parameters as logs show them: "(1, 'alice', NULL)", text over 300
/// characters shortened in the middle as SQLAlchemy's logs do
/// ("'aaa ... (700 characters truncated) ... aaa'"), blobs as "<n bytes>".
std::string describe_params(std::span<const value> params);
/// "<sql>  (<params>)", or the text alone without parameters: what echo prints
/// for a statement, and what fmt's "{}" gives (retort/sql/fmt.hpp).
std::string describe(const compiled& c);

compiled compile(const select& s, const dialect& d);
compiled compile(const insert& s, const dialect& d);
compiled compile(const update& s, const dialect& d);
compiled compile(const delete_& s, const dialect& d);
/// An expression alone (for tests and messages).
compiled compile(const expression& e, const dialect& d);

// DDL. Schema text only; never parameters.
std::string create_table(const table& t, const dialect& d, bool if_not_exists = false);
std::string drop_table(const table& t, const dialect& d, bool if_exists = false);
std::string create_index(const table& t, const index& i, const dialect& d, bool if_not_exists = false);
std::string drop_index(const index& i, const dialect& d, bool if_exists = false);
/// A column's type as CREATE TABLE spells it: the autoincrement type, the
/// reflected spelling (column::type_text), or the dialect's name for sql_type.
std::string column_type(const column& c, const dialect& d);
/// `FOREIGN KEY(a) REFERENCES t (id) ON DELETE ...`, without a CONSTRAINT name.
std::string foreign_key_clause(const foreign_key& fk, const dialect& d);
/// CREATE TABLE for every table, then its indexes, in foreign-key order.
std::vector<std::string> create_all(const metadata& m, const dialect& d, bool if_not_exists = false);
/// DROP TABLE in reverse foreign-key order (a table's indexes go with it).
std::vector<std::string> drop_all(const metadata& m, const dialect& d, bool if_exists = false);

}  // namespace retort::sql
