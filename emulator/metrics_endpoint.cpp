#include "emulator/metrics_endpoint.hpp"
#include "emulator/otlp_exporter.hpp"

#include <filesystem>

#include "base/offload.hpp"
#include "emulator/request_metrics.hpp"
#include "functions/runtime/worker_pool.hpp"

namespace localray::emulator {

namespace {

std::string scope_label(const Region& r) { return r.scope.account + ":" + r.scope.region; }

void requests(PrometheusText& out, const RequestMetrics& metrics) {
  auto series = metrics.snapshot();
  out.family("localray_requests_total", "counter", "Requests the edge answered, by service, operation and status class.");
  static const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (const auto& [key, s] : series)
    for (std::size_t c = 0; c < s.by_class.size(); ++c)
      if (s.by_class[c] > 0)
        out.sample("localray_requests_total", {{"service", key.first}, {"operation", key.second}, {"code", classes[c]}}, static_cast<double>(s.by_class[c]));
  out.family("localray_request_duration_seconds", "histogram", "Time from a request's arrival to its answer.");
  for (const auto& [key, s] : series) {
    std::uint64_t cumulative = 0;
    for (std::size_t b = 0; b < RequestMetrics::kBuckets.size(); ++b) {
      cumulative += s.buckets[b];
      char le[32];
      std::snprintf(le, sizeof le, "%g", RequestMetrics::kBuckets[b]);
      out.sample("localray_request_duration_seconds_bucket", {{"service", key.first}, {"operation", key.second}, {"le", le}}, static_cast<double>(cumulative));
    }
    out.sample("localray_request_duration_seconds_bucket", {{"service", key.first}, {"operation", key.second}, {"le", "+Inf"}}, static_cast<double>(s.count));
    out.sample("localray_request_duration_seconds_sum", {{"service", key.first}, {"operation", key.second}}, s.sum);
    out.sample("localray_request_duration_seconds_count", {{"service", key.first}, {"operation", key.second}}, static_cast<double>(s.count));
  }
}

void pipeline(PrometheusText& out, const Services& s) {
  auto st = s.pipeline->status();
  out.family("localray_trace_segments_stored_total", "counter", "Segments committed to the store.");
  out.sample("localray_trace_segments_stored_total", {}, static_cast<double>(st.written));
  out.family("localray_trace_segments_lost_total", "counter",
             "Segments not stored: refused by a full pipeline, dropped (UDP, oldest first) or in a batch that failed to commit.");
  out.sample("localray_trace_segments_lost_total", {{"reason", "refused"}}, static_cast<double>(st.refused));
  out.sample("localray_trace_segments_lost_total", {{"reason", "dropped"}}, static_cast<double>(st.dropped));
  out.sample("localray_trace_segments_lost_total", {{"reason", "failed"}}, static_cast<double>(st.failed));
  out.family("localray_trace_pipeline_waiting", "gauge", "Segments recorded and not yet committed.");
  out.sample("localray_trace_pipeline_waiting", {}, static_cast<double>(st.waiting));
  out.family("localray_trace_pipeline_lag_seconds", "gauge", "How long the oldest segment not yet committed has waited.");
  out.sample("localray_trace_pipeline_lag_seconds", {}, st.lag_seconds);
  if (s.edge_counts) {
    auto [open, turned_away] = s.edge_counts();
    out.family("localray_edge_connections", "gauge", "Connections the edge port serves now.");
    out.sample("localray_edge_connections", {}, static_cast<double>(open));
    out.family("localray_edge_connections_refused_total", "counter", "Connections answered 503 at the edge's bound (http::kMaxSessions).");
    out.sample("localray_edge_connections_refused_total", {}, static_cast<double>(turned_away));
  }
  if (s.log_lines_dropped) {
    out.family("localray_log_lines_dropped_total", "counter", "Log lines dropped because the logger's thread fell behind (oldest first).");
    out.sample("localray_log_lines_dropped_total", {}, static_cast<double>(s.log_lines_dropped()));
  }
  out.family("localray_dynamodb_item_bytes", "gauge", "DynamoDB items held, in bytes as DynamoDB bills item sizes, over every table.");
  out.sample("localray_dynamodb_item_bytes", {}, static_cast<double>(s.dynamodb_budget->used()));
  out.family("localray_dynamodb_item_bytes_limit", "gauge", "The bound on them (--dynamodb-max-mb); 0: none.");
  out.sample("localray_dynamodb_item_bytes_limit", {}, static_cast<double>(s.dynamodb_budget->limit()));
  if (s.journal) {
    out.family("localray_persist_changes_total", "counter",
               "Changes to queues, messages, tables, items and topics written for --persist: committed, failed (each failure is logged).");
    out.sample("localray_persist_changes_total", {{"result", "committed"}}, static_cast<double>(s.journal->committed()));
    out.sample("localray_persist_changes_total", {{"result", "failed"}}, static_cast<double>(s.journal->failed()));
  }
  if (s.otlp_exporter) {
    auto c = s.otlp_exporter->counts();
    out.family("localray_otlp_export_spans_total", "counter", "Spans sent to --otlp-endpoint: exported (accepted), rejected by the collector.");
    out.sample("localray_otlp_export_spans_total", {{"result", "exported"}}, static_cast<double>(c.exported_spans));
    out.sample("localray_otlp_export_spans_total", {{"result", "rejected"}}, static_cast<double>(c.rejected_spans));
    out.family("localray_otlp_export_dropped_documents_total", "counter", "Segment documents dropped unsent because the export buffer was full.");
    out.sample("localray_otlp_export_dropped_documents_total", {}, static_cast<double>(c.dropped_documents));
    out.family("localray_otlp_export_failed_requests_total", "counter", "Export requests that failed (and were retried unless refused).");
    out.sample("localray_otlp_export_failed_requests_total", {}, static_cast<double>(c.failed_requests));
    out.family("localray_otlp_export_waiting_documents", "gauge", "Segment documents waiting to be exported.");
    out.sample("localray_otlp_export_waiting_documents", {}, static_cast<double>(c.waiting));
  }
  if (s.udp_counts) {
    auto [received, rejected] = s.udp_counts();
    out.family("localray_xray_daemon_datagrams_total", "counter", "UDP datagrams the X-Ray daemon port received, and those it rejected as malformed.");
    out.sample("localray_xray_daemon_datagrams_total", {{"result", "accepted"}}, static_cast<double>(received - std::min(received, rejected)));
    out.sample("localray_xray_daemon_datagrams_total", {{"result", "rejected"}}, static_cast<double>(rejected));
  }
}

}  // namespace

boost::asio::awaitable<std::string> render_metrics(Services& s) {
  PrometheusText out;
  requests(out, s.request_metrics);
  pipeline(out, s);

  auto sns = s.sns_redelivery->counts();
  out.family("localray_sns_delivery_retries_total", "counter", "SNS deliveries attempted again after a throttled endpoint.");
  out.sample("localray_sns_delivery_retries_total", {}, static_cast<double>(sns.retries));
  out.family("localray_sns_deliveries_failed_total", "counter",
             "SNS deliveries that failed first and then: got through on a retry, went to the subscription's dead-letter queue, "
             "were lost because the dead-letter queue refused them, or were discarded (no dead-letter queue).");
  out.sample("localray_sns_deliveries_failed_total", {{"outcome", "delivered_on_retry"}}, static_cast<double>(sns.delivered_on_retry));
  out.sample("localray_sns_deliveries_failed_total", {{"outcome", "dead_lettered"}}, static_cast<double>(sns.dead_lettered));
  out.sample("localray_sns_deliveries_failed_total", {{"outcome", "dead_letter_failed"}}, static_cast<double>(sns.dead_letter_failed));
  out.sample("localray_sns_deliveries_failed_total", {{"outcome", "discarded"}}, static_cast<double>(sns.discarded));
  out.family("localray_sns_deliveries_waiting", "gauge", "SNS deliveries waiting for a retry.");
  out.sample("localray_sns_deliveries_waiting", {}, static_cast<double>(sns.waiting));

  out.family("localray_sqs_messages", "gauge", "Messages in each queue, by state.");
  for (auto* region : s.regions.all())
    for (auto& q : region->sqs->queues()) {
      auto handle = q;
      auto snap = co_await region->sqs->describe(std::move(handle));
      std::map<std::string, std::string> labels{{"scope", scope_label(*region)}, {"queue", snap.name}};
      for (auto [state, n] : {std::pair{"visible", snap.visible}, std::pair{"in_flight", snap.in_flight}, std::pair{"delayed", snap.delayed}}) {
        labels["state"] = state;
        out.sample("localray_sqs_messages", labels, static_cast<double>(n));
      }
    }

  out.family("localray_lambda_invocations_total", "counter", "Function runs since the function was last changed, by outcome.");
  PrometheusText pending, throttles, workers;
  pending.family("localray_lambda_pending", "gauge", "Runs in progress and asynchronous events held (queued or waiting to retry).");
  throttles.family("localray_lambda_throttles_total", "counter", "Invocations refused for want of concurrency, or a full event queue.");
  workers.family("localray_lambda_workers", "gauge", "Worker processes (execution environments) of user-code functions, by state.");
  for (auto* region : s.regions.all())
    for (const auto& fn : region->lambda->functions()) {
      std::map<std::string, std::string> labels{{"scope", scope_label(*region)}, {"function", fn->config().name}};
      auto c = fn->counts();
      labels["outcome"] = "success";
      out.sample("localray_lambda_invocations_total", labels, static_cast<double>(c.invocations - c.errors));
      labels["outcome"] = "error";
      out.sample("localray_lambda_invocations_total", labels, static_cast<double>(c.errors));
      labels.erase("outcome");
      pending.sample("localray_lambda_pending", labels, static_cast<double>(fn->pending()));
      throttles.sample("localray_lambda_throttles_total", labels, static_cast<double>(c.throttles));
      if (auto pool = std::dynamic_pointer_cast<functions::runtime::WorkerPool>(fn->handler())) {
        auto stats = co_await pool->stats();
        labels["state"] = "busy";
        workers.sample("localray_lambda_workers", labels, static_cast<double>(stats.busy));
        labels["state"] = "idle";
        workers.sample("localray_lambda_workers", labels, static_cast<double>(stats.environments - std::min(stats.environments, stats.busy)));
      }
    }
  std::string text = out.text() + pending.text() + throttles.text() + workers.text();

  PrometheusText mappings;
  mappings.family("localray_event_source_mapping_pollers", "gauge", "Pollers of each event source mapping: the batches it can have in flight.");
  for (auto* region : s.regions.all())
    for (const auto& m : region->mappings->list())
      mappings.sample("localray_event_source_mapping_pollers",
                      {{"scope", scope_label(*region)}, {"uuid", m.uuid}, {"event_source_arn", m.event_source_arn}, {"function_arn", m.function_arn}},
                      static_cast<double>(m.pollers));
  text += mappings.text();

  PrometheusText store;
  auto traces = co_await base::offload(s.blocking->executor(), [&s]() -> std::optional<std::size_t> {
    auto reader = s.readers->acquire();
    if (!reader) return std::nullopt;
    auto n = (*reader)->trace_count();
    return n ? std::optional<std::size_t>{*n} : std::nullopt;
  });
  if (traces) {
    store.family("localray_store_traces", "gauge", "Traces held in the store.");
    store.sample("localray_store_traces", {}, static_cast<double>(*traces));
  }
  if (!s.db_path.empty() && s.db_path != ":memory:") {
    std::uintmax_t bytes = 0;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::error_code ec;
      auto n = std::filesystem::file_size(s.db_path + suffix, ec);
      if (!ec) bytes += n;
    }
    store.family("localray_store_bytes", "gauge", "Size of the store's files (database, write-ahead log, shared memory).");
    store.sample("localray_store_bytes", {}, static_cast<double>(bytes));
  }
  text += store.text();
  co_return text;
}

}  // namespace localray::emulator
