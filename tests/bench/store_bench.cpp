// Trace store at scale: loads N traces of the pattern's shape (10 segment documents each, spread
// over the last six hours) through the same pipeline the process uses, then times the X-Ray
// queries on them. Run on purpose, not by CTest:
//
//   build/tests/bench/localray_store_bench [--traces 100000] [--db /tmp/bench.db]
//
// Every figure is printed beside a reference measured in the same run on the same machine:
//  - ingest against inserting the same documents into a bare table (no digest, no index);
//  - queries against one full scan of the stored documents, the cost a query that rescans would pay.
#include <sqlite3.h>
#include <boost/asio/system_executor.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "services/xray/model/backend.hpp"
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"
#include "tracing/pipeline.hpp"
#include "tracing/segment_json.hpp"
#include "tracing/store.hpp"
#include "tracing/store_reader.hpp"

using namespace localray;
using tracing::Segment;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string hex_id(std::uint64_t v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return buf;
}

// One request through the pattern: stage (SNS call) -> topic (4 deliveries) -> for each of dynamo,
// http, sns_publish and sqs a Lambda service segment and a function segment with its calls.
std::vector<Segment> pattern_trace(std::uint64_t n, double start, std::mt19937_64& rng) {
  std::string trace_id = "1-" + hex_id(static_cast<std::uint64_t>(start), 8) + "-" + hex_id(n, 24);
  int next = 1;
  auto id = [&] { return hex_id(n * 64 + next++, 16); };
  auto seg = [&](std::string name, std::string origin, std::string parent, double from, double to) {
    Segment s;
    s.name = std::move(name);
    s.id = id();
    s.trace_id = trace_id;
    s.origin = std::move(origin);
    s.parent_id = std::move(parent);
    s.start_time = start + from;
    s.end_time = start + to;
    s.aws = {{"account_id", "000000000000"}};
    return s;
  };
  auto child = [&](Segment& parent, std::string name, double from, double to) -> Segment& {
    Segment& c = parent.add_subsegment(std::move(name), id(), start + from);
    c.end_time = start + to;
    return c;
  };
  std::uniform_real_distribution<double> jitter(0.0, 0.02);
  std::string path = "/item/" + std::to_string(rng() % 1000);
  bool ssl_fails = rng() % 10 < 4;
  bool server_error = rng() % 100 == 0;
  std::vector<Segment> out;

  Segment stage = seg("xrayTracerAPI/prod", "AWS::ApiGateway::Stage", "", 0, 0.05 + jitter(rng));
  stage.http = {{"request", {{"method", "POST"}, {"url", "http://127.0.0.1:4566/restapis/abc/prod/_user_request_" + path},
                             {"user_agent", "curl/7.88.1"}, {"client_ip", "127.0.0.1"}}},
                {"response", {{"status", server_error ? 502 : 200}}}};
  if (server_error) stage.fault = true;
  Segment& publish = child(stage, "SNS", 0.01, 0.04);
  publish.namespace_ = "aws";
  publish.aws = {{"operation", "Publish"}, {"topic_arn", "arn:aws:sns:us-east-1:000000000000:xrayTracerTopic"}};
  Segment topic = seg("xrayTracerTopic", "AWS::SNS::Topic", publish.id, 0.02, 0.045);
  std::vector<std::string> deliveries;
  const char* functions[] = {"dynamo", "http", "sns_publish", "sqs"};
  for (const char* f : functions) deliveries.push_back(child(topic, std::string{"Deliver to "} + f, 0.025, 0.03).id);
  out.push_back(std::move(stage));
  out.push_back(std::move(topic));
  for (int i = 0; i < 4; ++i) {
    std::string name = functions[i];
    double t0 = 0.05 + jitter(rng);
    Segment service = seg(name, "AWS::Lambda", deliveries[i], t0, t0 + 0.15 + jitter(rng));
    Segment fn = seg(name, "AWS::Lambda::Function", service.id, t0 + 0.01, t0 + 0.14);
    Segment& invocation = child(fn, "Invocation", t0 + 0.02, t0 + 0.13);
    if (name == "dynamo") {
      Segment& query = child(invocation, "DynamoDB Query", t0 + 0.03, t0 + 0.1);
      query.annotations["path"] = path;
      Segment& call = child(query, "DynamoDB", t0 + 0.04, t0 + 0.09);
      call.namespace_ = "aws";
      call.aws = {{"operation", "UpdateItem"}, {"table_name", "hits"}, {"region", "us-east-1"}};
    } else if (name == "http") {
      Segment& call = child(invocation, "127.0.0.1", t0 + 0.03, t0 + 0.1);
      call.namespace_ = "remote";
      call.http = {{"request", {{"method", "GET"}, {"url", "http://127.0.0.1:4566/_localray/stand-in/1"}}}, {"response", {{"status", 200}}}};
      if (ssl_fails) fn.set_fault("SSL Cert Exception", "Error", id());
    } else if (name == "sns_publish") {
      Segment& call = child(invocation, "SNS", t0 + 0.03, t0 + 0.1);
      call.namespace_ = "aws";
      call.aws = {{"operation", "Publish"}, {"topic_arn", "arn:aws:sns:us-east-1:000000000000:snsFlowTopic"}};
    } else {
      Segment& call = child(invocation, "SQS", t0 + 0.03, t0 + 0.1);
      call.namespace_ = "aws";
      call.aws = {{"operation", "SendMessage"}, {"queue_url", "http://127.0.0.1:4566/000000000000/sqsFlowQueue"}};
    }
    invocation.metadata = {{"default", {{"event", {{"path", path}, {"attempt", 1}}}}}};
    out.push_back(std::move(service));
    out.push_back(std::move(fn));
  }
  return out;
}

