// What the writer keeps beside the documents: digests, index terms, graph buckets, retention.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "tests/support/graph_shape.hpp"
#include "tests/tracing/queries/pattern_trace.hpp"
#include "tracing/segment_json.hpp"
#include "tracing/store.hpp"
#include "tracing/store_reader.hpp"
#include "tracing/trace_digest.hpp"
#include "tracing/trace_documents.hpp"

namespace localray::tracing {
namespace {

using testing::kBase;
using testing::pattern_trace;

class StoreDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("localray-digest-test-" + std::string{::testing::UnitTest::GetInstance()->current_test_info()->name()});
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "traces.db").string(); }

  std::unique_ptr<Store> open(Retention r = {}, std::size_t recent = Store::kRecentDocuments, const std::string& file = "traces.db") {
    auto s = Store::open((dir_ / file).string(), r, recent);
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    return std::move(*s);
  }
  std::set<std::string> with_term(const std::string& term) {
    ReaderPool pool{"file:" + path()};
    auto reader = pool.acquire();
    auto rows = (*reader)->traces_with_term(term, Window{0, 4e9, TimeRange::Event});
    EXPECT_TRUE(rows);
    std::set<std::string> ids;
    for (const auto& r : *rows) ids.insert(r.id);
    return ids;
  }
  // The graph the minute buckets add up to.
  std::string bucket_graph() {
    ReaderPool pool{"file:" + path()};
    auto reader = pool.acquire();
    auto texts = (*reader)->bucket_tallies(kMinuteBuckets, 0, 1LL << 40);
    EXPECT_TRUE(texts);
    GraphTally total;
    for (const auto& t : *texts) total.merge(GraphTally::from_json(nlohmann::json::parse(t)));
    return shape(total.finish());
  }
  static std::string shape(const ServiceGraph& g) { return localray::testing::graph_shape(g); }
  std::filesystem::path dir_;
};

Trace shifted(int n, bool fails, double by) {
  Trace t = pattern_trace(n, fails);
  std::function<void(Segment&)> shift = [&](Segment& s) {
    s.start_time += by;
    s.end_time += by;
    for (auto& c : s.subsegments) shift(c);
  };
  for (auto& s : t.segments) shift(s);
  return t;
}

TEST_F(StoreDigestTest, TermsListTheTracesThatCarryThem) {
  auto store = open();
  Trace failing = pattern_trace(1, true), fine = pattern_trace(2, false);
  ASSERT_TRUE(store->write(failing.segments));
  ASSERT_TRUE(store->write(fine.segments));
  EXPECT_EQ(with_term(terms::service("dynamo")), (std::set<std::string>{failing.id, fine.id}));
  EXPECT_EQ(with_term(terms::service("hits")), (std::set<std::string>{failing.id, fine.id})) << "inferred nodes are terms too";
  EXPECT_EQ(with_term(std::string{terms::kFault}), (std::set<std::string>{failing.id}));
  EXPECT_EQ(with_term(terms::annotation("path", std::string{"/hello"})), (std::set<std::string>{failing.id, fine.id}));
  EXPECT_TRUE(with_term(terms::annotation("path", std::string{"/other"})).empty());
  EXPECT_EQ(with_term(terms::http_status(200)), (std::set<std::string>{failing.id, fine.id}));
}

TEST_F(StoreDigestTest, TraceCompletedAcrossBatchesIsCountedOnceWithItsLatestState) {
  auto store = open();
  Trace t = pattern_trace(1, true);
  std::vector<Segment> first(t.segments.begin(), t.segments.begin() + 3), rest(t.segments.begin() + 3, t.segments.end());
  ASSERT_TRUE(store->write(first));
  EXPECT_TRUE(with_term(std::string{terms::kFault}).empty()) << "the failing function has not arrived yet";
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({Trace{t.id, first}})));
  ASSERT_TRUE(store->write(rest));
  EXPECT_EQ(with_term(std::string{terms::kFault}), (std::set<std::string>{t.id}));
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({t})));
  // The same documents again change nothing.
  ASSERT_TRUE(store->write(t.segments));
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({t})));
}

