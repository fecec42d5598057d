#include "functions/runtime/runtimes.hpp"

#include <cstdlib>
#include <filesystem>
#include <set>

#include <unistd.h>

namespace localray::functions::runtime {

namespace fs = std::filesystem;

namespace {

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    auto colon = rest.find(':');
    std::string dir{rest.substr(0, colon)};
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    if (dir.empty()) continue;
    auto candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "/usr/bin/" + name;
}

std::string join(const std::vector<std::string>& parts, char sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out.push_back(sep);
    out += p;
  }
  return out;
}

bool is_account_id(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Names Lambda reserves: a function's own variables do not replace them.
const std::set<std::string, std::less<>> kReserved{
    "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR"};

}  // namespace

const std::vector<std::string>& supported_runtimes() {
  static const std::vector<std::string> names{"nodejs22.x", "nodejs20.x", "nodejs18.x", "nodejs16.x", "nodejs14.x", "nodejs12.x",
                                              "python3.13", "python3.12", "python3.11", "python3.10", "python3.9", "python3.8",
                                              "provided.al2023", "provided.al2", "provided"};
  return names;
}

std::optional<RuntimeInfo> runtime_info(std::string_view r) {
  const auto& names = supported_runtimes();
  if (std::find(names.begin(), names.end(), r) == names.end()) return std::nullopt;
  if (r.starts_with("nodejs")) return RuntimeInfo{Language::Node, std::stoi(std::string{r.substr(6)}), 0};
  if (r.starts_with("python3.")) return RuntimeInfo{Language::Python, 3, std::stoi(std::string{r.substr(8)})};
  return RuntimeInfo{Language::Custom, 0, 0};
}

RuntimeHost discover_runtime_host(std::string edge_url, std::string xray_daemon) {
  RuntimeHost h;
  const char* dir = std::getenv("LOCALRAY_RUNTIME_DIR");
  h.runtime_dir = dir && *dir ? dir : LOCALRAY_RUNTIME_DIR;
  h.node = find_on_path("node");
  h.python = ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : find_on_path("python3");
  h.edge_url = std::move(edge_url);
  h.xray_daemon = std::move(xray_daemon);
  return h;
}

