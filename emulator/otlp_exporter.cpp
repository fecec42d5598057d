#include "emulator/otlp_exporter.hpp"

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "base/offload.hpp"
#include "tracing/otlp/json_codec.hpp"
#include "tracing/otlp/xray_mapping.hpp"
#include "tracing/segment_json.hpp"

namespace localray::emulator {

namespace asio = boost::asio;
using namespace std::chrono_literals;

tracing::Result<std::shared_ptr<OtlpExporter>> OtlpExporter::create(asio::any_io_executor io, asio::any_io_executor blocking,
                                                                     std::string_view endpoint, std::string scope_version,
                                                                     std::shared_ptr<spdlog::logger> log) {
  auto url = http::Url::parse(endpoint);
  if (!url) return tracing::Error{"--otlp-endpoint: " + url.error().message};
  if (url->target.empty() || url->target == "/") url->target = "/v1/traces";
  std::string text = "http://" + url->host + ":" + url->port + url->target;
  return std::shared_ptr<OtlpExporter>{
      new OtlpExporter{std::move(io), std::move(blocking), std::move(*url), std::move(text), std::move(scope_version), std::move(log)}};
}

OtlpExporter::OtlpExporter(asio::any_io_executor io, asio::any_io_executor blocking, http::Url url, std::string url_text,
                           std::string scope_version, std::shared_ptr<spdlog::logger> log)
    : io_{std::move(io)},
      blocking_{std::move(blocking)},
      url_{std::move(url)},
      url_text_{std::move(url_text)},
      scope_version_{std::move(scope_version)},
      log_{std::move(log)} {}

void OtlpExporter::offer(std::vector<std::string>&& documents) {
  std::lock_guard lock{mutex_};
  if (waiting_.empty()) oldest_ = std::chrono::steady_clock::now();
  for (auto& d : documents) {
    if (waiting_.size() >= kMaxWaiting) {
      waiting_.pop_front();
      dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    waiting_.push_back(std::move(d));
  }
}

std::vector<std::string> OtlpExporter::take_batch() {
  std::lock_guard lock{mutex_};
  std::vector<std::string> batch;
  std::size_t bytes = 0;
  while (!waiting_.empty() && batch.size() < kBatch && (batch.empty() || bytes + waiting_.front().size() <= kMaxBatchBytes)) {
    bytes += waiting_.front().size();
    batch.push_back(std::move(waiting_.front()));
    waiting_.pop_front();
  }
  oldest_ = std::chrono::steady_clock::now();
  return batch;
}

void OtlpExporter::start() {
  asio::co_spawn(io_, [self = shared_from_this()]() { return self->run(); }, [self = shared_from_this()](std::exception_ptr e) {
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        self->log_->error("OTLP export to {} stopped: {}", self->url_text_, ex.what());
      }
    }
    self->finished_ = true;
  });
}

void OtlpExporter::stop(std::chrono::milliseconds grace) {
  stop_by_ = std::chrono::steady_clock::now() + grace;
  stopping_ = true;
  // The sending coroutine runs on the I/O threads: wait for it to finish what it can.
  while (!finished_ && std::chrono::steady_clock::now() < stop_by_ + 200ms) std::this_thread::sleep_for(10ms);
}

OtlpExporter::Counts OtlpExporter::counts() const {
  Counts c;
  c.exported_spans = exported_;
  c.rejected_spans = rejected_;
  c.dropped_documents = dropped_;
  c.failed_requests = failed_;
  std::lock_guard lock{mutex_};
  c.waiting = waiting_.size();
  return c;
}

namespace {

struct Encoded {
  std::string body;
  std::size_t spans = 0;
};

Encoded encode(const std::vector<std::string>& documents, const std::string& scope_version) {
  std::vector<tracing::Segment> segments;
  segments.reserve(documents.size());
  for (const auto& d : documents)
    if (auto s = tracing::parse_segment_document(d)) segments.push_back(std::move(*s));
  auto data = tracing::otlp::from_segments(segments, "localray", scope_version);
  return {tracing::otlp::encode_json(data), tracing::otlp::span_count(data)};
}

}  // namespace

asio::awaitable<void> OtlpExporter::run() {
  asio::steady_timer timer{io_};
  auto backoff = 1s;
  for (;;) {
    std::size_t ready;
    std::chrono::steady_clock::time_point oldest;
    {
      std::lock_guard lock{mutex_};
      ready = waiting_.size();
      oldest = oldest_;
    }
    const bool stopping = stopping_;
    if (stopping && (ready == 0 || std::chrono::steady_clock::now() >= stop_by_)) break;
    if (ready == 0 || (ready < kBatch && !stopping && std::chrono::steady_clock::now() - oldest < kLinger)) {
      timer.expires_after(50ms);
      co_await timer.async_wait(asio::use_awaitable);
      continue;
    }
    auto batch = take_batch();
    const std::string version = scope_version_;
    auto work = [&batch, &version] { return encode(batch, version); };
    asio::any_io_executor pool = blocking_;
    Encoded encoded;
    try {
      encoded = co_await base::offload(pool, work);
    } catch (const std::exception& e) {  // a stored document no rule expected: this batch alone is lost
      rejected_ += batch.size();
      log_->warn("OTLP export to {}: a batch of {} documents could not be converted: {}", url_text_, batch.size(), e.what());
      continue;
    }
    if (encoded.spans == 0) continue;
    for (;;) {
      http::Headers headers;
      headers.set("Content-Type", "application/json");
      const std::chrono::milliseconds timeout = 10s;
      asio::any_io_executor io = io_;
      auto res = co_await http::post(io, url_, headers, encoded.body, timeout);
      if (res && res->status >= 200 && res->status < 300) {
        exported_ += encoded.spans;
        auto j = nlohmann::json::parse(res->body, nullptr, false);
        if (j.is_object() && j.contains("partialSuccess") && j["partialSuccess"].is_object()) {
          const auto& p = j["partialSuccess"];
          std::uint64_t n = 0;
          if (p.contains("rejectedSpans")) {
            const auto& r = p["rejectedSpans"];
            if (r.is_number_unsigned()) n = r.get<std::uint64_t>();
            else if (r.is_string()) n = std::strtoull(r.get<std::string>().c_str(), nullptr, 10);
          }
          if (n > 0) {
            rejected_ += n;
            exported_ -= std::min<std::uint64_t>(n, encoded.spans);
            auto message = p.contains("errorMessage") && p["errorMessage"].is_string() ? p["errorMessage"].get<std::string>() : std::string{};
            log_->warn("OTLP export to {}: {} spans rejected: {}", url_text_, n, message);
          }
        }
        backoff = 1s;
        break;
      }
      const bool retryable = !res || res->status == 429 || res->status == 502 || res->status == 503 || res->status == 504;
      ++failed_;
      if (!retryable) {
        rejected_ += encoded.spans;
        log_->warn("OTLP export to {} refused with {}: {} spans dropped ({})", url_text_, res->status, encoded.spans, res->body.substr(0, 200));
        break;
      }
      if (stopping_ && std::chrono::steady_clock::now() >= stop_by_) break;
      log_->warn("OTLP export to {} failed ({}); retrying in {} s", url_text_, res ? "status " + std::to_string(res->status) : res.error().message,
                 backoff.count());
      timer.expires_after(backoff);
      co_await timer.async_wait(asio::use_awaitable);
      backoff = std::min(backoff * 2, std::chrono::seconds{30});
    }
  }
}

}  // namespace localray::emulator