// The pipeline prepares the next batch while the writer stores the previous one: a trace in both
// is new to each preparation, and the writer must notice the second time that it is not.
TEST_F(StoreDigestTest, BatchesPreparedBeforeEitherIsStoredStillCountATraceOnce) {
  auto store = open();
  Trace t = pattern_trace(1, true);
  std::vector<Segment> first(t.segments.begin(), t.segments.begin() + 2), rest(t.segments.begin() + 2, t.segments.end());
  PreparedBatch a = Store::prepare(std::move(first));
  PreparedBatch b = Store::prepare(std::move(rest));
  ASSERT_TRUE(store->write(std::move(a)));
  ASSERT_TRUE(store->write(std::move(b)));
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({t})));
  EXPECT_EQ(with_term(std::string{terms::kFault}), (std::set<std::string>{t.id}));
  EXPECT_EQ(with_term(terms::service("xrayTracerAPI/prod")), (std::set<std::string>{t.id})) << "terms of the first batch stay";
}

// What the writer holds back from SQLite (tracing/recent_traces.hpp) must write exactly what
// reading the stored documents back writes.
std::vector<std::string> digest_rows(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  std::vector<std::string> rows;
  for (const char* sql : {"SELECT trace_id||' '||start_time||' '||end_time||' '||id_time||' '||segment_count||' '||terms||' '||hex(tally) FROM traces ORDER BY trace_id",
                          "SELECT id||' '||term FROM terms ORDER BY id",
                          "SELECT term||' '||trace FROM trace_terms ORDER BY term, trace", "SELECT level||' '||bucket||' '||tally FROM graph_buckets ORDER BY level, bucket"}) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return rows;
}

TEST_F(StoreDigestTest, TracesRememberedByTheWriterAreDigestedAsIfReadBackFromTheStore) {
  auto remembering = open({}, Store::kRecentDocuments, "remembering.db");
  auto reading = open({}, 0, "reading.db");
  // Three traces, each over four batches, interleaved; the second batch completes an in-progress
  // document and the third sends a subsegment on its own.
  std::vector<Trace> traces{pattern_trace(1, true), pattern_trace(2, false), pattern_trace(3, true)};
  for (int batch = 0; batch < 4; ++batch) {
    std::vector<Segment> docs;
    for (auto& t : traces) {
      auto n = t.segments.size();
      for (std::size_t i = batch * n / 4; i < (batch + 1) * n / 4; ++i) docs.push_back(t.segments[i]);
      if (batch == 1) {
        Segment open = t.segments.front();
        open.in_progress = true;
        open.end_time = 0;
        docs.insert(docs.begin(), open);  // the same id later in the batch completes it
      }
      if (batch == 2) {
        Segment loose;
        loose.name = "late";
        loose.id = t.id.substr(t.id.size() - 8) + "aaaaaaaa";
        loose.trace_id = t.id;
        loose.parent_id = t.segments.front().id;
        loose.type = "subsegment";
        loose.start_time = t.segments.front().start_time + 0.001;
        loose.end_time = loose.start_time + 0.001;
        loose.annotations["late"] = true;
        docs.push_back(loose);
      }
    }
    ASSERT_TRUE(remembering->write(std::vector<Segment>{docs}));
    ASSERT_TRUE(reading->write(std::move(docs)));
  }
  // Closing writes the tallies the writer still held back.
  remembering.reset();
  reading.reset();
  auto remembered = digest_rows(dir_ / "remembering.db");
  EXPECT_EQ(remembered.size(), digest_rows(dir_ / "reading.db").size());
  EXPECT_EQ(remembered, digest_rows(dir_ / "reading.db"));
  EXPECT_NE(std::find_if(remembered.begin(), remembered.end(), [](const std::string& r) { return r.find("late") != std::string::npos; }),
            remembered.end())
      << "the loose subsegment's annotation is a term of its trace";
}

