#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace localray::emulator {

struct Options {
  std::optional<std::string> config_file;  // the embedded pattern when absent
  // An app described for CloudFormation instead: templates (JSON or YAML, SAM included) or a CDK
  // cloud assembly, with parameter overrides.
  std::vector<std::string> templates;
  std::optional<std::string> cdk_out;
  std::map<std::string, std::string> parameters;
  std::string host = "127.0.0.1";
  unsigned short port = 4566;
  unsigned short xray_udp_port = 2000;
  // OTLP/HTTP traces are served on the edge port at /v1/traces and, so that OpenTelemetry SDKs
  // with default settings reach them, on this port too (0: not). A port already taken (a
  // collector runs there) is reported and passed over.
  unsigned short otlp_port = 4318;
  // Every stored segment is also sent, as OTLP/JSON, to this collector (http:// only).
  std::optional<std::string> otlp_endpoint;
  std::string db = "./.localray/traces.db";
  std::optional<std::uint64_t> seed;
  double ssl_failure_rate = 0.4;
  std::optional<std::string> http_target;  // the http function's URL; localray's stand-in when absent
  std::string log_level = "info";
  unsigned threads = 0;  // 0: one per core
  bool watch = false;    // a function's code folder changing replaces its idle workers
  // Queues, tables and topics made over the APIs, with their messages, items and subscriptions,
  // survive a restart (kept beside the trace store). Off: resources start fresh, traces persist.
  bool persist = false;
  // DynamoDB items held, in MiB of billed item size, over every table; 0: no bound.
  std::size_t dynamodb_max_mb = 256;
  std::chrono::milliseconds dynamodb_create_ms{100};  // CREATING after CreateTable
  std::chrono::milliseconds dynamodb_delete_ms{100};  // DELETING after DeleteTable
  // How long a clean stop waits for runs in progress and queued events before it cuts them.
  std::chrono::milliseconds stop_timeout{5000};
  // Bounds on the trace store; 0 disables one. About 1 KB of disk per stored segment.
  std::size_t retention_traces = 100000;
  double retention_hours = 72;
};

inline bool from_templates(const Options& o) { return !o.templates.empty() || o.cdk_out.has_value(); }

struct Exit {
  int code;
  std::string text;  // printed to stdout (help, version) or stderr (errors)
};

// Either options to run with, or a reason to exit now (--help, --version, a bad flag).
std::variant<Options, Exit> parse_options(int argc, char** argv);
std::string usage();

}  // namespace localray::emulator
