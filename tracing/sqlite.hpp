#pragma once
// SQLite, the way localray's stores use it: a connection per user (the writer, each reader, the
// settings store), statements that finalise themselves, and errors as values naming what failed.
#include <memory>
#include <string>

#include "tracing/error.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace localray::tracing {

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> open(const std::string& uri, bool create);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  sqlite3* handle() const { return db_; }
  Result<void> exec(const char* sql);

 private:
  explicit Connection(sqlite3* db) : db_{db} {}
  sqlite3* db_;
};

// ":memory:" becomes a named shared-cache database so that readers see what the writer wrote.
std::string database_uri(const std::string& path);

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();
};

Error sql_error(sqlite3* db, const char* what);
Result<void> prepare_sql(sqlite3* db, const char* sql, sqlite3_stmt** out);
// Steps a statement that returns no rows, then resets it for the next use.
Result<void> step_done(sqlite3* db, sqlite3_stmt* st, const char* what);
// Empty text binds NULL.
void bind_text(sqlite3_stmt* s, int i, const std::string& v);
std::string column_text(sqlite3_stmt* s, int i);

}  // namespace localray::tracing