TEST_F(StoreDigestTest, ATraceRemovedByRetentionAndSentAgainIsDigestedFromWhatIsStoredNow) {
  auto store = open(Retention{1, 0});
  Trace first = shifted(1, true, 0), second = shifted(2, false, 100);
  std::vector<Segment> head(first.segments.begin(), first.segments.begin() + 3), tail(first.segments.begin() + 3, first.segments.end());
  ASSERT_TRUE(store->write(head));
  ASSERT_TRUE(store->write(second.segments));
  ASSERT_EQ(*store->prune(kBase + 1000, 100), 1u);
  ASSERT_TRUE(store->write(tail));
  // Only the tail is stored now: the digest must not count the removed head back in.
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({second, Trace{first.id, assemble_documents(tail)}})));
}

TEST_F(StoreDigestTest, TermsNoTraceCarriesAnyMoreAreForgotten) {
  auto store = open(Retention{1, 0});
  Trace a = shifted(1, false, 0), b = shifted(2, false, 100);
  a.segments[3].subsegments.front().subsegments.front().annotations["request"] = std::string{"only-in-a"};
  ASSERT_TRUE(store->write(a.segments));
  ASSERT_TRUE(store->write(b.segments));
  EXPECT_EQ(with_term(terms::annotation("request", std::string{"only-in-a"})), (std::set<std::string>{a.id}));
  ASSERT_EQ(*store->prune(kBase + 200, 100), 1u);
  EXPECT_TRUE(with_term(terms::annotation("request", std::string{"only-in-a"})).empty());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM terms WHERE term LIKE '%only-in-a%'", -1, &st, nullptr);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 0) << "the one-off value left the vocabulary with its trace";
  sqlite3_finalize(st);
  sqlite3_close(db);
  // A later trace with the same value gets a term again.
  Trace c = shifted(3, false, 300);
  c.segments[3].subsegments.front().subsegments.front().annotations["request"] = std::string{"only-in-a"};
  ASSERT_TRUE(store->write(c.segments));
  EXPECT_EQ(with_term(terms::annotation("request", std::string{"only-in-a"})), (std::set<std::string>{c.id}));
}

TEST_F(StoreDigestTest, SubsegmentsSentOnTheirOwnJoinTheirParentInTheDigest) {
  auto store = open();
  Trace t = pattern_trace(1, false);
  // The dynamo function's Invocation subtree, sent on its own as SDKs in Lambda do.
  Segment& fn = t.segments[3];
  ASSERT_EQ(fn.origin, "AWS::Lambda::Function");
  Segment loose = fn.subsegments.front();
  fn.subsegments.clear();
  loose.type = "subsegment";
  loose.trace_id = t.id;
  loose.parent_id = fn.id;
  ASSERT_TRUE(store->write({loose}));
  ASSERT_TRUE(store->write(t.segments));
  EXPECT_EQ(with_term(terms::service("hits")), (std::set<std::string>{t.id}));
  EXPECT_EQ(with_term(terms::annotation_key("path")), (std::set<std::string>{t.id}));
}

TEST_F(StoreDigestTest, RetentionByCountRemovesTheOldestTracesWithEverythingTheyHeld) {
  auto store = open(Retention{2, 0});
  std::vector<Trace> traces;
  for (int i = 0; i < 5; ++i) {
    traces.push_back(shifted(i + 1, i % 2 == 0, i * 100.0));
    ASSERT_TRUE(store->write(traces.back().segments));
  }
  auto removed = store->prune(kBase + 1000, 2);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 2u) << "no more than the chunk asked for";
  removed = store->prune(kBase + 1000, 100);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1u);
  ReaderPool pool{"file:" + path()};
  auto reader = pool.acquire();
  EXPECT_EQ(*(*reader)->trace_count(), 2u);
  EXPECT_EQ(with_term(terms::service("dynamo")), (std::set<std::string>{traces[3].id, traces[4].id}));
  EXPECT_TRUE((*reader)->trace_segments(traces[0].id)->empty());
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({traces[3], traces[4]})));
}

