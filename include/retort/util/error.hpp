// Retort's one error hierarchy. Every layer throws these; nothing else escapes
// the library. Database errors mirror DB-API's and carry what the database
// told us about the table, column and constraint involved.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

namespace retort {

/// Base of every error Retort raises.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

/// Bad input to an API call: a malformed URL, an unknown option, a value of the wrong kind.
class ArgumentError : public Error {
  using Error::Error;
};

/// A value an enum column cannot hold (Python's LookupError, which SQLAlchemy's
/// Enum raises): an enumerator without a name, or a stored name that is not
/// an enumerator's. The message names the enum and its possible values.
class LookupError : public ArgumentError {
  using ArgumentError::ArgumentError;
};

/// A validator (retort::validates) refused a value: names the class, the
/// attribute, the value (as repr() shows it) and the validator's reason.
class ValidationError : public ArgumentError {
 public:
  ValidationError(std::string class_name, std::string attribute, std::string value, std::string reason)
      : ArgumentError(class_name + "." + attribute + ": invalid value " + value + (reason.empty() ? "" : " (" + reason + ")")),
        class_name_(std::move(class_name)),
        attribute_(std::move(attribute)),
        value_(std::move(value)),
        reason_(std::move(reason)) {}
  const std::string& class_name() const noexcept { return class_name_; }
  const std::string& attribute() const noexcept { return attribute_; }
  const std::string& value() const noexcept { return value_; }
  const std::string& reason() const noexcept { return reason_; }

 private:
  std::string class_name_, attribute_, value_, reason_;
};

/// What a validator throws to refuse a value with a reason:
/// `throw retort::invalid("must contain @")`. Retort turns it into a
/// ValidationError naming the class, attribute and value.
class invalid : public Error {
 public:
  explicit invalid(const std::string& reason) : Error(reason) {}
};

/// A mapping mistake found when the registry is configured; names class, attribute and fix.
class ConfigurationError : public Error {
  using Error::Error;
};

/// Two or more foreign keys could join a relationship and none is named (SQLAlchemy's
/// AmbiguousForeignKeysError); the message says how to name one.
class AmbiguousForeignKeysError : public ConfigurationError {
  using ConfigurationError::ConfigurationError;
};

/// The operation is not valid in the object's or session's current state.
/// Reflection asked for a table the database does not have (SQLAlchemy's NoSuchTableError).
class NoSuchTableError : public Error {
  using Error::Error;
};

/// A schema migration could not be read, planned or run: a malformed revision
/// file (file and line named), an unknown or ambiguous revision, a cycle, a
/// step the database refused (revision and statement named).
class MigrationError : public Error {
  using Error::Error;
};

class InvalidRequestError : public Error {
  using Error::Error;
};

/// Rows (or classes) depend on each other in a cycle the flush cannot order
/// (SQLAlchemy's CircularDependencyError); post_update on one relationship breaks it.
class CircularDependencyError : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// `query.one()` found no row.
class NoResultFound : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// `query.one()` / `one_or_none()` found more than one row.
class MultipleResultsFound : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// synchronize_session=evaluate met a criterion it cannot evaluate in C++
/// (SQLAlchemy's UnevaluatableError): use fetch, or none.
class UnevaluatableError : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// A lazy load or refresh was needed on an object that belongs to no session.
class DetachedInstanceError : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// `->` or `*` on an empty ptr<T> or one<T> (`session.get<User>(missing)->name`):
/// the handle refers to no object.
class NullReferenceError : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// An expired object's row no longer exists.
class ObjectDeletedError : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// A flush failed; the session must be rolled back before it is used again.
class PendingRollbackError : public InvalidRequestError {
  using InvalidRequestError::InvalidRequestError;
};

/// A flush's UPDATE or DELETE matched a different number of rows than expected
/// (the row was changed or deleted by someone else).
class StaleDataError : public Error {
  using Error::Error;
};

/// No connection could be checked out of the pool in time.
class TimeoutError : public Error {
  using Error::Error;
};

/// What the database reported, plus where: table, column, constraint (any may be empty).
struct database_error_info {
  std::string message;     ///< the database's own message
  std::string table;       ///< table involved, when known
  std::string column;      ///< column involved, when known
  std::string constraint;  ///< constraint name or kind ("UNIQUE", "NOT NULL", ...), when known
  /// SQLSTATE. PostgreSQL: the server's. SQLite: for UNIQUE / PRIMARY KEY, NOT NULL,
  /// FOREIGN KEY and CHECK violations PostgreSQL's (23505, 23502, 23503, 23514);
  /// otherwise sqlite3_errstr() of the extended result code ("database is locked").
  std::string sqlstate;
  std::string statement;   ///< the SQL text that failed, when there was one
};

/// Base of errors raised by the database itself (DB-API's DatabaseError).
class DatabaseError : public Error {
 public:
  explicit DatabaseError(database_error_info info);
  const database_error_info& info() const noexcept { return info_; }
  const std::string& table() const noexcept { return info_.table; }
  const std::string& column() const noexcept { return info_.column; }
  const std::string& constraint() const noexcept { return info_.constraint; }

 private:
  database_error_info info_;
};

/// A constraint was violated: NOT NULL, UNIQUE, FOREIGN KEY, CHECK, PRIMARY KEY.
class IntegrityError : public DatabaseError {
  using DatabaseError::DatabaseError;
};
/// The database could not be reached or failed to carry out the operation.
class OperationalError : public DatabaseError {
  using DatabaseError::DatabaseError;
};
/// The SQL was wrong: syntax error, unknown table or column.
class ProgrammingError : public DatabaseError {
  using DatabaseError::DatabaseError;
};
/// A value did not fit its column: too long, out of range, bad date.
class DataError : public DatabaseError {
  using DatabaseError::DatabaseError;
};

/// Renders the message of a DatabaseError from its parts.
std::string describe(const database_error_info& info);

/// The class of `e` without its namespaces ("IntegrityError", also for a
/// subclass an application derives), for logs: what fmt's "{}" of an error
/// puts before the message (retort/util/fmt.hpp).
std::string error_class_name(const std::exception& e);

}  // namespace retort