double median_ms(int runs, const std::function<void()>& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto s = Clock::now();
    f();
    t.push_back(ms_since(s));
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::uintmax_t db_bytes(const std::string& path) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code ec;
    auto n = std::filesystem::file_size(path + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t traces = 100000;
  std::string db = (std::filesystem::temp_directory_path() / "localray-store-bench.db").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--traces") traces = std::stoul(argv[i + 1]);
    else if (a == "--db") db = argv[i + 1];
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  std::string ref_db = db + ".reference";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(ref_db + suffix);

  std::mt19937_64 rng{42};
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  double span = 6 * 3600.0;
  std::printf("generating %zu traces...\n", traces);
  std::vector<Segment> all;
  all.reserve(traces * 10);
  std::vector<std::string> some_ids;
  for (std::size_t i = 0; i < traces; ++i) {
    double start = now - span + span * static_cast<double>(i) / static_cast<double>(traces);
    for (auto& s : pattern_trace(i + 1, start, rng)) all.push_back(std::move(s));
    if (i % (traces / 5 + 1) == 0) some_ids.push_back(all.back().trace_id);
  }
  std::size_t segments = all.size();

  // Reference: the same documents into a bare table, batched as the pipeline batches.
  double reference_ingest_ms;
  {
    sqlite3* ref = nullptr;
    sqlite3_open(ref_db.c_str(), &ref);
    sqlite3_exec(ref, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; CREATE TABLE docs(trace_id TEXT, id TEXT, document TEXT)", nullptr, nullptr, nullptr);
    sqlite3_stmt* ins = nullptr;
    sqlite3_prepare_v2(ref, "INSERT INTO docs VALUES(?,?,?)", -1, &ins, nullptr);
    auto t = Clock::now();
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (i % 2000 == 0) sqlite3_exec(ref, i ? "COMMIT; BEGIN" : "BEGIN", nullptr, nullptr, nullptr);
      std::string doc = tracing::to_json(all[i]).dump();
      sqlite3_bind_text(ins, 1, all[i].trace_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 2, all[i].id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(ins, 3, doc.c_str(), static_cast<int>(doc.size()), SQLITE_TRANSIENT);
      sqlite3_step(ins);
      sqlite3_reset(ins);
    }
    sqlite3_exec(ref, "COMMIT", nullptr, nullptr, nullptr);
    reference_ingest_ms = ms_since(t);
    sqlite3_finalize(ins);
    sqlite3_close(ref);
  }

  auto store = tracing::Store::open(db);
  if (!store) {
    std::fprintf(stderr, "store: %s\n", store.error().message.c_str());
    return 1;
  }
  auto quiet = std::make_shared<spdlog::logger>("bench", std::make_shared<spdlog::sinks::null_sink_mt>());
  double ingest_ms;
  {
    tracing::Pipeline pipeline{**store, 100000, quiet};
    auto t = Clock::now();
    // A loader may wait for room (recording itself never does).
    for (auto& s : all) {
      while (pipeline.room() == 0) std::this_thread::sleep_for(std::chrono::microseconds{100});
      (void)pipeline.record(std::move(s));
    }
    pipeline.flush();
    ingest_ms = ms_since(t);
  }
  all.clear();
  all.shrink_to_fit();

  tracing::ReaderPool readers{(*store)->uri()};
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{1}};
  auto settings = tracing::SettingsStore::open((*store)->uri());
  if (!settings) {
    std::fprintf(stderr, "settings: %s\n", settings.error().message.c_str());
    return 1;
  }
  tracing::Sampler sampler{clock, ids, tracing::Rng{2}};
  auto groups = xray::model::Groups::load(**settings, base::Scope{"000000000000", "us-east-1"}, ids);
  auto rules = xray::model::SamplingRules::load(**settings, base::Scope{"000000000000", "us-east-1"}, clock, sampler);
  if (!groups || !rules) {
    std::fprintf(stderr, "groups and rules could not be loaded\n");
    return 1;
  }
  struct NullSink final : tracing::SegmentSink {
    bool record(Segment) override { return true; }
  } sink;
  xray::model::Backend backend{readers, sink, **groups, **rules, boost::asio::system_executor{}};

  // Reference for queries: one pass over every stored document.
  double scan_ms = median_ms(3, [&] {
    auto lease = readers.acquire();
    sqlite3* h = nullptr;
    sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_exec(h, "SELECT sum(length(document)) FROM segments", nullptr, nullptr, nullptr);
    sqlite3_close(h);
  });

  double start = now - span - 60, end = now + 60;
  std::size_t graph_nodes = 0;
  double graph_ms = median_ms(5, [&] {
    auto g = backend.service_graph(start, end, {});
    graph_nodes = g ? g->services.size() : 0;
  });
  auto summaries = [&](std::optional<std::string> filter, std::size_t& found) {
    return median_ms(5, [&] {
      xray::model::SummaryQuery q;
      q.window = {start, end, tracing::TimeRange::TraceId};
      q.selection.filter_expression = filter;
      auto page = backend.trace_summaries(q);
      found = page ? page->summaries.size() : 0;
    });
  };
  std::size_t n_selective = 0, n_broad = 0, n_none = 0, n_fault = 0;
  double selective_ms = summaries(R"(annotation.path = "/item/17")", n_selective);
  double broad_ms = summaries("ok", n_broad);
  double fault_ms = summaries(R"(service("http") { fault })", n_fault);
  double none_ms = summaries(std::nullopt, n_none);
  std::size_t filtered_graph_nodes = 0;
  xray::model::Group group;
  group.name = "item17";
  group.filter_expression = R"(annotation.path = "/item/17")";
  (void)(*groups)->create(group);
  double filtered_graph_ms = median_ms(3, [&] {
    xray::model::TraceSelection sel;
    sel.group = "item17";
    auto g = backend.service_graph(start, end, sel);
    filtered_graph_nodes = g ? g->services.size() : 0;
  });
  std::size_t batch_found = 0;
  double batch_ms = median_ms(5, [&] {
    std::vector<std::string> unprocessed;
    auto t = backend.traces(some_ids, unprocessed);
    batch_found = t ? t->size() : 0;
  });
  std::uintmax_t bytes = db_bytes(db);

  double ingest_rate = segments / (ingest_ms / 1000);
  double reference_rate = segments / (reference_ingest_ms / 1000);
  std::printf("\nlocalray store benchmark: %zu traces, %zu segment documents\n\n", traces, segments);
  std::printf("%-52s %12s %14s %8s\n", "measure", "value", "reference", "ratio");
  std::printf("%-52s %9.0f/s %12.0f/s %8.2f\n", "ingest (pipeline, digests, terms, graph tallies)", ingest_rate, reference_rate,
              ingest_rate / reference_rate);
  std::printf("%-52s %9.1f ms %11.1f ms %8.3f\n", ("GetServiceGraph, all traces (" + std::to_string(graph_nodes) + " nodes)").c_str(),
              graph_ms, scan_ms, graph_ms / scan_ms);
  std::printf("%-52s %9.1f ms %11.1f ms %8.3f\n",
              ("GetServiceGraph, group path=/item/17 (" + std::to_string(filtered_graph_nodes) + " nodes)").c_str(), filtered_graph_ms,
              scan_ms, filtered_graph_ms / scan_ms);
  std::printf("%-52s %9.1f ms %11.1f ms %8.3f\n", ("summaries, selective annotation (" + std::to_string(n_selective) + " rows)").c_str(),
              selective_ms, scan_ms, selective_ms / scan_ms);
  std::printf("%-52s %9.1f ms %11.1f ms %8.3f\n", ("summaries, broad `ok` (" + std::to_string(n_broad) + " rows)").c_str(), broad_ms,
              scan_ms, broad_ms / scan_ms);
  std::printf("%-52s %9.1f ms %11.1f ms %8.3f\n", ("summaries, service(\"http\"){fault} (" + std::to_string(n_fault) + " rows)").c_str(),
              fault_ms, scan_ms, fault_ms / scan_ms);
  std::printf("%-52s %9.1f ms %11.1f ms %8.3f\n", ("summaries, no filter (" + std::to_string(n_none) + " rows)").c_str(), none_ms, scan_ms,
              none_ms / scan_ms);
  std::printf("%-52s %9.1f ms %11.1f ms %8.3f\n", ("BatchGetTraces, " + std::to_string(batch_found) + " traces").c_str(), batch_ms, scan_ms,
              batch_ms / scan_ms);
  std::printf("%-52s %9.0f B\n", "database size per segment document", static_cast<double>(bytes) / segments);
  std::printf("\n(reference for ingest: the same documents into a bare SQLite table; for queries: one full scan of the documents)\n");
  return 0;
}