TEST_F(StoreDigestTest, RetentionByAgeRemovesWhatStartedBeforeTheCutoff) {
  auto store = open(Retention{0, 3600});
  Trace old = shifted(1, false, 0), recent = shifted(2, false, 7200);
  ASSERT_TRUE(store->write(old.segments));
  ASSERT_TRUE(store->write(recent.segments));
  auto removed = store->prune(kBase + 7300, 100);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1u);
  EXPECT_EQ(with_term(terms::service("dynamo")), (std::set<std::string>{recent.id}));
  EXPECT_EQ(*store->prune(kBase + 7300, 100), 0u);
}

TEST_F(StoreDigestTest, NoRetentionBoundRemovesNothing) {
  auto store = open();
  ASSERT_TRUE(store->write(pattern_trace(1, false).segments));
  EXPECT_EQ(*store->prune(kBase + 1e9, 100), 0u);
}

TEST_F(StoreDigestTest, DatabaseOfTheFirstSchemaIsMigratedWithDigests) {
  Trace t = pattern_trace(1, true);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE segments(trace_id TEXT NOT NULL, id TEXT NOT NULL, parent_id TEXT, name TEXT NOT NULL,"
                           " origin TEXT, standalone INTEGER NOT NULL, start_time REAL NOT NULL, end_time REAL, document TEXT NOT NULL,"
                           " PRIMARY KEY (trace_id, id)) WITHOUT ROWID;"
                           "CREATE TABLE traces(trace_id TEXT PRIMARY KEY, start_time REAL NOT NULL, end_time REAL NOT NULL) WITHOUT ROWID;",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO segments VALUES(?,?,?,?,?,0,?,?,?)", -1, &ins, nullptr);
    for (const auto& s : t.segments) {
      std::string doc = to_json(s).dump();
      sqlite3_bind_text(ins, 1, s.trace_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 2, s.id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 3, s.parent_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 4, s.name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 5, s.origin.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_double(ins, 6, s.start_time);
      sqlite3_bind_double(ins, 7, s.end_time);
      sqlite3_bind_text(ins, 8, doc.c_str(), -1, SQLITE_TRANSIENT);
      ASSERT_EQ(sqlite3_step(ins), SQLITE_DONE);
      sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    sqlite3_close(db);
  }
  auto store = open();
  EXPECT_EQ(with_term(std::string{terms::kFault}), (std::set<std::string>{t.id}));
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({t})));
  ReaderPool pool{"file:" + path()};
  auto reader = pool.acquire();
  EXPECT_EQ((*reader)->trace_segments(t.id)->size(), t.segments.size());
}

