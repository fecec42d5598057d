#include "tracing/store_reader.hpp"

#include <sqlite3.h>

#include "tracing/trace_documents.hpp"

namespace localray::tracing {

Result<std::vector<TraceRow>> StoreReader::traces_between(double start, double end, std::size_t limit) {
  sqlite3* db = conn_->handle();
  Statement st;
  if (sqlite3_prepare_v2(db,
                         "SELECT trace_id,start_time,end_time,start_time FROM traces WHERE start_time>=? AND start_time<=?"
                         " ORDER BY start_time DESC LIMIT ?",
                         -1, &st.stmt, nullptr) != SQLITE_OK)
    return sql_error(db, "prepare");
  sqlite3_bind_double(st.stmt, 1, start);
  sqlite3_bind_double(st.stmt, 2, end);
  sqlite3_bind_int64(st.stmt, 3, static_cast<sqlite3_int64>(limit));
  std::vector<TraceRow> out;
  int rc;
  while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW)
    out.push_back({column_text(st.stmt, 0), sqlite3_column_double(st.stmt, 1), sqlite3_column_double(st.stmt, 2), sqlite3_column_double(st.stmt, 1)});
  if (rc != SQLITE_DONE) return sql_error(db, "read traces");
  return out;
}

Result<std::vector<Segment>> StoreReader::trace_segments(const std::string& trace_id) {
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_sql(db, kLoadTraceSql, &st.stmt); !r) return r.error();
  return load_trace(db, st.stmt, trace_id);
}

namespace {

Result<std::vector<TraceRow>> read_rows(sqlite3* db, sqlite3_stmt* st) {
  std::vector<TraceRow> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    out.push_back({column_text(st, 0), sqlite3_column_double(st, 1), sqlite3_column_double(st, 2), sqlite3_column_double(st, 3)});
  if (rc != SQLITE_DONE) return sql_error(db, "read traces");
  return out;
}

Result<std::vector<std::string>> read_texts(sqlite3* db, sqlite3_stmt* st) {
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) out.push_back(column_text(st, 0));
  if (rc != SQLITE_DONE) return sql_error(db, "read tallies");
  return out;
}

}  // namespace

Result<std::vector<TraceRow>> StoreReader::traces_page(const Window& w, const Cursor* after, std::size_t limit) {
  sqlite3* db = conn_->handle();
  Statement st;
  // Two fixed statements, chosen by the window's kind; values are always bound.
  const char* sql =
      w.range == TimeRange::TraceId
          ? "SELECT trace_id,start_time,end_time,id_time FROM traces WHERE id_time>=?1 AND id_time<=?2"
            " AND (?3 IS NULL OR id_time<?3 OR (id_time=?3 AND trace_id<?4)) ORDER BY id_time DESC, trace_id DESC LIMIT ?5"
          : "SELECT trace_id,start_time,end_time,start_time FROM traces WHERE start_time<=?2 AND end_time>=?1"
            " AND (?3 IS NULL OR start_time<?3 OR (start_time=?3 AND trace_id<?4)) ORDER BY start_time DESC, trace_id DESC LIMIT ?5";
  if (auto r = prepare_sql(db, sql, &st.stmt); !r) return r.error();
  sqlite3_bind_double(st.stmt, 1, w.start);
  sqlite3_bind_double(st.stmt, 2, w.end);
  if (after) {
    sqlite3_bind_double(st.stmt, 3, after->key);
    bind_text(st.stmt, 4, after->id);
  }
  sqlite3_bind_int64(st.stmt, 5, static_cast<sqlite3_int64>(limit));
  return read_rows(db, st.stmt);
}

Result<std::vector<TraceRow>> StoreReader::traces_with_term(const std::string& term, const Window& w, std::size_t limit) {
  sqlite3* db = conn_->handle();
  Statement st;
  const char* sql = w.range == TimeRange::TraceId
                        ? "SELECT t.trace_id,t.start_time,t.end_time,t.id_time FROM terms k JOIN trace_terms p ON p.term=k.id"
                          " JOIN traces t ON t.rowid=p.trace WHERE k.term=?1 AND t.id_time>=?2 AND t.id_time<=?3 LIMIT ?4"
                        : "SELECT t.trace_id,t.start_time,t.end_time,t.start_time FROM terms k JOIN trace_terms p ON p.term=k.id"
                          " JOIN traces t ON t.rowid=p.trace WHERE k.term=?1 AND t.start_time<=?3 AND t.end_time>=?2 LIMIT ?4";
  if (auto r = prepare_sql(db, sql, &st.stmt); !r) return r.error();
  bind_text(st.stmt, 1, term);
  sqlite3_bind_double(st.stmt, 2, w.start);
  sqlite3_bind_double(st.stmt, 3, w.end);
  sqlite3_bind_int64(st.stmt, 4, limit > static_cast<std::size_t>(INT64_MAX) ? INT64_MAX : static_cast<sqlite3_int64>(limit));
  return read_rows(db, st.stmt);
}

Result<std::vector<std::string>> StoreReader::bucket_tallies(int level, long long first, long long last) {
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_sql(db, "SELECT tally FROM graph_buckets WHERE level=? AND bucket>=? AND bucket<=?", &st.stmt); !r) return r.error();
  sqlite3_bind_int(st.stmt, 1, level);
  sqlite3_bind_int64(st.stmt, 2, first);
  sqlite3_bind_int64(st.stmt, 3, last);
  return read_texts(db, st.stmt);
}

Result<std::vector<std::string>> StoreReader::traces_starting_in(double start, double end) {
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_sql(db, "SELECT trace_id FROM traces WHERE start_time>=? AND start_time<?", &st.stmt); !r) return r.error();
  sqlite3_bind_double(st.stmt, 1, start);
  sqlite3_bind_double(st.stmt, 2, end);
  return read_texts(db, st.stmt);
}

Result<std::size_t> StoreReader::trace_count() {
  sqlite3* db = conn_->handle();
  Statement st;
  if (auto r = prepare_sql(db, "SELECT count(*) FROM traces", &st.stmt); !r) return r.error();
  if (sqlite3_step(st.stmt) != SQLITE_ROW) return sql_error(db, "count traces");
  return static_cast<std::size_t>(sqlite3_column_int64(st.stmt, 0));
}

ReaderPool::Lease::~Lease() {
  if (!reader_) return;
  std::lock_guard lock{pool_.mutex_};
  // A burst of readers leaves only a few connections open behind it.
  if (pool_.idle_.size() < kMaxIdleReaders) pool_.idle_.push_back(std::move(reader_));
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
