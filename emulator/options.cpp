#include "emulator/options.hpp"

#include <charconv>
#include <cstring>
#include <string_view>

#include "emulator/version.hpp"

namespace localray::emulator {

std::string usage() {
  return R"(Usage: localray [options]

Runs API Gateway, SNS, SQS, DynamoDB and Lambda locally, traces every hop the way AWS X-Ray
does, and serves every AWS API and the X-Ray API on one port.

Options:
  --config FILE             topology to run (default: the embedded X-Ray Tracer pattern)
  --template FILE           a CloudFormation or SAM template (JSON or YAML) to run instead; repeatable
  --cdk-out DIR             a CDK cloud assembly (the folder `cdk synth` writes) to run instead
  --parameter KEY=VALUE     a template parameter's value, for every stack that declares KEY; repeatable
  --host HOST               address to listen on (default 127.0.0.1)
  --port N                  edge port for every AWS API (default 4566; 0 picks a free one)
  --xray-udp-port N         X-Ray daemon UDP port (default 2000; 0 picks a free one)
  --otlp-port N             second port serving OTLP/HTTP traces at /v1/traces, also served on the edge
                            port (default 4318; 0: only the edge port; a taken port is passed over)
  --otlp-endpoint URL       send every stored segment as OTLP/JSON to this collector (http://HOST:PORT)
  --db PATH                 SQLite trace store (default ./.localray/traces.db; :memory: for none on disk)
  --persist                 keep queues (with their messages), tables (with their items), topics and
                            subscriptions across restarts, in a file beside --db (traces.resources.db)
  --seed N                  make every random choice reproducible, fault injection included
  --ssl-failure-rate R      share of http function runs failing with "SSL Cert Exception" (default 0.4)
  --http-target URL         URL the http function GETs (default: localray's own stand-in JSON endpoint)
  --retention-traces N      keep at most N traces, the oldest go first (default 100000; 0: no bound)
  --retention-hours H       remove traces older than H hours (default 72; 0: no bound)
  --dynamodb-max-mb N       bound on the DynamoDB items held, in MiB as DynamoDB bills item sizes; a
                            write past it gets LimitExceededException (default 256; 0: no bound)
  --dynamodb-create-ms MS   how long a table made by CreateTable stays CREATING (item calls get
                            ResourceNotFoundException meanwhile, as on AWS); default 100, 0: ACTIVE
                            from the next request. Tables of a topology or stack are ACTIVE at once
  --dynamodb-delete-ms MS   how long a deleted table stays DELETING (described and listed); default 100
  --stop-timeout S          how long Ctrl-C or SIGTERM waits for runs in progress and queued events
                            to finish before it cuts them, in seconds (default 5, at most 3600; 0: not
                            at all); a second Ctrl-C cuts them at once
  --threads N               I/O threads (default: one per core)
  --watch                   when a function's code folder changes, its next invocation runs the new code
  --log-level LEVEL         trace, debug, info, warn, error, off (default info)
  --help                    this text
  --version                 the version
)";
}

namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

std::variant<Options, Exit> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool inline_value = false;
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    if (arg == "--help" || arg == "-h") return Exit{0, usage()};
    if (arg == "--version") return Exit{0, std::string{"localray "} + kVersion + "\n"};
    auto need_value = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    auto bad = [&](std::string why) { return Exit{2, "localray: " + std::string{arg} + ": " + why + "\n(see localray --help)\n"}; };
    if (arg == "--watch" || arg == "--persist") {
      if (inline_value) return bad("takes no value");
      (arg == "--watch" ? o.watch : o.persist) = true;
      continue;
    }
    if (arg == "--template" || arg == "--cdk-out" || arg == "--parameter") {
      if (!need_value() || value.empty()) return bad("needs a value");
      if (arg == "--template") o.templates.emplace_back(value);
      else if (arg == "--cdk-out") {
        if (o.cdk_out) return bad("may be given once");
        o.cdk_out = std::string{value};
      } else {
        auto eq = value.find('=');
        if (eq == std::string_view::npos || eq == 0) return bad("needs KEY=VALUE");
        o.parameters[std::string{value.substr(0, eq)}] = std::string{value.substr(eq + 1)};
      }
      continue;
    }
    if (arg == "--config" || arg == "--host" || arg == "--db" || arg == "--log-level" || arg == "--http-target" ||
        arg == "--otlp-endpoint") {
      if (!need_value() || value.empty()) return bad("needs a value");
      if (arg == "--config") o.config_file = std::string{value};
      else if (arg == "--host") o.host = value;
      else if (arg == "--db") o.db = value;
      else if (arg == "--http-target") o.http_target = std::string{value};
      else if (arg == "--otlp-endpoint") {
        if (value.rfind("http://", 0) != 0) return bad("needs an http:// URL (a collector's OTLP/HTTP receiver)");
        o.otlp_endpoint = std::string{value};
      }
      else {
        static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
        bool known = false;
        for (auto* l : levels) known |= value == l;
        if (!known) return bad("unknown level '" + std::string{value} + "'");
        o.log_level = value;
      }
    } else if (arg == "--port" || arg == "--xray-udp-port" || arg == "--otlp-port") {
      unsigned port;
      if (!need_value() || !parse_number(value, port) || port > 65535) return bad("needs a port number from 0 to 65535");
      (arg == "--port" ? o.port : arg == "--otlp-port" ? o.otlp_port : o.xray_udp_port) = static_cast<unsigned short>(port);
    } else if (arg == "--seed") {
      std::uint64_t seed;
      if (!need_value() || !parse_number(value, seed)) return bad("needs a non-negative integer");
      o.seed = seed;
    } else if (arg == "--threads") {
      unsigned n;
      if (!need_value() || !parse_number(value, n) || n > 256) return bad("needs a number of threads");
      o.threads = n;
    } else if (arg == "--dynamodb-max-mb") {
      std::size_t n;
      if (!need_value() || !parse_number(value, n) || n > (std::size_t{1} << 24)) return bad("needs a number of MiB (0: no bound)");
      o.dynamodb_max_mb = n;
    } else if (arg == "--dynamodb-create-ms" || arg == "--dynamodb-delete-ms") {
      std::size_t n;
      if (!need_value() || !parse_number(value, n) || n > 3'600'000) return bad("needs milliseconds, at most 3600000");
      (arg == "--dynamodb-create-ms" ? o.dynamodb_create_ms : o.dynamodb_delete_ms) = std::chrono::milliseconds{n};
    } else if (arg == "--stop-timeout") {
      if (!need_value()) return bad("needs a number of seconds, at most 3600");
      try {
        std::size_t used = 0;
        double seconds = std::stod(std::string{value}, &used);
        if (used != value.size() || !(seconds >= 0) || seconds > 3600) return bad("needs a number of seconds, at most 3600");
        o.stop_timeout = std::chrono::milliseconds{static_cast<long long>(seconds * 1000)};
      } catch (const std::exception&) {
        return bad("needs a number of seconds, at most 3600");
      }
    } else if (arg == "--retention-traces") {
      std::size_t n;
      if (!need_value() || !parse_number(value, n)) return bad("needs a number of traces (0: no bound)");
      o.retention_traces = n;
    } else if (arg == "--retention-hours") {
      if (!need_value()) return bad("needs a number of hours (0: no bound)");
      try {
        std::size_t used = 0;
        double h = std::stod(std::string{value}, &used);
        if (used != value.size() || !(h >= 0)) return bad("needs a number of hours (0: no bound)");
        o.retention_hours = h;
      } catch (const std::exception&) {
        return bad("needs a number of hours (0: no bound)");
      }
    } else if (arg == "--ssl-failure-rate") {
      if (!need_value()) return bad("needs a rate from 0 to 1");
      try {
        std::size_t used = 0;
        double r = std::stod(std::string{value}, &used);
        if (used != value.size() || r < 0 || r > 1) return bad("needs a rate from 0 to 1");
        o.ssl_failure_rate = r;
      } catch (const std::exception&) {
        return bad("needs a rate from 0 to 1");
      }
    } else {
      return Exit{2, "localray: unknown option '" + std::string{argv[i]} + "'\n(see localray --help)\n"};
    }
  }
  if (o.config_file && from_templates(o)) return Exit{2, "localray: --config and --template/--cdk-out each describe the whole app: give one\n"};
  if (!o.parameters.empty() && !from_templates(o)) return Exit{2, "localray: --parameter is for templates (--template, --cdk-out)\n"};
  return o;
}

}  // namespace localray::emulator
