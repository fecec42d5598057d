// OTLP ingest beside PutTraceSegments, in one localray process and one run: the same spans (a
// server span and four children per trace, with HTTP fields, an annotation and metadata) sent as
// X-Ray documents to PutTraceSegments, as OTLP/JSON and as OTLP/protobuf to /v1/traces, each by
// the same client threads with the same batch size. A mode's figure is spans per second from its
// first request until the store has committed its last span; the ratio is against PutTraceSegments.
//
//   build/tests/localray_otlp_bench [--spans 60000] [--batch 100] [--threads 4] [--json PATH]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "tests/integration/localray_process.hpp"
#include "tracing/otlp/json_codec.hpp"
#include "tracing/otlp/protobuf_codec.hpp"
#include "tracing/otlp/xray_mapping.hpp"
#include "tracing/segment_json.hpp"

namespace {

using namespace localray::testing;
namespace otlp = localray::tracing::otlp;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string hex(std::uint64_t v, int digits) {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%0*llx", digits, static_cast<unsigned long long>(v));
  return std::string{buf}.substr(0, digits);
}

// `spans` spans, five to a trace, ids unique per mode (`salt`).
otlp::TraceData make_spans(std::size_t spans, std::uint64_t salt) {
  otlp::ResourceSpans r;
  r.resource = {{"service.name", "bench-service"}, {"cloud.provider", "aws"}, {"cloud.platform", "aws_ec2"}};
  otlp::ScopeSpans scope;
  scope.scope_name = "bench";
  const auto now = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  const std::string epoch = hex(now / 1000000000ULL, 8);
  for (std::size_t i = 0; i < spans; ++i) {
    std::size_t t = i / 5;
    otlp::Span s;
    s.trace_id = epoch + hex(salt, 8) + hex(t + 1, 16);
    s.span_id = hex((salt << 40) | (i + 1), 16);
    bool root = i % 5 == 0;
    if (!root) s.parent_span_id = hex((salt << 40) | (t * 5 + 1), 16);
    s.kind = root ? otlp::SpanKind::Server : otlp::SpanKind::Client;
    s.name = root ? "GET /items/{id}" : "GET";
    s.start_time_unix_nano = now + i * 1000;
    s.end_time_unix_nano = now + i * 1000 + 5000000;
    s.attributes = {{"http.request.method", "GET"},
                    {"url.full", "http://shop.test/items/" + std::to_string(t)},
                    {"http.response.status_code", 200},
                    {"customer", "c-" + std::to_string(t % 97)},
                    {"aws.xray.annotations", json::array({"customer"})},
                    {"cart.size", static_cast<int>(i % 7)}};
    scope.spans.push_back(std::move(s));
  }
  r.scopes.push_back(std::move(scope));
  return {r};
}

std::vector<otlp::TraceData> batches_of(const otlp::TraceData& all, std::size_t batch) {
  std::vector<otlp::TraceData> out;
  const auto& spans = all[0].scopes[0].spans;
  for (std::size_t i = 0; i < spans.size(); i += batch) {
    otlp::TraceData d{all[0]};
    auto& mine = d[0].scopes[0].spans;
    mine.assign(spans.begin() + static_cast<long>(i), spans.begin() + static_cast<long>(std::min(spans.size(), i + batch)));
    out.push_back(std::move(d));
  }
  return out;
}

std::uint64_t written(const LocalrayProcess& lr) {
  auto h = http_request(lr.port(), "GET", "/_localray/health");
  return json::parse(h.body).value("segments_written", std::uint64_t{0});
}

struct Result {
  std::string mode;
  double spans_per_s = 0, seconds = 0;
  std::size_t refused = 0;
};

Result run(const LocalrayProcess& lr, const std::string& mode, const std::vector<std::string>& bodies, const std::string& target,
           const std::map<std::string, std::string>& headers, std::size_t spans, unsigned threads) {
  std::uint64_t before = written(lr);
  std::atomic<std::size_t> next{0}, refused{0};
  auto started = Clock::now();
  std::vector<std::thread> senders;
  for (unsigned t = 0; t < threads; ++t)
    senders.emplace_back([&] {
      for (std::size_t i; (i = next++) < bodies.size();) {
        auto r = http_request(lr.port(), "POST", target, bodies[i], headers);
        if (r.status != 200) ++refused;
        if (r.body.find("rejectedSpans") != std::string::npos || r.body.find("\"ErrorCode\"") != std::string::npos) ++refused;
      }
    });
  for (auto& s : senders) s.join();
  while (written(lr) < before + spans && Clock::now() - started < std::chrono::seconds{300}) usleep(2000);
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return {mode, static_cast<double>(written(lr) - before) / seconds, seconds, refused};
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t spans = 60000, batch = 100;
  unsigned threads = 4;
  std::string json_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--spans") spans = std::stoul(argv[i + 1]);
    else if (a == "--batch") batch = std::stoul(argv[i + 1]);
    else if (a == "--threads") threads = static_cast<unsigned>(std::stoul(argv[i + 1]));
    else if (a == "--json") json_path = argv[i + 1];
  }
  spans -= spans % 5;
  auto db = std::filesystem::temp_directory_path() / ("localray-otlp-bench-" + std::to_string(getpid()) + ".db");
  LocalrayProcess lr{{"--db", db.string(), "--log-level", "error", "--retention-traces", "0"}};

  // The same spans for each mode, under ids of its own; bodies are made before the clock starts.
  std::vector<std::string> xray_bodies, json_bodies, proto_bodies;
  for (const auto& b : batches_of(make_spans(spans, 1), batch)) {
    json docs = json::array();
    for (const auto& s : otlp::to_segments(b).segments) docs.push_back(localray::tracing::to_json(s).dump());
    xray_bodies.push_back(json{{"TraceSegmentDocuments", docs}}.dump());
  }
  for (const auto& b : batches_of(make_spans(spans, 2), batch)) json_bodies.push_back(otlp::encode_json(b));
  for (const auto& b : batches_of(make_spans(spans, 3), batch)) proto_bodies.push_back(otlp::encode_protobuf(b));

  std::vector<Result> results;
  results.push_back(run(lr, "PutTraceSegments (X-Ray JSON documents)", xray_bodies, "/TraceSegments", {{"Content-Type", "application/json"}}, spans, threads));
  results.push_back(run(lr, "OTLP/HTTP JSON", json_bodies, "/v1/traces", {{"Content-Type", "application/json"}}, spans, threads));
  results.push_back(run(lr, "OTLP/HTTP protobuf", proto_bodies, "/v1/traces", {{"Content-Type", "application/x-protobuf"}}, spans, threads));
  lr.stop();
  std::filesystem::remove(db);
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(db.string() + suffix);

  const double reference = results[0].spans_per_s;
  std::printf("%zu spans per mode, %zu per request, %u client threads\n", spans, batch, threads);
  std::printf("%-42s %12s %10s %8s %8s\n", "measure", "spans/s", "seconds", "ratio", "refused");
  json out = json::array();
  for (const auto& r : results) {
    std::printf("%-42s %12.0f %10.2f %8.2f %8zu\n", r.mode.c_str(), r.spans_per_s, r.seconds, r.spans_per_s / reference, r.refused);
    out.push_back({{"measure", r.mode}, {"spans_per_s", r.spans_per_s}, {"seconds", r.seconds}, {"ratio", r.spans_per_s / reference}, {"refused", r.refused}});
  }
  if (!json_path.empty()) std::ofstream{json_path} << out.dump(2) << "\n";
  return 0;
}
