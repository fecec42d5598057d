#pragma once
// --otlp-endpoint: every segment document the store commits is sent on, as OTLP/JSON spans, to a
// collector (Jaeger, Tempo, an OpenTelemetry Collector, another localray). The writer thread only
// appends to a bounded buffer; batches leave from an I/O coroutine, are converted on the blocking
// pool, and are retried with backoff while the collector is down. When the buffer is full the
// oldest documents go, counted: exporting never slows the request path or the store.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <spdlog/fwd.h>

#include "http/client.hpp"

namespace localray::emulator {

class OtlpExporter : public std::enable_shared_from_this<OtlpExporter> {
 public:
  static constexpr std::size_t kMaxWaiting = 50000;  // documents
  static constexpr std::size_t kBatch = 512;         // documents per request
  // Documents' bytes per request: their OTLP/JSON is about twice that, under localray's own 8 MiB
  // and a Collector's 20 MiB default.
  static constexpr std::size_t kMaxBatchBytes = 2 * 1024 * 1024;
  static constexpr std::chrono::milliseconds kLinger{500};

  // `endpoint` is the collector's base URL (`/v1/traces` is added, as SDKs add it to
  // OTEL_EXPORTER_OTLP_ENDPOINT) or the full URL of its traces path.
  static tracing::Result<std::shared_ptr<OtlpExporter>> create(boost::asio::any_io_executor io, boost::asio::any_io_executor blocking,
                                                               std::string_view endpoint, std::string scope_version,
                                                               std::shared_ptr<spdlog::logger> log);

  // From the store's writer thread.
  void offer(std::vector<std::string>&& documents);
  void start();
  // Sends what waits, for at most `grace`, then stops.
  void stop(std::chrono::milliseconds grace);

  struct Counts {
    std::uint64_t exported_spans = 0, rejected_spans = 0, dropped_documents = 0, failed_requests = 0, waiting = 0;
  };
  Counts counts() const;
  const std::string& url() const { return url_text_; }

 private:
  OtlpExporter(boost::asio::any_io_executor io, boost::asio::any_io_executor blocking, http::Url url, std::string url_text,
               std::string scope_version, std::shared_ptr<spdlog::logger> log);
  boost::asio::awaitable<void> run();
  std::vector<std::string> take_batch();

  boost::asio::any_io_executor io_, blocking_;
  http::Url url_;
  std::string url_text_, scope_version_;
  std::shared_ptr<spdlog::logger> log_;
  mutable std::mutex mutex_;
  std::deque<std::string> waiting_;
  std::chrono::steady_clock::time_point oldest_{};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};
  std::chrono::steady_clock::time_point stop_by_{};
  std::atomic<std::uint64_t> exported_{0}, rejected_{0}, dropped_{0}, failed_{0};
};

}  // namespace localray::emulator
