#include "tracing/store.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>

#include <unistd.h>

#include "tracing/segment_json.hpp"
#include "tracing/trace_digest.hpp"

namespace localray::tracing {
namespace {

// Version 2: rowid tables (documents are too large for WITHOUT ROWID to pay), digests, terms and
// graph tallies per ten seconds and per minute. Version 1 files are migrated on open.
constexpr int kSchemaVersion = 2;
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
  terms         TEXT NOT NULL
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

// Whole segments with the subsegments sent on their own attached to their parent. Parents may
// themselves be loose, so this repeats until nothing moves; orphans whose parent never arrived
// are left out of the view.
std::vector<Segment> assemble(std::list<Segment> whole, std::vector<Segment> loose) {
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

Result<std::vector<Segment>> load_trace(sqlite3* db, sqlite3_stmt* st, const std::string& trace_id) {
  sqlite3_reset(st);
  bind_text(st, 1, trace_id);
  std::list<Segment> whole;
  std::vector<Segment> loose;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto seg = parse_segment_document(column_text(st, 1));
    if (!seg) continue;  // stored documents were validated on the way in
    if (sqlite3_column_int(st, 0)) loose.push_back(std::move(*seg));
    else whole.push_back(std::move(*seg));
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return sql_error(db, "read segments");
  return assemble(std::move(whole), std::move(loose));
}

constexpr const char* kLoadTraceSql = "SELECT standalone,document FROM segments WHERE trace_id=? ORDER BY standalone, start_time";

long long ten_seconds_of(double t) { return static_cast<long long>(std::floor(t / 10)); }

Result<void> prepare_sql(sqlite3* db, const char* sql, sqlite3_stmt** out) {
  if (sqlite3_prepare_v2(db, sql, -1, out, nullptr) != SQLITE_OK) return sql_error(db, "prepare");
  return {};
}

Result<void> step_done(sqlite3* db, sqlite3_stmt* st, const char* what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return sql_error(db, what);
  return {};
}

}  // namespace

struct Store::Statements {
  Statement insert_segment, old_digest, load_trace, insert_trace, update_trace, insert_term, delete_term, intern_term, term_id, orphan_term,
      read_bucket, write_bucket,
      delete_bucket, delete_segments, delete_trace, count, oldest, expired;
};

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

Store::Store(std::unique_ptr<Connection> c, std::string uri, Retention retention)
    : conn_{std::move(c)}, uri_{std::move(uri)}, retention_{retention}, st_{std::make_unique<Statements>()} {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::open(const std::string& path, Retention retention) {
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
  // the failure a local emulator must survive; a power cut may lose the last commits. Documents
  // are about a kilobyte: 8 KiB pages (set before the first table) halve the page count.
  for (const char* pragma : {"PRAGMA page_size=8192", "PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA cache_size=-32768"}) {
    if (auto r = c.exec(pragma); !r) return r.error();
  }
  std::unique_ptr<Store> store{new Store{std::move(*conn), uri, retention}};
  if (auto r = store->migrate(); !r) return r.error();
  sqlite3* db = store->conn_->handle();
  auto& st = *store->st_;
  for (auto [sql, out] : std::initializer_list<std::pair<const char*, sqlite3_stmt**>>{
           {"INSERT OR REPLACE INTO segments(trace_id,id,parent_id,name,origin,standalone,start_time,end_time,document)"
            " VALUES(?,?,?,?,?,?,?,?,?)",
            &st.insert_segment.stmt},
           {"SELECT start_time,terms,rowid FROM traces WHERE trace_id=?", &st.old_digest.stmt},
           {kLoadTraceSql, &st.load_trace.stmt},
           {"INSERT INTO traces(trace_id,start_time,end_time,id_time,segment_count,terms) VALUES(?1,?2,?3,?4,?5,?6)",
            &st.insert_trace.stmt},
           {"UPDATE traces SET start_time=?2, end_time=?3, id_time=?4, segment_count=?5, terms=?6 WHERE rowid=?7", &st.update_trace.stmt},
           {"INSERT OR IGNORE INTO trace_terms(term,trace) VALUES(?,?)", &st.insert_term.stmt},
           {"DELETE FROM trace_terms WHERE term=? AND trace=?", &st.delete_term.stmt},
           {"INSERT OR IGNORE INTO terms(term) VALUES(?)", &st.intern_term.stmt},
           {"SELECT id FROM terms WHERE term=?", &st.term_id.stmt},
           {"DELETE FROM terms WHERE id=?1 AND NOT EXISTS (SELECT 1 FROM trace_terms WHERE term=?1)", &st.orphan_term.stmt},
           {"SELECT tally FROM graph_buckets WHERE level=? AND bucket=?", &st.read_bucket.stmt},
           {"INSERT OR REPLACE INTO graph_buckets(level,bucket,tally) VALUES(?,?,?)", &st.write_bucket.stmt},
           {"DELETE FROM graph_buckets WHERE level=? AND bucket=?", &st.delete_bucket.stmt},
           {"DELETE FROM segments WHERE trace_id=?", &st.delete_segments.stmt},
           {"DELETE FROM traces WHERE trace_id=?", &st.delete_trace.stmt},
           {"SELECT count(*) FROM traces", &st.count.stmt},
           {"SELECT trace_id FROM traces ORDER BY start_time LIMIT ?", &st.oldest.stmt},
           {"SELECT trace_id FROM traces WHERE start_time<? ORDER BY start_time LIMIT ?", &st.expired.stmt},
       }) {
    if (auto r = prepare_sql(db, sql, out); !r) return r.error();
  }
  if (store->redigest_) {
    // Digests of the migrated traces, computed as if each trace had just arrived.
    Statement ids;
    if (auto r = prepare_sql(db, "SELECT DISTINCT trace_id FROM segments", &ids.stmt); !r) return r.error();
    std::vector<std::string> all;
    while (sqlite3_step(ids.stmt) == SQLITE_ROW) all.push_back(column_text(ids.stmt, 0));
    if (auto r = store->conn_->exec("BEGIN"); !r) return r.error();
    BucketDeltas deltas;
    for (const auto& id : all) {
      auto segments = store->load_stored(id);
      Result<void> r = segments ? store->update_digest(id, std::move(*segments), {}, deltas) : Result<void>{segments.error()};
      if (!r) {
        store->conn_->exec("ROLLBACK");
        return r.error();
      }
    }
    if (auto r = store->apply_buckets(deltas); !r) {
      store->conn_->exec("ROLLBACK");
      return r.error();
    }
    if (auto r = store->conn_->exec("COMMIT"); !r) return r.error();
  }
  return store;
}

Result<void> Store::migrate() {
  sqlite3* db = conn_->handle();
  Statement version;
  if (auto r = prepare_sql(db, "PRAGMA user_version", &version.stmt); !r) return r;
  int current = sqlite3_step(version.stmt) == SQLITE_ROW ? sqlite3_column_int(version.stmt, 0) : 0;
  sqlite3_reset(version.stmt);  // an unfinished statement would lock the tables the migration renames
  if (current == kSchemaVersion) return conn_->exec(kSchema);
  if (current > kSchemaVersion) return Error{"the trace database was written by a newer localray (schema " + std::to_string(current) + ")"};
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

Result<std::vector<Segment>> Store::load_stored(const std::string& trace_id) {
  return load_trace(conn_->handle(), st_->load_trace.stmt, trace_id);
}

// A trace's share of the graph goes to the ten seconds (and so the minute) its first segment
// started in.
void Store::count_in_buckets(const Trace& trace, double start, int sign, BucketDeltas& deltas) {
  if (trace.segments.empty()) return;
  TraceIndex index{trace};
  GraphTally tally;
  tally.add_trace(index);
  deltas[{kTenSecondBuckets, ten_seconds_of(start)}].merge(tally, sign);
}

Result<void> Store::update_digest(const std::string& trace_id, std::vector<Segment> segments, const OldDigest& old, BucketDeltas& deltas) {
  Trace trace{trace_id, std::move(segments)};
  bool has_segments = !trace.segments.empty();
  return write_digest(trace_id, digest_trace(trace), has_segments, old, deltas);
}

Result<void> Store::write_digest(const std::string& trace_id, TraceDigest digest, bool has_segments, const OldDigest& old,
                                 BucketDeltas& deltas) {
  sqlite3* db = conn_->handle();
  auto& st = *st_;
  if (!has_segments) {
    // Only loose subsegments so far: the span comes from their rows.
    Statement span;
    if (auto r = prepare_sql(db, "SELECT min(start_time), max(end_time) FROM segments WHERE trace_id=?", &span.stmt); !r) return r;
    bind_text(span.stmt, 1, trace_id);
    if (sqlite3_step(span.stmt) == SQLITE_ROW) {
      digest.start_time = sqlite3_column_double(span.stmt, 0);
      digest.end_time = sqlite3_column_double(span.stmt, 1);
    }
  }
  // The trace row first: postings name it by rowid.
  std::vector<std::int64_t> ids;
  ids.reserve(digest.terms.size());
  for (const auto& t : digest.terms) {
    auto id = term_id(t);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  std::sort(ids.begin(), ids.end());
  nlohmann::json id_list = ids;
  auto dumped_terms = id_list.dump();
  // A new trace is inserted, a known one updated in place by rowid: no conflict handling needed.
  sqlite3_stmt* up = old.row ? st.update_trace.stmt : st.insert_trace.stmt;
  bind_text(up, 1, trace_id);
  sqlite3_bind_double(up, 2, digest.start_time);
  sqlite3_bind_double(up, 3, digest.end_time);
  sqlite3_bind_double(up, 4, digest.id_time);
  sqlite3_bind_int(up, 5, digest.segment_count);
  sqlite3_bind_text(up, 6, dumped_terms.data(), static_cast<int>(dumped_terms.size()), SQLITE_TRANSIENT);
  if (old.row) sqlite3_bind_int64(up, 7, old.row);
  if (auto r = step_done(db, up, "write digest"); !r) return r;
  sqlite3_int64 row = old.row ? old.row : sqlite3_last_insert_rowid(db);
  std::vector<std::int64_t> gone;
  std::set_difference(old.terms.begin(), old.terms.end(), ids.begin(), ids.end(), std::back_inserter(gone));
  for (auto t : gone) {
    sqlite3_bind_int64(st.delete_term.stmt, 1, t);
    sqlite3_bind_int64(st.delete_term.stmt, 2, row);
    if (auto r = step_done(db, st.delete_term.stmt, "delete term"); !r) return r;
  }
  for (auto t : ids) {
    if (std::binary_search(old.terms.begin(), old.terms.end(), t)) continue;
    sqlite3_bind_int64(st.insert_term.stmt, 1, t);
    sqlite3_bind_int64(st.insert_term.stmt, 2, row);
    if (auto r = step_done(db, st.insert_term.stmt, "insert term"); !r) return r;
  }
  if (has_segments) {
    deltas[{kTenSecondBuckets, ten_seconds_of(digest.start_time)}].merge(digest.tally, 1);
  }
  return {};
}

Result<std::int64_t> Store::term_id(const std::string& term) {
  if (auto it = term_ids_.find(term); it != term_ids_.end()) return it->second;
  sqlite3* db = conn_->handle();
  auto& st = *st_;
  bind_text(st.intern_term.stmt, 1, term);
  if (auto r = step_done(db, st.intern_term.stmt, "intern term"); !r) return r.error();
  bind_text(st.term_id.stmt, 1, term);
  int rc = sqlite3_step(st.term_id.stmt);
  sqlite3_int64 id = rc == SQLITE_ROW ? sqlite3_column_int64(st.term_id.stmt, 0) : 0;
  sqlite3_reset(st.term_id.stmt);
  if (rc != SQLITE_ROW) return sql_error(db, "intern term");
  // Bounded: the vocabulary of one-off values (ids in annotations) must not grow the cache forever.
  if (term_ids_.size() >= kTermCacheSize) term_ids_.clear();
  term_ids_.emplace(term, id);
  return id;
}

void Store::forget_term(std::int64_t id) {
  std::erase_if(term_ids_, [&](const auto& kv) { return kv.second == id; });
}

Result<void> Store::apply_buckets(BucketDeltas& deltas) {
  sqlite3* db = conn_->handle();
  auto& st = *st_;
  // Changes are gathered per ten seconds; each minute takes the sum of its six.
  std::vector<std::pair<long long, const GraphTally*>> tens;
  for (const auto& [key, delta] : deltas)
    if (key.first == kTenSecondBuckets) tens.emplace_back(key.second, &delta);
  for (const auto& [ten, delta] : tens)
    deltas[{kMinuteBuckets, static_cast<long long>(std::floor(static_cast<double>(ten) / 6))}].merge(*delta, 1);
  for (auto& [key, delta] : deltas) {
    auto [level, bucket] = key;
    GraphTally total;
    sqlite3_reset(st.read_bucket.stmt);
    sqlite3_bind_int(st.read_bucket.stmt, 1, level);
    sqlite3_bind_int64(st.read_bucket.stmt, 2, bucket);
    if (sqlite3_step(st.read_bucket.stmt) == SQLITE_ROW) {
      auto j = nlohmann::json::parse(column_text(st.read_bucket.stmt, 0), nullptr, false);
      total = GraphTally::from_json(j);
    }
    sqlite3_reset(st.read_bucket.stmt);
    total.merge(delta, 1);
    total.compact();
    if (total.empty()) {
      sqlite3_bind_int(st.delete_bucket.stmt, 1, level);
      sqlite3_bind_int64(st.delete_bucket.stmt, 2, bucket);
      if (auto r = step_done(db, st.delete_bucket.stmt, "delete bucket"); !r) return r;
      continue;
    }
    auto text = total.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    sqlite3_bind_int(st.write_bucket.stmt, 1, level);
    sqlite3_bind_int64(st.write_bucket.stmt, 2, bucket);
    sqlite3_bind_text(st.write_bucket.stmt, 3, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (auto r = step_done(db, st.write_bucket.stmt, "write bucket"); !r) return r;
  }
  return {};
}

Result<std::optional<Store::OldDigest>> Store::old_digest(const std::string& trace_id) {
  sqlite3* db = conn_->handle();
  sqlite3_stmt* old = st_->old_digest.stmt;
  sqlite3_reset(old);
  bind_text(old, 1, trace_id);
  int rc = sqlite3_step(old);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(old);
    return std::optional<OldDigest>{};
  }
  if (rc != SQLITE_ROW) {
    sqlite3_reset(old);
    return sql_error(db, "read digest");
  }
  OldDigest d;
  d.start_time = sqlite3_column_double(old, 0);
  auto terms = nlohmann::json::parse(column_text(old, 1), nullptr, false);
  d.row = sqlite3_column_int64(old, 2);
  sqlite3_reset(old);
  if (terms.is_array())
    for (const auto& t : terms)
      if (t.is_number_integer()) d.terms.push_back(t.get<std::int64_t>());
  std::sort(d.terms.begin(), d.terms.end());
  return std::optional<OldDigest>{std::move(d)};
}

Result<void> Store::write(const std::vector<Segment>& batch) {
  std::vector<Segment> copy = batch;
  return write(std::move(copy));
}

PreparedBatch Store::prepare(std::vector<Segment>&& batch) {
  PreparedBatch out;
  out.documents.reserve(batch.size());
  std::map<std::string, std::vector<Segment>> by_trace;
  for (auto& s : batch) {
    PreparedBatch::Document d;
    // Replace, not throw: SDKs and headers can carry bytes that are not UTF-8.
    d.json = to_json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    d.trace_id = s.trace_id;
    d.id = s.id;
    d.parent_id = s.parent_id;
    d.name = s.name;
    d.origin = s.origin;
    d.standalone = s.type == "subsegment";
    d.start_time = s.start_time;
    d.end_time = s.in_progress ? s.start_time : s.end_time;
    out.documents.push_back(std::move(d));
    by_trace[s.trace_id].push_back(std::move(s));
  }
  for (auto& [id, fresh] : by_trace) {
    // What the trace is if this batch holds all of it; the writer reads the stored documents
    // instead when the trace was seen before.
    std::list<Segment> whole;
    std::vector<Segment> loose;
    std::map<std::string, std::size_t> last;  // a later document with the same id replaces the earlier
    for (std::size_t i = 0; i < fresh.size(); ++i) last[fresh[i].id] = i;
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      if (last[fresh[i].id] != i) continue;
      if (fresh[i].type == "subsegment") loose.push_back(std::move(fresh[i]));
      else whole.push_back(std::move(fresh[i]));
    }
    whole.sort([](const Segment& a, const Segment& b) { return a.start_time < b.start_time; });
    std::stable_sort(loose.begin(), loose.end(), [](const Segment& a, const Segment& b) { return a.start_time < b.start_time; });
    Trace trace{id, assemble(std::move(whole), std::move(loose))};
    out.traces[id] = {digest_trace(trace), !trace.segments.empty()};
  }
  return out;
}

Result<void> Store::write(PreparedBatch&& batch) {
  sqlite3* db = conn_->handle();
  auto& st = *st_;
  if (auto r = conn_->exec("BEGIN"); !r) return r.error();
  auto fail = [&](Error e) -> Result<void> {
    conn_->exec("ROLLBACK");
    term_ids_.clear();  // ids interned by the rolled-back transaction are gone
    return e;
  };
  // A trace seen before: its old tally comes out of the graph (from the documents as stored so
  // far), and its digest is recomputed from every stored document once this batch is in.
  std::map<std::string, OldDigest> seen_before;
  BucketDeltas deltas;
  for (const auto& [id, update] : batch.traces) {
    auto old = old_digest(id);
    if (!old) return fail(old.error());
    if (!*old) continue;
    auto before = load_stored(id);
    if (!before) return fail(before.error());
    count_in_buckets(Trace{id, std::move(*before)}, (*old)->start_time, -1, deltas);
    seen_before.emplace(id, std::move(**old));
  }
  for (const auto& d : batch.documents) {
    sqlite3_stmt* seg = st.insert_segment.stmt;
    bind_text(seg, 1, d.trace_id);
    bind_text(seg, 2, d.id);
    bind_text(seg, 3, d.parent_id);
    bind_text(seg, 4, d.name);
    bind_text(seg, 5, d.origin);
    sqlite3_bind_int(seg, 6, d.standalone ? 1 : 0);
    sqlite3_bind_double(seg, 7, d.start_time);
    sqlite3_bind_double(seg, 8, d.end_time);
    bind_text(seg, 9, d.json);
    if (auto r = step_done(db, seg, "insert segment"); !r) return fail(r.error());
  }
  for (auto& [id, update] : batch.traces) {
    auto old = seen_before.find(id);
    Result<void> r;
    if (old == seen_before.end()) {
      r = write_digest(id, std::move(update.digest), update.has_segments, OldDigest{}, deltas);
    } else {
      auto stored = load_stored(id);
      if (!stored) return fail(stored.error());
      r = update_digest(id, std::move(*stored), old->second, deltas);
    }
    if (!r) return fail(r.error());
  }
  if (auto r = apply_buckets(deltas); !r) return fail(r.error());
  if (auto r = conn_->exec("COMMIT"); !r) return fail(r.error());
  return {};
}

Result<std::size_t> Store::prune(double now, std::size_t limit) {
  if (retention_.max_traces == 0 && retention_.max_age_seconds <= 0) return std::size_t{0};
  sqlite3* db = conn_->handle();
  auto& st = *st_;
  std::vector<std::string> doomed;
  if (retention_.max_age_seconds > 0) {
    sqlite3_reset(st.expired.stmt);
    sqlite3_bind_double(st.expired.stmt, 1, now - retention_.max_age_seconds);
    sqlite3_bind_int64(st.expired.stmt, 2, static_cast<sqlite3_int64>(limit));
    while (sqlite3_step(st.expired.stmt) == SQLITE_ROW) doomed.push_back(column_text(st.expired.stmt, 0));
    sqlite3_reset(st.expired.stmt);
  }
  if (retention_.max_traces > 0 && doomed.size() < limit) {
    sqlite3_reset(st.count.stmt);
    std::size_t count = sqlite3_step(st.count.stmt) == SQLITE_ROW ? static_cast<std::size_t>(sqlite3_column_int64(st.count.stmt, 0)) : 0;
    sqlite3_reset(st.count.stmt);
    if (count > retention_.max_traces) {
      // The oldest traces include the expired ones already picked: skip those.
      std::size_t excess = std::min(count - retention_.max_traces, limit);
      sqlite3_reset(st.oldest.stmt);
      sqlite3_bind_int64(st.oldest.stmt, 1, static_cast<sqlite3_int64>(excess));
      std::vector<std::string> oldest;
      while (sqlite3_step(st.oldest.stmt) == SQLITE_ROW) oldest.push_back(column_text(st.oldest.stmt, 0));
      sqlite3_reset(st.oldest.stmt);
      for (auto& id : oldest)
        if (doomed.size() < limit && std::find(doomed.begin(), doomed.end(), id) == doomed.end()) doomed.push_back(std::move(id));
    }
  }
  if (doomed.empty()) return std::size_t{0};
  if (auto r = conn_->exec("BEGIN"); !r) return r.error();
  auto fail = [&](Error e) -> Result<std::size_t> {
    conn_->exec("ROLLBACK");
    term_ids_.clear();
    return e;
  };
  BucketDeltas deltas;
  for (const auto& id : doomed) {
    auto old = old_digest(id);
    if (!old) return fail(old.error());
    if (*old) {
      auto stored = load_stored(id);
      if (!stored) return fail(stored.error());
      count_in_buckets(Trace{id, std::move(*stored)}, (*old)->start_time, -1, deltas);
      for (auto t : (*old)->terms) {
        sqlite3_bind_int64(st.delete_term.stmt, 1, t);
        sqlite3_bind_int64(st.delete_term.stmt, 2, (*old)->row);
        if (auto r = step_done(db, st.delete_term.stmt, "delete term"); !r) return fail(r.error());
        // A term no trace carries any more goes too, or one-off values would pile up forever.
        sqlite3_bind_int64(st.orphan_term.stmt, 1, t);
        if (auto r = step_done(db, st.orphan_term.stmt, "delete term"); !r) return fail(r.error());
        if (sqlite3_changes(db) > 0) forget_term(t);
      }
    }
    bind_text(st.delete_segments.stmt, 1, id);
    if (auto r = step_done(db, st.delete_segments.stmt, "delete segments"); !r) return fail(r.error());
    bind_text(st.delete_trace.stmt, 1, id);
    if (auto r = step_done(db, st.delete_trace.stmt, "delete trace"); !r) return fail(r.error());
  }
  if (auto r = apply_buckets(deltas); !r) return fail(r.error());
  if (auto r = conn_->exec("COMMIT"); !r) return fail(r.error());
  return doomed.size();
}

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
