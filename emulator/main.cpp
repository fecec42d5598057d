// localray: the emulator's entry point. Start-up order: options, topology file, trace store, edge
// port (its URL feeds the topology's placeholders), templates, services, UDP receiver; then the
// I/O threads.
// Shutdown reverses it and drains the trace pipeline last, so every recorded segment is stored.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <sys/resource.h>
#include <nlohmann/json.hpp>
#include <spdlog/async.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "config/cloudformation/loader.hpp"
#include "emulator/app_reload.hpp"
#include "emulator/options.hpp"
#include "emulator/persist/resource_state.hpp"
#include "emulator/otlp_exporter.hpp"
#include "emulator/router.hpp"
#include "emulator/service_routing.hpp"
#include "emulator/stack_deployer.hpp"
#include "emulator/version.hpp"
#include "emulator/wiring.hpp"
#include "http/server.hpp"
#include "services/apigateway/protocol/invoke.hpp"
#include "services/xray/protocol/api.hpp"
#include "services/xray/protocol/otlp.hpp"
#include "tracing/udp_receiver.hpp"

namespace asio = boost::asio;
using namespace localray;

namespace {

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The OTLP port serves the traces endpoint alone; everything else is on the edge port.
asio::awaitable<http::Response> otlp_port_only() {
  co_return http::Response::json(404, R"({"code":5,"message":"this port serves OTLP traces at POST /v1/traces"})");
}

int fail(const std::string& message) {
  std::cerr << "localray: " << message << "\n";
  return 1;
}

}  // namespace

#ifdef LOCALRAY_JEMALLOC
// Read by jemalloc when it starts. A thread of its own hands freed pages back to the system within
// seconds of a load ending, even when nothing allocates any more.
extern "C" {
const char* malloc_conf = "background_thread:true,dirty_decay_ms:2000,muzzy_decay_ms:2000";
}
#endif