TEST_F(StoreDigestTest, ASchemaTwoFileKeepsItsTracesAndTheirTalliesComeFromTheirDocuments) {
  std::vector<Trace> traces{shifted(1, true, 0), shifted(2, false, 100), shifted(3, false, 200)};
  {
    auto store = open();
    for (const auto& t : traces) ASSERT_TRUE(store->write(t.segments));
  }
  {
    // What a schema 2 file looks like: no tally column.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "ALTER TABLE traces DROP COLUMN tally; PRAGMA user_version=2;", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = open(Retention{2, 0});
  EXPECT_EQ(bucket_graph(), shape(build_service_graph(traces)));
  // A migrated trace that changes, and one that goes: their tallies are read from their documents.
  Trace more = traces[1];
  Segment extra = more.segments.front();
  extra.id = "00000000000000ee";
  extra.name = "late-arrival";
  extra.parent_id.clear();
  extra.subsegments.clear();
  ASSERT_TRUE(store->write(std::vector<Segment>{extra}));
  more.segments.push_back(extra);
  ASSERT_EQ(*store->prune(kBase + 1000, 100), 1u);
  EXPECT_EQ(bucket_graph(), shape(build_service_graph({more, traces[2]})));
  // And after it, every trace's tally is kept with it, once the writer no longer holds it in memory.
  ASSERT_TRUE(store->write(std::vector<Segment>{extra}));
  store.reset();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
  sqlite3_stmt* q = nullptr;
  sqlite3_prepare_v2(db, "SELECT count(*) FROM traces WHERE tally IS NULL", -1, &q, nullptr);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(q, 0), 1) << "traces[2] was not touched since the migration";
  sqlite3_finalize(q);
  // What is kept is the tally the graph holds for the trace, deflated.
  sqlite3_prepare_v2(db, "SELECT tally FROM traces WHERE trace_id=?", -1, &q, nullptr);
  sqlite3_bind_text(q, 1, traces[2].id.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_type(q, 0), SQLITE_NULL);
  sqlite3_finalize(q);
  sqlite3_prepare_v2(db, "SELECT tally FROM traces WHERE trace_id=?", -1, &q, nullptr);
  sqlite3_bind_text(q, 1, more.id.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
  std::string packed{static_cast<const char*>(sqlite3_column_blob(q, 0)), static_cast<std::size_t>(sqlite3_column_bytes(q, 0))};
  sqlite3_finalize(q);
  auto text = unpack_tally(packed);
  ASSERT_TRUE(text);
  GraphTally kept = GraphTally::from_json(nlohmann::json::parse(*text));
  EXPECT_EQ(shape(kept.finish()), shape(build_service_graph({more})));
  EXPECT_LT(packed.size(), text->size());
  EXPECT_FALSE(unpack_tally("xx"));
  EXPECT_FALSE(unpack_tally(std::string{"\x10\x00\x00\x00garbage", 11}));
  sqlite3_close(db);
}

TEST(DigestCopyTest, ACopyKeepsEverythingTheDigestReadsAndDropsTheRest) {
  Trace t = pattern_trace(1, true);
  for (auto& s : t.segments) {
    s.metadata = {{"default", {{"big", std::string(4096, 'x')}}}};
    s.extra["service"] = {{"version", "1.2.3"}};
    for (auto& c : s.subsegments) c.metadata = {{"default", {{"k", 1}}}};
  }
  Trace copy{t.id, {}};
  for (const auto& s : t.segments) copy.segments.push_back(digest_copy(s));
  EXPECT_TRUE(copy.segments.front().metadata.is_null());
  EXPECT_TRUE(copy.segments.front().subsegments.front().metadata.is_null());
  TraceDigest whole = digest_trace(t), copied = digest_trace(copy);
  EXPECT_EQ(copied.terms, whole.terms);
  EXPECT_EQ(copied.tally.to_json(), whole.tally.to_json());
  EXPECT_EQ(copied.segment_count, whole.segment_count);
  EXPECT_EQ(copied.start_time, whole.start_time);
  EXPECT_EQ(copied.end_time, whole.end_time);
  EXPECT_NE(std::find(whole.terms.begin(), whole.terms.end(), std::string{terms::kFault}), whole.terms.end());
}

TEST(TraceIdTimeTest, ReadsTheEpochSecondsOfAnXRayId) {
  EXPECT_EQ(trace_id_time("1-5759e988-bd862e3fe1be46a994272793"), 0x5759e988);
  EXPECT_EQ(trace_id_time("not-an-id"), 0);
  EXPECT_EQ(trace_id_time("1-zzzzzzzz-bd862e3fe1be46a994272793"), 0);
}

TEST(TraceIdTimeTest, AnIdWhoseTimeIsFarFromItsSegmentsIsFoundByTheirTime) {
  auto trace_with = [](std::string id, double start) {
    Segment s;
    s.name = "svc";
    s.id = "53995c3f42cd8ad8";
    s.trace_id = id;
    s.start_time = start;
    s.end_time = start + 1;
    return Trace{std::move(id), {s}};
  };
  // An X-Ray id: its own time, even a day from the segments.
  EXPECT_EQ(digest_trace(trace_with("1-5759e988-bd862e3fe1be46a994272793", 0x5759e988 + 86400.5)).id_time, 0x5759e988);
  // A W3C id drawn at random (an OpenTelemetry SDK's): its first 32 bits are no time.
  EXPECT_EQ(digest_trace(trace_with("1-9a3f0c1d-bd862e3fe1be46a994272793", 1700000000.5)).id_time, 1700000000);
}

}  // namespace
}  // namespace localray::tracing
