#include "tracing/store.hpp"

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <unordered_map>

#include <unistd.h>

#include "tracing/segment_json.hpp"

namespace localray::tracing {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS segments(
  trace_id    TEXT NOT NULL,
  id          TEXT NOT NULL,
  parent_id   TEXT,
  name        TEXT NOT NULL,
  origin      TEXT,
  standalone  INTEGER NOT NULL,
  start_time  REAL NOT NULL,
  end_time    REAL,
  document    TEXT NOT NULL,
  PRIMARY KEY (trace_id, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS traces(
  trace_id    TEXT PRIMARY KEY,
  start_time  REAL NOT NULL,
  end_time    REAL NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS traces_by_start ON traces(start_time);
)sql";

Error sql_error(sqlite3* db, const char* what) { return Error{std::string{what} + ": " + sqlite3_errmsg(db)}; }

struct Statement {
  sqlite3_stmt* stmt = nullptr;
  ~Statement() { sqlite3_finalize(stmt); }
};

void bind_text(sqlite3_stmt* s, int i, const std::string& v) {
  if (v.empty()) sqlite3_bind_null(s, i);
  else sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int i) {
  auto p = sqlite3_column_text(s, i);
  return p ? std::string{reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(s, i))} : std::string{};
}

Segment* find_by_id(std::list<Segment>& list, const std::string& id) {
  for (auto& s : list) {
    if (s.id == id) return &s;
    if (auto* f = find_by_id(s.subsegments, id)) return f;
  }
  return nullptr;
}

}  // namespace

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
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &msg) != SQLITE_OK) {
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

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  if (path != ":memory:") {
    std::error_code ec;
    auto parent = std::filesystem::path{path}.parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) return Error{"cannot create " + parent.string() + ": " + ec.message()};
  }
  std::string uri = database_uri(path);
  auto conn = Connection::open(uri, true);
  if (!conn) return conn.error();
  auto& c = **conn;
  // WAL: readers never block the writer. NORMAL sync is durable across a process crash, which is
  // the failure a local emulator must survive; a power cut may lose the last commits.
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"}) {
    if (auto r = c.exec(pragma); !r) return r.error();
  }
  if (auto r = c.exec(kSchema); !r) return r.error();
  return std::unique_ptr<Store>{new Store{std::move(*conn), uri}};
}

Result<void> Store::write(const std::vector<Segment>& batch) {
  sqlite3* db = conn_->handle();
  if (auto r = conn_->exec("BEGIN"); !r) return r.error();
  Statement seg, trace;
  if (sqlite3_prepare_v2(db,
                         "INSERT OR REPLACE INTO segments(trace_id,id,parent_id,name,origin,standalone,start_time,end_time,document)"
                         " VALUES(?,?,?,?,?,?,?,?,?)",
                         -1, &seg.stmt, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(db,
                         "INSERT INTO traces(trace_id,start_time,end_time) VALUES(?,?,?) ON CONFLICT(trace_id) DO UPDATE SET"
                         " start_time=min(start_time,excluded.start_time), end_time=max(end_time,excluded.end_time)",
                         -1, &trace.stmt, nullptr) != SQLITE_OK) {
    Error e = sql_error(db, "prepare");
    conn_->exec("ROLLBACK");
    return e;
  }
  for (const auto& s : batch) {
    // Replace, not throw: SDKs and headers can carry bytes that are not UTF-8.
    std::string doc = to_json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    double end = s.in_progress ? s.start_time : s.end_time;
    bind_text(seg.stmt, 1, s.trace_id);
    bind_text(seg.stmt, 2, s.id);
    bind_text(seg.stmt, 3, s.parent_id);
    bind_text(seg.stmt, 4, s.name);
    bind_text(seg.stmt, 5, s.origin);
    sqlite3_bind_int(seg.stmt, 6, s.type == "subsegment" ? 1 : 0);
    sqlite3_bind_double(seg.stmt, 7, s.start_time);
    sqlite3_bind_double(seg.stmt, 8, end);
    bind_text(seg.stmt, 9, doc);
    int rc = sqlite3_step(seg.stmt);
    sqlite3_reset(seg.stmt);
    bind_text(trace.stmt, 1, s.trace_id);
    sqlite3_bind_double(trace.stmt, 2, s.start_time);
    sqlite3_bind_double(trace.stmt, 3, end);
    int rc2 = sqlite3_step(trace.stmt);
    sqlite3_reset(trace.stmt);
    if (rc != SQLITE_DONE || rc2 != SQLITE_DONE) {
      Error e = sql_error(db, "insert segment");
      conn_->exec("ROLLBACK");
      return e;
    }
  }
  if (auto r = conn_->exec("COMMIT"); !r) {
    conn_->exec("ROLLBACK");
    return r.error();
  }
  return {};
}

Result<std::vector<TraceRow>> StoreReader::traces_between(double start, double end, std::size_t limit) {
  sqlite3* db = conn_->handle();
  Statement st;
  if (sqlite3_prepare_v2(db,
                         "SELECT trace_id,start_time,end_time FROM traces WHERE start_time>=? AND start_time<=?"
                         " ORDER BY start_time DESC LIMIT ?",
                         -1, &st.stmt, nullptr) != SQLITE_OK)
    return sql_error(db, "prepare");
  sqlite3_bind_double(st.stmt, 1, start);
  sqlite3_bind_double(st.stmt, 2, end);
  sqlite3_bind_int64(st.stmt, 3, static_cast<sqlite3_int64>(limit));
  std::vector<TraceRow> out;
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW)
    out.push_back({column_text(st.stmt, 0), sqlite3_column_double(st.stmt, 1), sqlite3_column_double(st.stmt, 2)});
  if (rc != SQLITE_DONE) return sql_error(db, "read traces");
  return out;
}