int main(int argc, char** argv) {
  auto started = std::chrono::steady_clock::now();
  auto parsed = emulator::parse_options(argc, argv);
  if (auto* exit = std::get_if<emulator::Exit>(&parsed)) {
    (exit->code == 0 ? std::cout : std::cerr) << exit->text;
    return exit->code;
  }
  auto options = std::get<emulator::Options>(parsed);

  // Lines are written by a thread of their own, so that a slow terminal or pipe never holds an I/O
  // thread (a write and a flush under a mutex per line). When that thread cannot keep up, the
  // oldest waiting lines are dropped (localray_log_lines_dropped_total) rather than requests wait.
  spdlog::init_thread_pool(4096, 1);  // slots are preallocated: ~400 bytes each
  auto log = std::make_shared<spdlog::async_logger>("localray", std::make_shared<spdlog::sinks::stderr_color_sink_mt>(), spdlog::thread_pool(),
                                                    spdlog::async_overflow_policy::overrun_oldest);
  spdlog::register_logger(log);
  log->set_level(spdlog::level::from_str(options.log_level));
  log->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  // A topology file is read now; templates once the edge port is known (queue URLs are made of it).
  std::optional<config::Topology> topology;
  if (!emulator::from_templates(options)) {
    std::string topology_text;
    if (options.config_file) {
      auto text = read_file(*options.config_file);
      if (!text) return fail("cannot read --config " + *options.config_file);
      topology_text = std::move(*text);
    } else {
      topology_text = std::string{config::default_topology_json()};
    }
    auto parsed_topology = config::parse_topology(topology_text);
    if (!parsed_topology)
      return fail((options.config_file ? *options.config_file : std::string{"default pattern"}) + ": " + parsed_topology.error().message);
    topology = std::move(*parsed_topology);
  }

  // The io_context outlives every service: strands and timers must not outlive their context.
  unsigned threads = options.threads ? options.threads : std::max(2u, std::thread::hardware_concurrency());
  asio::io_context io{static_cast<int>(threads)};

  {
    // Connections, worker pipes and the store all take descriptors: use what the system allows
    // (the edge bounds its connections well below it, http::kMaxSessions).
    rlimit files{};
    if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
      files.rlim_cur = files.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &files);
    }
  }
  std::uint64_t seed = options.seed ? *options.seed : std::random_device{}() * 0x100000001ULL ^ std::random_device{}();
  emulator::Services services{seed};
  if (auto r = emulator::open_trace_store(services, options, log); !r) return fail(r.error().message);
  if (options.persist)
    if (auto r = emulator::persist::open_state(services, options, log); !r) return fail(r.error().message);

  // Sockets are bound first (their ports feed the topology's placeholders), but nothing is
  // served until the io_context runs: by then the router exists and answers 503 until the
  // topology is applied.
  std::shared_ptr<emulator::Router> router;
  http::Server edge{io.get_executor(), [&router](http::Request r) { return router->route(std::move(r)); }, log};
  if (options.host != "127.0.0.1" && options.host != "localhost" && options.host != "::1")
    log->warn("listening on {}: every service here answers without credentials to whoever reaches that address", options.host);
  auto port = edge.listen(options.host, options.port);
  if (!port) return fail(port.error().message);
  std::string edge_url = "http://" + options.host + ":" + std::to_string(*port);
  tracing::UdpReceiver udp{io.get_executor(), *services.pipeline, log};
  auto udp_port = udp.listen(options.host, options.xray_udp_port);
  if (!udp_port) return fail(udp_port.error().message + " (--xray-udp-port 0 picks a free port)");
  services.udp_counts = [&udp] { return std::pair{udp.received(), udp.rejected()}; };
  services.edge_counts = [&edge] { return std::pair<std::uint64_t, std::uint64_t>{edge.sessions(), edge.turned_away()}; };
  services.log_lines_dropped = [] { return static_cast<std::uint64_t>(spdlog::thread_pool()->overrun_counter()); };
  std::string udp_address = options.host + ":" + std::to_string(*udp_port);
  if (!topology) {
    config::cloudformation::Environment env{"us-east-1", "000000000000", edge_url, seed};
    auto loaded = config::cloudformation::load_app({options.templates, options.cdk_out, options.parameters}, env);
    if (!loaded) return fail(loaded.error().message);
    topology = std::move(*loaded);
  }

  services.xray_daemon = udp_address;
  if (auto r = emulator::build_services(services, io.get_executor(), options, *topology, edge_url, log); !r) return fail(r.error().message);
  router = std::make_shared<emulator::Router>(services, emulator::Endpoints{edge_url, udp_address}, log);
  services.dispatch = [&router](http::Request r) { return router->route(std::move(r)); };
  // The CloudFormation API deploys through the same loader and wiring as the command line.
  emulator::StackDeployer deployer{services, io.get_executor(), options, seed, log};
  cloudformation::model::Stacks stacks_api{services.clock, services.ids, services.home.region, services.home.account, deployer};
  services.cloudformation = &stacks_api;
  // The X-Ray daemon also answers the SDKs' centralized sampling calls over TCP on its port.
  http::Server daemon_tcp{io.get_executor(), [&services](http::Request r) -> asio::awaitable<http::Response> {
    if (r.path == "/GetSamplingRules" || r.path == "/SamplingTargets") {
      auto call = emulator::call_context(r, services.ids.uuid(), services.home.region, services.home.account);
      auto& xray = *services.regions.at({call.account, call.region}).xray;
      if (auto res = co_await xray::protocol::handle(r, xray, std::move(call))) co_return std::move(*res);
    }
    co_return http::Response::json(404, R"({"message":"the X-Ray daemon port serves /GetSamplingRules and /SamplingTargets"})");
  }, log};
  std::string daemon_detail = "segments over UDP " + udp_address;
  if (auto tcp = daemon_tcp.listen(options.host, *udp_port); !tcp) {
    log->warn("X-Ray daemon TCP (sampling) not served: {}", tcp.error().message);
    daemon_detail += "; sampling over TCP not served: " + tcp.error().message;
  } else {
    daemon_detail += ", sampling rules and targets over TCP";
  }
  services.health.add("xray_daemon", [daemon_detail] { return tracing::ComponentStatus{true, daemon_detail}; });

  // OTLP/HTTP: always on the edge port; on --otlp-port too, where SDKs send by default.
  http::Server otlp_http{io.get_executor(), [&router](http::Request r) -> asio::awaitable<http::Response> {
    std::string_view path = r.path;
    if (path == xray::protocol::kOtlpTracesPath || path == std::string{xray::protocol::kOtlpTracesPath} + "/") return router->route(std::move(r));
    return otlp_port_only();
  }, log};
  std::optional<unsigned short> otlp_port;
  std::string otlp_detail = "OTLP/HTTP traces at " + edge_url + "/v1/traces";
  if (options.otlp_port != 0) {
    if (auto p = otlp_http.listen(options.host, options.otlp_port); !p) {
      log->warn("OTLP port {} not served ({}): a collector may already listen there; OTLP is still served at {}/v1/traces",
                options.otlp_port, p.error().message, edge_url);
      otlp_detail += "; port " + std::to_string(options.otlp_port) + " not served: " + p.error().message;
    } else {
      otlp_port = *p;
      otlp_detail += " and http://" + options.host + ":" + std::to_string(*p) + "/v1/traces";
    }
  }
  if (options.otlp_endpoint) {
    // Exporting to our own receiver would store every document again, and export it again.
    auto target = http::Url::parse(*options.otlp_endpoint);
    auto loopback = [](const std::string& h) { return h == "127.0.0.1" || h == "localhost" || h == "::1" || h == "[::1]"; };
    if (target && (target->host == options.host || (loopback(target->host) && loopback(options.host))) &&
        (target->port == std::to_string(*port) || (otlp_port && target->port == std::to_string(*otlp_port))))
      return fail("--otlp-endpoint " + *options.otlp_endpoint + " is this localray's own OTLP receiver: every span would come back to be exported again");
    auto exporter = emulator::OtlpExporter::create(io.get_executor(), services.blocking->executor(), *options.otlp_endpoint,
                                                   std::string{emulator::kVersion}, log);
    if (!exporter) return fail(exporter.error().message);
    services.otlp_exporter = *exporter;
    services.pipeline->on_commit_documents([e = services.otlp_exporter](std::vector<std::string>&& docs) { e->offer(std::move(docs)); });
    services.otlp_exporter->start();
    otlp_detail += "; exporting every stored segment to " + services.otlp_exporter->url();
  }
  services.health.add("otlp", [otlp_detail] { return tracing::ComponentStatus{true, otlp_detail}; });

  // The topology goes in through the services' own operations, on this thread alone.
  std::optional<tracing::Result<void>> applied;
  emulator::AppliedResources made;
  asio::co_spawn(io, emulator::apply_topology(services, io.get_executor(), options, *topology, log, made),
                 [&applied](std::exception_ptr e, tracing::Result<void> r) {
                   applied = e ? tracing::Result<void>{tracing::Error{"applying the topology failed unexpectedly"}} : std::move(r);
                 });
  while (!applied && io.run_one()) {
  }
  if (!applied || !*applied) return fail(applied ? applied->error().message : "the topology was not applied");
  if (services.journal) {
    // What was made over the APIs before the last stop comes back on top of the topology.
    std::optional<emulator::persist::RestoreCounts> restored;
    asio::co_spawn(io, emulator::persist::restore_resources(services, log), [&restored](std::exception_ptr e, emulator::persist::RestoreCounts c) {
      restored = e ? emulator::persist::RestoreCounts{} : c;
    });
    while (!restored && io.run_one()) {
    }
    if (!restored) return fail("restoring what --persist kept did not finish");
    log->info("--persist: {} queues, tables and topics with {} messages, items and subscriptions restored from {}{}", restored->resources,
              restored->items, services.journal->path(),
              restored->skipped ? fmt::format(" ({} rows that no longer fit left out)", restored->skipped) : std::string{});
  }
  deployer.adopt(nullptr, *topology);
  for (const auto& stack : topology->stacks)
    stacks_api.record_existing(stack.name, stack.id, read_file(stack.file).value_or(""), emulator::deployed_of(stack, services.clock.now()));
  // --watch on templates: a changed file is compiled again and the difference applied.
  std::optional<emulator::AppReloader> reloader;
  if (options.watch && emulator::from_templates(options)) {
    reloader.emplace(services, io.get_executor(), options, seed, deployer, stacks_api, *topology, made, log);
    reloader->start();
  }
  services.ready = true;

  // What a person reads, then one line a program can parse.
  std::cout << "localray " << emulator::kVersion << " running "
            << (options.config_file ? *options.config_file : emulator::from_templates(options) ? topology->description : "the X-Ray Tracer pattern")
            << "\n";
  for (const auto& stack : topology->stacks) {
    std::cout << "  Stack " << stack.name << " (" << stack.resources.size() << " resources)\n";
    for (const auto& r : stack.resources)
      if (r.status == "not emulated") std::cout << "    not emulated: " << r.logical_id << " (" << r.type << ")" << (r.note.empty() ? "" : ": " + r.note) << "\n";
    for (const auto& o : stack.outputs) std::cout << "    output " << o.key << " = " << o.value << "\n";
  }
  nlohmann::json apis = nlohmann::json::array();
  for (const auto& api : services.home_region().apis->list())
    for (const auto& stage : api->stages()) {
      std::string url = edge_url + apigateway::protocol::invoke_path(api->id(), stage.name);
      std::cout << "  API " << api->name() << " (" << stage.name << "):  " << url << "/{path}\n";
      apis.push_back({{"name", api->name()}, {"stage", stage.name}, {"invoke_url", url}});
    }
  std::cout << "  AWS APIs and X-Ray API:    " << edge_url << "  (aws --endpoint-url " << edge_url << ")\n"
            << "  X-Ray daemon (UDP):        " << udp_address << "\n"
            << "  OTLP/HTTP traces:          " << edge_url << "/v1/traces"
            << (otlp_port ? "  and http://" + options.host + ":" + std::to_string(*otlp_port) + "/v1/traces" : std::string{}) << "\n"
            << (services.otlp_exporter ? "  Exporting spans to:        " + services.otlp_exporter->url() + "\n" : std::string{})
            << "  Console:                   " << edge_url << "/_localray/\n"
            << "  Resources:                 " << edge_url << "/_localray/resources\n"
            << "  Traces stored in:          " << options.db << "\n"
            << (services.journal ? "  Resources kept in:         " + services.journal->path() + " (--persist)\n" : std::string{})
            << "  Seed:                      " << seed << "\n";
  auto ready_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  std::cout << "LOCALRAY_READY "
            << nlohmann::json{{"edge_url", edge_url}, {"port", *port}, {"xray_udp_port", *udp_port},
                              {"otlp_port", otlp_port ? nlohmann::json(*otlp_port) : nlohmann::json(nullptr)}, {"apis", apis}, {"console_url", edge_url + "/_localray/"}, {"db", options.db},
                              {"seed", seed}, {"startup_ms", ready_ms}}
                   .dump()
            << std::endl;

  // Joined before anything is destroyed: it reads the services while runs in progress finish.
  std::thread stopper;
  asio::signal_set signals{io, SIGINT, SIGTERM};
  // A second Ctrl-C (or SIGTERM) while stopping cuts the wait for runs in progress short.
  std::atomic<bool> cut_short{false};
  std::function<void(const boost::system::error_code&, int)> on_signal = [&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    if (services.draining.exchange(true)) {
      log->warn("signal {} again: not waiting for runs in progress any longer", sig);
      cut_short = true;
      return;
    }
    signals.async_wait(on_signal);
    log->info("signal {}: stopping", sig);
    if (reloader) reloader->stop();
    services.live->close();
    for (auto* region : services.regions.all()) region->mappings->stop_all();
    // SNS deliveries waiting for a retry try once more now; what fails is dead-lettered.
    services.sns_redelivery->stop();
    // Let runs in progress and queued events finish and record their segments, within a bound.
    // The edge and the daemon port serve meanwhile: the functions' own AWS calls, their X-Ray
    // SDKs' segments and the http function's stand-in go through them.
    stopper = std::thread([&] {
      auto deadline = std::chrono::steady_clock::now() + options.stop_timeout;
      auto pending = [&services] {
        std::size_t n = 0;
        for (auto* region : services.regions.all()) n += region->lambda->pending() + static_cast<std::size_t>(region->mappings->busy());
        return n + services.sns_redelivery->counts().waiting;
      };
      while (std::chrono::steady_clock::now() < deadline && pending() > 0 && !cut_short)
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
      if (auto left = pending(); left > 0)
        log->warn("stopping after {} s (--stop-timeout) with runs or deliveries unfinished: {}", std::chrono::duration<double>(options.stop_timeout).count(), left);
      edge.stop();
      otlp_http.stop();
      daemon_tcp.stop();
      udp.stop();
      // What was recorded goes to the store, then to the collector, while the I/O threads still run.
      if (services.otlp_exporter) {
        services.pipeline->flush();
        services.otlp_exporter->stop(std::chrono::seconds{2});
      }
      io.stop();
    });
  };
  signals.async_wait(on_signal);

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  if (stopper.joinable()) stopper.join();
  // Every change the services made is reported by now: the last ones are committed.
  if (services.journal) services.journal->stop();
  services.blocking->stop();
  services.pipeline->stop();
  log->info("stopped; {} segments stored", services.pipeline->written());
  spdlog::shutdown();  // the last lines written before the process ends
  return 0;
}
