// The trace store's schema, and the migrations that bring older files to it.
#include "tracing/store.hpp"

#include <sqlite3.h>

namespace localray::tracing {
namespace {

// Version 2: rowid tables (documents are too large for WITHOUT ROWID to pay), digests, terms and
// graph tallies per ten seconds and per minute. Version 3: each trace keeps the tally it added, so
// that updating or removing it needs no read of its documents. Older files are migrated on open.
constexpr int kSchemaVersion = 3;
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
  UNIQUE (trace_id, id)
);
CREATE TABLE IF NOT EXISTS traces(
  trace_id      TEXT NOT NULL UNIQUE,
  start_time    REAL NOT NULL,
  end_time      REAL NOT NULL,
  id_time       REAL NOT NULL,
  segment_count INTEGER NOT NULL,
  terms         TEXT NOT NULL,
  tally         TEXT
);
CREATE INDEX IF NOT EXISTS traces_by_start ON traces(start_time);
CREATE INDEX IF NOT EXISTS traces_by_id_time ON traces(id_time);
CREATE TABLE IF NOT EXISTS terms(
  id   INTEGER PRIMARY KEY,
  term TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS trace_terms(
  term  INTEGER NOT NULL,
  trace INTEGER NOT NULL,
  PRIMARY KEY (term, trace)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS graph_buckets(
  level  INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  tally  TEXT NOT NULL,
  PRIMARY KEY (level, bucket)
);
)sql";

}  // namespace

Result<void> Store::migrate() {
  sqlite3* db = conn_->handle();
  Statement version;
  if (auto r = prepare_sql(db, "PRAGMA user_version", &version.stmt); !r) return r;
  int current = sqlite3_step(version.stmt) == SQLITE_ROW ? sqlite3_column_int(version.stmt, 0) : 0;
  sqlite3_reset(version.stmt);  // an unfinished statement would lock the tables the migration renames
  if (current == kSchemaVersion) return conn_->exec(kSchema);
  if (current > kSchemaVersion) return Error{"the trace database was written by a newer localray (schema " + std::to_string(current) + ")"};
  if (current == 2) {
    // Schema 3 keeps each trace's graph tally with it; rows from before have none (NULL) and are
    // read back from their documents when they change or go.
    if (auto r = conn_->exec("BEGIN; ALTER TABLE traces ADD COLUMN tally TEXT; PRAGMA user_version=3; COMMIT;"); !r) {
      conn_->exec("ROLLBACK");
      return Error{"migrating the trace database: " + r.error().message};
    }
    return conn_->exec(kSchema);
  }
  Statement probe;
  bool had_segments = prepare_sql(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='segments'", &probe.stmt) &&
                      sqlite3_step(probe.stmt) == SQLITE_ROW;
  sqlite3_reset(probe.stmt);
  if (auto r = conn_->exec("BEGIN"); !r) return r;
  auto fail = [&](Error e) -> Result<void> {
    conn_->exec("ROLLBACK");
    return Error{"migrating the trace database: " + e.message};
  };
  if (had_segments) {
    if (auto r = conn_->exec("ALTER TABLE segments RENAME TO segments_v1; DROP TABLE IF EXISTS traces; DROP INDEX IF EXISTS traces_by_start;"); !r)
      return fail(r.error());
  }
  if (auto r = conn_->exec(kSchema); !r) return fail(r.error());
  if (had_segments) {
    if (auto r = conn_->exec("INSERT INTO segments SELECT trace_id,id,parent_id,name,origin,standalone,start_time,end_time,document"
                             " FROM segments_v1; DROP TABLE segments_v1;");
        !r)
      return fail(r.error());
  }
  if (auto r = conn_->exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str()); !r) return fail(r.error());
  if (auto r = conn_->exec("COMMIT"); !r) return fail(r.error());
  redigest_ = had_segments;
  return {};
}

Result<void> Store::redigest_migrated() {
  sqlite3* db = conn_->handle();
  Statement ids;
  if (auto r = prepare_sql(db, "SELECT DISTINCT trace_id FROM segments", &ids.stmt); !r) return r;
  std::vector<std::string> all;
  while (sqlite3_step(ids.stmt) == SQLITE_ROW) all.push_back(column_text(ids.stmt, 0));
  if (auto r = conn_->exec("BEGIN"); !r) return r;
  BucketDeltas deltas;
  for (const auto& id : all) {
    auto segments = load_stored(id);
    Result<void> r = segments ? update_digest(id, std::move(*segments), {}, deltas) : Result<void>{segments.error()};
    if (!r) {
      conn_->exec("ROLLBACK");
      return r;
    }
  }
  if (auto r = apply_buckets(deltas); !r) {
    conn_->exec("ROLLBACK");
    return r;
  }
  return conn_->exec("COMMIT");
}

}  // namespace localray::tracing