Result<std::vector<Segment>> StoreReader::trace_segments(const std::string& trace_id) {
  sqlite3* db = conn_->handle();
  Statement st;
  if (sqlite3_prepare_v2(db, "SELECT standalone,document FROM segments WHERE trace_id=? ORDER BY standalone, start_time", -1,
                         &st.stmt, nullptr) != SQLITE_OK)
    return sql_error(db, "prepare");
  bind_text(st.stmt, 1, trace_id);
  std::list<Segment> whole;
  std::vector<Segment> loose;
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
    auto seg = parse_segment_document(column_text(st.stmt, 1));
    if (!seg) continue;  // stored documents were validated on the way in
    if (sqlite3_column_int(st.stmt, 0)) loose.push_back(std::move(*seg));
    else whole.push_back(std::move(*seg));
  }
  if (rc != SQLITE_DONE) return sql_error(db, "read segments");
  // Attach subsegments sent on their own to their parent; parents may themselves be loose, so
  // repeat until nothing moves. Orphans whose parent never arrived are dropped from the view.
  bool moved = true;
  while (moved && !loose.empty()) {
    moved = false;
    for (auto it = loose.begin(); it != loose.end();) {
      if (Segment* parent = find_by_id(whole, it->parent_id)) {
        Segment child = std::move(*it);
        child.type.clear();
        child.trace_id.clear();
        child.parent_id.clear();
        if (Segment* existing = find_by_id(parent->subsegments, child.id)) *existing = std::move(child);
        else parent->subsegments.push_back(std::move(child));
        it = loose.erase(it);
        moved = true;
      } else {
        ++it;
      }
    }
  }
  return std::vector<Segment>(std::make_move_iterator(whole.begin()), std::make_move_iterator(whole.end()));
}

ReaderPool::Lease::~Lease() {
  if (!reader_) return;
  std::lock_guard lock{pool_.mutex_};
  pool_.idle_.push_back(std::move(reader_));
}

Result<ReaderPool::Lease> ReaderPool::acquire() {
  {
    std::lock_guard lock{mutex_};
    if (!idle_.empty()) {
      auto r = std::move(idle_.back());
      idle_.pop_back();
      return Lease{*this, std::move(r)};
    }
  }
  auto conn = Connection::open(uri_, false);
  if (!conn) return conn.error();
  // Shared-cache (in-memory) databases lock per table; readers must not wait on the writer.
  if (uri_.find("mode=memory") != std::string::npos) (*conn)->exec("PRAGMA read_uncommitted=1");
  return Lease{*this, std::make_unique<StoreReader>(std::move(*conn))};
}

}  // namespace localray::tracing
