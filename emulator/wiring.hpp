#pragma once
// Builds every service of a topology and connects them. Each service is named here, once.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <spdlog/fwd.h>

#include "config/topology.hpp"
#include "emulator/integrations.hpp"
#include "emulator/regions.hpp"
#include "emulator/service_clients.hpp"
#include "emulator/sqs_event_source.hpp"
#include "emulator/subscribers.hpp"
#include "emulator/blocking_pool.hpp"
#include "emulator/options.hpp"
#include "functions/aws_clients.hpp"
#include "functions/runtime/code_watcher.hpp"
#include "services/apigateway/model/backend.hpp"
#include "services/cloudformation/model/stacks.hpp"
#include "services/dynamodb/model/backend.hpp"
#include "services/lambda/model/event_source_mappings.hpp"
#include "services/lambda/model/function.hpp"
#include "services/sns/model/backend.hpp"
#include "services/sqs/model/backend.hpp"
#include "services/xray/model/backend.hpp"
#include "tracing/function_logs.hpp"
#include "tracing/open_invocations.hpp"
#include "tracing/clock.hpp"
#include "tracing/health.hpp"
#include "tracing/ids.hpp"
#include "tracing/pipeline.hpp"
#include "tracing/sampling.hpp"
#include "tracing/settings_store.hpp"
#include "tracing/state_journal.hpp"
#include "tracing/store.hpp"
#include "tracing/store_reader.hpp"
#include "emulator/request_metrics.hpp"
#include "web/live_events.hpp"
#include "base/signing_key.hpp"

namespace localray::emulator {

struct Services {
  Services(std::uint64_t seed) : rng{seed}, ids{clock, rng.fork("ids")} {}

  tracing::SystemClock clock;
  tracing::Rng rng;
  tracing::IdGenerator ids;
  base::Scope home;  // the topology's account and region; unsigned calls address it
  std::string edge_url;
  std::string xray_daemon;  // host:port of the UDP receiver, which functions' X-Ray SDKs send to
  std::string code_root;    // where code packages are unpacked
  std::unique_ptr<functions::runtime::CodeWatcher> code_watcher;  // --watch
  std::unique_ptr<tracing::Store> store;
  std::unique_ptr<tracing::Pipeline> pipeline;
  // Function runs in progress, so the edge can tell their code's own AWS calls apart.
  tracing::OpenInvocations open_invocations;
  // What each function run printed, for /_localray/logs.
  tracing::FunctionLogs function_logs;
  std::unique_ptr<tracing::ReaderPool> readers;
  std::shared_ptr<web::LiveEvents> live = std::make_shared<web::LiveEvents>();
  std::unique_ptr<tracing::SettingsStore> settings;
  // --persist: where queues, tables and topics report their changes, and what it held at start
  // (until restored). Before the regions, so that it outlives them.
  std::unique_ptr<tracing::StateJournal> journal;
  std::vector<tracing::StateRow> persisted;
  // Every table's items count against it (--dynamodb-max-mb). Before the regions: they use it.
  std::shared_ptr<dynamodb::model::ItemBudget> dynamodb_budget = std::make_shared<dynamodb::model::ItemBudget>(0);
  // How long tables stay CREATING and DELETING (--dynamodb-create-ms, --dynamodb-delete-ms).
  std::chrono::milliseconds dynamodb_creating{0};
  std::chrono::milliseconds dynamodb_deleting{0};
  Regions regions;
  Region& home_region() { return regions.at(home); }
  // What the built-in handlers call: the services of the home scope.
  std::unique_ptr<SnsPublisher> sns_client;
  std::unique_ptr<SqsSender> sqs_client;
  std::unique_ptr<DynamoDbUpdater> dynamodb_client;
  std::unique_ptr<functions::AwsClients> aws_clients;
  // SNS deliveries that failed, retried or dead-lettered; before the subscribers that use it.
  std::unique_ptr<SnsRedelivery> sns_redelivery;
  // What signs SNS's messages to http/https subscribers; its certificate is served at
  // kSnsSigningCertPath. Made on first use.
  std::shared_ptr<base::SigningKey> sns_signing_key = std::make_shared<base::SigningKey>("sns.localray.localhost");
  // Subscribe endpoints of any scope.
  std::unique_ptr<WireSubscriberFactory> subscriber_factory;
  // The edge's dispatch, set by main once the router exists: API Gateway's AWS integrations call
  // services through it.
  Dispatch dispatch;
  // The CloudFormation API's stacks (home scope), set by main.
  cloudformation::model::Stacks* cloudformation = nullptr;
  // The CloudFormation stacks the topology was compiled from, and those created over the
  // CloudFormation API since.
  std::mutex stacks_mutex;
  std::vector<config::Stack> stacks;
  // Set once the topology is applied; until then the edge answers 503.
  std::atomic<bool> ready{false};
  // Set when a stop begins: only the functions' own calls and /_localray/ are served from then on.
  std::atomic<bool> draining{false};
  tracing::Health health;
  RequestMetrics request_metrics;
  std::string db_path;  // the store's file (--db)
  // The X-Ray daemon port's counts (received, rejected), set by main once it listens.
  std::function<std::pair<std::uint64_t, std::uint64_t>()> udp_counts;
  std::shared_ptr<class OtlpExporter> otlp_exporter;  // --otlp-endpoint
  // The edge's connections open now and those turned away at its bound, set by main.
  std::function<std::pair<std::uint64_t, std::uint64_t>()> edge_counts;
  std::function<std::uint64_t()> log_lines_dropped;  // by the logger's thread when it fell behind
  // Last, so destroyed first: its threads use the services above until they are joined.
  std::unique_ptr<BlockingPool> blocking;
};

// Opens the store and starts the pipeline.
tracing::Result<void> open_trace_store(Services& s, const Options& options, std::shared_ptr<spdlog::logger> log);
// Makes the services of the topology's account and region, and of every scope that has X-Ray groups
// or rules stored, empty; other scopes get theirs when first addressed. `edge_url` is where this
// process answers.
tracing::Result<void> build_services(Services& s, boost::asio::any_io_executor ex, const Options& options, const config::Topology& topology,
                                     const std::string& edge_url, std::shared_ptr<spdlog::logger> log);
// What applying a topology made, so that a stack can be removed, or changed, exactly.
struct AppliedResources {
  std::vector<std::string> topics;  // ARNs
  std::vector<std::string> queues, tables, functions, apis;  // names, API ids
  std::map<std::string, std::string> subscriptions;  // subscription_key -> ARN
  std::map<std::string, std::string> mappings;       // mapping_key -> UUID
};
inline std::string subscription_key(const config::Subscription& s) { return s.topic + " " + s.protocol + " " + s.endpoint; }
inline std::string mapping_key(const config::EventSourceMapping& m) {
  return (m.queue.empty() ? "table:" + m.table : m.queue) + " " + m.function;
}

// Creates the topology's resources through the services' own operations, as API calls would,
// recording each in `made` as it goes (a failure leaves there what was made before it).
boost::asio::awaitable<tracing::Result<void>> apply_topology(Services& s, boost::asio::any_io_executor ex, const Options& options,
                                                             const config::Topology& topology, std::shared_ptr<spdlog::logger> log,
                                                             AppliedResources& made);
// Removes what `made` names, what points at a resource before the resource.
boost::asio::awaitable<void> remove_resources(Services& s, AppliedResources made);

}  // namespace localray::emulator
