#include "tracing/sqlite.hpp"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <unistd.h>

namespace localray::tracing {

Statement::~Statement() { sqlite3_finalize(stmt); }

Error sql_error(sqlite3* db, const char* what) { return Error{std::string{what} + ": " + sqlite3_errmsg(db)}; }

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  if (v.empty()) sqlite3_bind_null(s, i);
  else sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int i) {
  auto p = sqlite3_column_text(s, i);
  return p ? std::string{reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s, i))} : std::string{};
}

Result<void> prepare_sql(sqlite3* db, const char* sql, sqlite3_stmt** out) {
  if (sqlite3_prepare_v2(db, sql, -1, out, nullptr) != SQLITE_OK) return sql_error(db, "prepare");
  return {};
}

namespace {

// In-memory stores share one cache between their connections (`:memory:`), where a table another
// connection is writing is SQLITE_LOCKED at once: the busy timeout does not apply. Such a lock
// lasts one transaction, so the step is tried again for as long as the busy timeout would wait.
constexpr auto kLockedPatience = std::chrono::seconds{5};

bool locked(int rc) { return (rc & 0xff) == SQLITE_LOCKED; }

}  // namespace

Result<void> step_done(sqlite3* db, sqlite3_stmt* st, const char* what) {
  auto deadline = std::chrono::steady_clock::now() + kLockedPatience;
  int rc = sqlite3_step(st);
  while (locked(rc) && std::chrono::steady_clock::now() < deadline) {
    sqlite3_reset(st);
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
    rc = sqlite3_step(st);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return sql_error(db, what);
  return {};
}

Result<std::unique_ptr<Connection>> Connection::open(const std::string& uri, bool create) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(uri.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    Error e = sql_error(db, "cannot open trace database");
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<Connection>{new Connection{db}};
}

Connection::~Connection() { sqlite3_close(db_); }

Result<void> Connection::exec(const char* sql) {
  char* msg = nullptr;
  auto deadline = std::chrono::steady_clock::now() + kLockedPatience;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  while (locked(rc) && std::chrono::steady_clock::now() < deadline) {
    sqlite3_free(msg);
    msg = nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
    rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  }
  if (rc != SQLITE_OK) {
    Error e{msg ? msg : "sqlite error"};
    sqlite3_free(msg);
    return e;
  }
  return {};
}

std::string database_uri(const std::string& path) {
  if (path == ":memory:") {
    static std::atomic<int> counter{0};
    return "file:localray-mem-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "?mode=memory&cache=shared";
  }
  return "file:" + path;
}

}  // namespace localray::tracing