tracing::Result<LaunchSpec> launch_spec(const FunctionSource& fn, const RuntimeHost& host) {
  auto info = runtime_info(fn.runtime);
  if (!info) return tracing::Error{"runtime " + fn.runtime + " is not supported"};
  LaunchSpec spec;
  spec.cwd = fn.code_dir;
  std::map<std::string, std::string> env;
  auto daemon_port = host.xray_daemon.substr(host.xray_daemon.rfind(':') + 1);
  std::string lang_dir;
  switch (info->language) {
    case Language::Node: {
      lang_dir = host.runtime_dir + "/node";
      spec.program = host.node;
      // As Lambda's Node runtime starts node: the heap bounded by the function's memory.
      spec.args = {host.node, "--max-old-space-size=" + std::to_string(fn.memory_mb * 9 / 10), lang_dir + "/bootstrap.js"};
      spec.marks_output_ends = true;
      // What Lambda puts on the module path: layers first, then the SDK the runtime bundles.
      std::vector<std::string> paths;
      for (const auto& l : fn.layer_dirs) {
        paths.push_back(l + "/nodejs/node" + std::to_string(info->major) + "/node_modules");
        paths.push_back(l + "/nodejs/node_modules");
      }
      paths.push_back(lang_dir + (info->major <= 16 ? "/sdk-v2/node_modules" : "/sdk-v3/node_modules"));
      env["NODE_PATH"] = join(paths, ':');
      env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + fn.runtime;
      break;
    }
    case Language::Python: {
      lang_dir = host.runtime_dir + "/python";
      spec.program = host.python;
      spec.args = {host.python, lang_dir + "/bootstrap.py"};
      spec.marks_output_ends = true;
      std::vector<std::string> paths;
      auto version = "python" + std::to_string(info->major) + "." + std::to_string(info->minor);
      for (const auto& l : fn.layer_dirs) {
        paths.push_back(l + "/python/lib/" + version + "/site-packages");
        paths.push_back(l + "/python");
      }
      env["PYTHONPATH"] = join(paths, ':');
      // Lines reach localray as they are printed, so each lands in its invocation's log.
      env["PYTHONUNBUFFERED"] = "1";
      env["AWS_EXECUTION_ENV"] = "AWS_Lambda_" + fn.runtime;
      break;
    }
    case Language::Custom: {
      lang_dir = host.runtime_dir;
      // Lambda looks for the function's bootstrap, then a layer's.
      std::vector<std::string> candidates{fn.code_dir + "/bootstrap"};
      for (const auto& l : fn.layer_dirs) candidates.push_back(l + "/bootstrap");
      spec.program = candidates.front();
      for (const auto& c : candidates)
        if (::access(c.c_str(), X_OK) == 0) {
          spec.program = c;
          break;
        }
      spec.args = {spec.program};
      break;
    }
  }
  env["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  if (info->language == Language::Node) {
    auto node_dir = fs::path{host.node}.parent_path().string();
    if (node_dir != "/usr/bin" && node_dir != "/bin" && node_dir != "/usr/local/bin") env["PATH"] = node_dir + ":" + env["PATH"];
  }
  env["LANG"] = "en_US.UTF-8";
  env["TZ"] = ":UTC";
  env["LAMBDA_TASK_ROOT"] = fn.code_dir;
  env["LAMBDA_RUNTIME_DIR"] = lang_dir;
  env["_HANDLER"] = fn.handler;
  env["AWS_LAMBDA_FUNCTION_NAME"] = fn.name;
  env["AWS_LAMBDA_FUNCTION_VERSION"] = "$LATEST";
  env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = std::to_string(fn.memory_mb);
  env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + fn.name;
  env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
  env["AWS_REGION"] = fn.region;
  env["AWS_DEFAULT_REGION"] = fn.region;
  // A twelve-digit access key names its account at localray's edge: the function's calls land in
  // its own account.
  env["AWS_ACCESS_KEY_ID"] = is_account_id(fn.account) ? fn.account : "test";
  env["AWS_SECRET_ACCESS_KEY"] = "test";
  env["AWS_SESSION_TOKEN"] = kFunctionSessionToken;
  env["AWS_XRAY_DAEMON_ADDRESS"] = host.xray_daemon;
  env["_AWS_XRAY_DAEMON_ADDRESS"] = host.xray_daemon.substr(0, host.xray_daemon.rfind(':'));
  env["_AWS_XRAY_DAEMON_PORT"] = daemon_port;
  env["AWS_XRAY_CONTEXT_MISSING"] = "LOG_ERROR";
  // Read by the AWS SDK for JavaScript v3 and boto3 1.28+; the bootstraps point older SDKs here too.
  env["AWS_ENDPOINT_URL"] = host.edge_url;
  env["LOCALRAY_ENDPOINT"] = host.edge_url;
  // What OpenTelemetry SDKs read, set as ADOT's Lambda layers set it: spans go to localray's OTLP
  // receiver, named for the function. The X-Ray propagator only for a function that switches ADOT
  // on (AWS_LAMBDA_EXEC_WRAPPER): an SDK without it installed refuses to start (Python) or warns.
  // The function's own values win.
  env["OTEL_EXPORTER_OTLP_ENDPOINT"] = host.edge_url;
  if (fn.environment.count("AWS_LAMBDA_EXEC_WRAPPER")) env["OTEL_PROPAGATORS"] = "xray";
  env["OTEL_SERVICE_NAME"] = fn.name;
  env["OTEL_RESOURCE_ATTRIBUTES"] = "cloud.provider=aws,cloud.region=" + fn.region + ",cloud.account.id=" + fn.account +
                                    ",faas.name=" + fn.name + ",faas.version=$LATEST";
  for (const auto& [k, v] : fn.environment)
    if (!kReserved.contains(k)) env[k] = v;
  for (const auto& [k, v] : env) spec.env.push_back(k + "=" + v);
  return spec;
}

}  // namespace localray::functions::runtime
