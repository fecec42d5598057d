#include "tracing/store.hpp"

#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "tracing/trace_digest.hpp"
#include "tracing/trace_documents.hpp"

namespace localray::tracing {
namespace {

long long ten_seconds_of(double t) { return static_cast<long long>(std::floor(t / 10)); }
double steady_seconds() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

}  // namespace

struct Store::Statements {
  Statement insert_segment, old_digest, load_trace, insert_trace, update_trace, write_tally, insert_term, delete_term, intern_term, term_id, orphan_term,
      read_bucket, write_bucket,
      delete_bucket, delete_segments, delete_trace, count, oldest, expired;
};

// Five seconds idle: a trace's later documents (a queue hop, a retried delivery) come within a
// second or two of the earlier ones under load.
Store::Store(std::unique_ptr<Connection> c, std::string uri, Retention retention, std::size_t recent_documents)
    : conn_{std::move(c)}, uri_{std::move(uri)}, retention_{retention}, st_{std::make_unique<Statements>()}, recent_{recent_documents, 5} {}

Store::~Store() {
  // Best effort: a tally left NULL is computed from the documents when next needed.
  recent_.expire(0, true);
  if (!conn_ || !st_ || !st_->write_tally.stmt) return;
  if (!conn_->exec("BEGIN")) return;
  if (write_leaving()) conn_->exec("COMMIT");
  else conn_->exec("ROLLBACK");
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path, Retention retention, std::size_t recent_documents) {
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
  std::unique_ptr<Store> store{new Store{std::move(*conn), uri, retention, recent_documents}};
  if (auto r = store->migrate(); !r) return r.error();
  sqlite3* db = store->conn_->handle();
  auto& st = *store->st_;
  for (auto [sql, out] : std::initializer_list<std::pair<const char*, sqlite3_stmt**>>{
           {"INSERT OR REPLACE INTO segments(trace_id,id,parent_id,name,origin,standalone,start_time,end_time,document)"
            " VALUES(?,?,?,?,?,?,?,?,?)",
            &st.insert_segment.stmt},
           {"SELECT start_time,terms,rowid,tally FROM traces WHERE trace_id=?", &st.old_digest.stmt},
           {kLoadTraceSql, &st.load_trace.stmt},
           {"INSERT INTO traces(trace_id,start_time,end_time,id_time,segment_count,terms,tally) VALUES(?1,?2,?3,?4,?5,?6,?7)",
            &st.insert_trace.stmt},
           {"UPDATE traces SET start_time=?2, end_time=?3, id_time=?4, segment_count=?5, terms=?6, tally=?7 WHERE rowid=?8", &st.update_trace.stmt},
           {"UPDATE traces SET tally=?1 WHERE rowid=?2", &st.write_tally.stmt},
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
    if (auto r = store->redigest_migrated(); !r) return r.error();
  }
  return store;
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

namespace {

// A trace's tally is about 3.7 KB of JSON for the pattern: deflated (level 1, a few microseconds)
// it is under 1 KB, stored as its length (4 bytes, little-endian) and the zlib stream.
std::string pack_tally(const std::string& json) {
  uLongf bound = compressBound(static_cast<uLong>(json.size()));
  std::string out(4 + bound, '\0');
  auto n = static_cast<std::uint32_t>(json.size());
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(n >> (8 * i));
  if (compress2(reinterpret_cast<Bytef*>(out.data() + 4), &bound, reinterpret_cast<const Bytef*>(json.data()), static_cast<uLong>(json.size()), 1) != Z_OK)
    return {};  // kept as "adds nothing": never reached with a buffer of compressBound's size
  out.resize(4 + bound);
  return out;
}

}  // namespace

std::optional<std::string> unpack_tally(std::string_view packed) {
  if (packed.size() < 4) return std::nullopt;
  std::uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<std::uint32_t>(static_cast<unsigned char>(packed[i])) << (8 * i);
  if (n > 64u * 1024 * 1024) return std::nullopt;
  std::string out(n, '\0');
  uLongf size = n;
  if (uncompress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(packed.data() + 4), static_cast<uLong>(packed.size() - 4)) != Z_OK ||
      size != n)
    return std::nullopt;
  return out;
}

Result<void> Store::take_out_of_buckets(const std::string& trace_id, const OldDigest& old, BucketDeltas& deltas) {
  if (old.tally) {
    deltas[{kTenSecondBuckets, ten_seconds_of(old.start_time)}].merge(*old.tally, -1);
    return {};
  }
  auto stored = load_stored(trace_id);
  if (!stored) return stored.error();
  count_in_buckets(Trace{trace_id, std::move(*stored)}, old.start_time, -1, deltas);
  return {};
}

Result<void> Store::update_digest(const std::string& trace_id, std::vector<Segment> segments, const OldDigest& old, BucketDeltas& deltas) {
  Trace trace{trace_id, std::move(segments)};
  bool has_segments = !trace.segments.empty();
  return write_digest(trace_id, digest_trace(trace), has_segments, old, deltas);
}

Result<void> Store::write_digest(const std::string& trace_id, TraceDigest digest, bool has_segments, const OldDigest& old,
                                 BucketDeltas& deltas, StoredDigest* written, bool defer_tally) {
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
  // What this trace adds to the graph tallies, kept so that the next update or its removal takes
  // exactly that out again without reading its documents back. Empty: it adds nothing yet.
  bool deferred = has_segments && defer_tally;
  std::string tally = has_segments && !deferred ? pack_tally(digest.tally.to_json().dump()) : std::string{};
  if (deferred) sqlite3_bind_null(up, 7);
  else sqlite3_bind_blob(up, 7, tally.data(), static_cast<int>(tally.size()), SQLITE_TRANSIENT);
  if (old.row) sqlite3_bind_int64(up, 8, old.row);
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
  if (written) {
    written->start_time = digest.start_time;
    written->terms = std::move(ids);
    written->row = row;
    written->tally = has_segments ? std::move(digest.tally) : GraphTally{};
  }
  return {};
}

Result<void> Store::write_leaving() {
  sqlite3* db = conn_->handle();
  sqlite3_stmt* up = st_->write_tally.stmt;
  for (auto& leaving : recent_.take_leaving()) {
    std::string tally = pack_tally(leaving.tally.to_json().dump());
    sqlite3_bind_blob(up, 1, tally.data(), static_cast<int>(tally.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(up, 2, leaving.row);
    if (auto r = step_done(db, up, "write tally"); !r) return r;
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
  // NULL: a row from before tallies were kept (schema 2), whose tally is computed from its documents.
  if (sqlite3_column_type(old, 3) != SQLITE_NULL) {
    const void* blob = sqlite3_column_blob(old, 3);
    int size = sqlite3_column_bytes(old, 3);
    if (size == 0) {
      d.tally = GraphTally{};
    } else if (auto text = unpack_tally(std::string_view{static_cast<const char*>(blob), static_cast<std::size_t>(size)})) {
      if (auto j = nlohmann::json::parse(*text, nullptr, false); j.is_object()) d.tally = GraphTally::from_json(j);
    }
  }
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

Result<void> Store::write(PreparedBatch&& batch) {
  sqlite3* db = conn_->handle();
  auto& st = *st_;
  if (auto r = conn_->exec("BEGIN"); !r) return r.error();
  auto fail = [&](Error e) -> Result<void> {
    conn_->exec("ROLLBACK");
    term_ids_.clear();  // ids interned by the rolled-back transaction are gone
    recent_.clear();    // and what it was to store
    return e;
  };
  // A trace seen before: its old tally comes out of the graph, and its digest is recomputed from
  // every document it has once this batch is in: those the writer remembers, else those stored.
  struct SeenBefore {
    OldDigest old;
    std::optional<std::vector<Segment>> documents;
  };
  std::map<std::string, SeenBefore> seen_before;
  BucketDeltas deltas;
  for (const auto& [id, update] : batch.traces) {
    SeenBefore seen;
    if (auto entry = recent_.take(id)) {
      seen = {std::move(entry->digest), std::move(entry->documents)};
    } else {
      auto old = old_digest(id);
      if (!old) return fail(old.error());
      if (!*old) continue;
      seen.old = std::move(**old);
    }
    if (auto r = take_out_of_buckets(id, seen.old, deltas); !r) return fail(r.error());
    seen_before.emplace(id, std::move(seen));
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
  double now = steady_seconds();
  recent_.expire(now);
  for (auto& [id, update] : batch.traces) {
    auto seen = seen_before.find(id);
    RecentTraces::Entry entry;
    if (seen == seen_before.end()) {
      // A new trace's tally goes into the row it is inserted with: a row that grows later moves
      // pages around, and a trace sent whole never comes back.
      entry.documents = std::move(update.documents);
      entry.first_write = true;
      if (auto r = write_digest(id, std::move(update.digest), update.has_segments, OldDigest{}, deltas, &entry.digest); !r) return fail(r.error());
      if (recent_.remember_new()) recent_.put(id, std::move(entry), now);
      continue;
    }
    if (seen->second.documents) {
      entry.documents = std::move(*seen->second.documents);
      RecentTraces::merge(entry.documents, std::move(update.documents));
    } else {
      auto stored = load_documents(db, st.load_trace.stmt, id);
      if (!stored) return fail(stored.error());
      for (const auto& d : *stored) entry.documents.push_back(digest_copy(d));
    }
    auto [digest, has_segments] = digest_documents(id, entry.documents);
    entry.tally_pending = has_segments && recent_.keeps(entry.documents.size());
    if (auto r = write_digest(id, std::move(digest), has_segments, seen->second.old, deltas, &entry.digest, entry.tally_pending); !r)
      return fail(r.error());
    recent_.put(id, std::move(entry), now);
  }
  if (auto r = write_leaving(); !r) return fail(r.error());
  if (auto r = apply_buckets(deltas); !r) return fail(r.error());
  if (auto r = conn_->exec("COMMIT"); !r) return fail(r.error());
  return {};
}

Result<void> Store::forget_idle_traces() {
  recent_.expire(steady_seconds());
  if (!recent_.has_leaving()) return {};
  if (auto r = conn_->exec("BEGIN"); !r) return r;
  if (auto r = write_leaving(); !r) {
    conn_->exec("ROLLBACK");
    recent_.clear();
    return r;
  }
  return conn_->exec("COMMIT");
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
    recent_.clear();
    return e;
  };
  BucketDeltas deltas;
  for (const auto& id : doomed) {
    // A remembered trace's row may lack its tally: take the one in memory.
    std::optional<OldDigest> remembered;
    if (auto entry = recent_.take(id)) remembered = std::move(entry->digest);
    auto old = remembered ? Result<std::optional<OldDigest>>{std::move(remembered)} : old_digest(id);
    if (!old) return fail(old.error());
    if (*old) {
      if (auto r = take_out_of_buckets(id, **old, deltas); !r) return fail(r.error());
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

}  // namespace localray::tracing
