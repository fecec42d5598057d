#pragma once
// Lambda's runtimes by their AWS names, and how each starts on this machine: the interpreter that
// is here (the machine's node, Debian's python3) or the function's own `bootstrap`, with the
// environment AWS gives a function and what makes unmodified code reach localray.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "functions/runtime/process.hpp"

namespace localray::functions::runtime {

// The session token a worker's AWS SDK signs with: the edge tells a function's own calls by it
// while localray stops (they are served, other callers are told to go away).
inline constexpr const char* kFunctionSessionToken = "localray-function";

enum class Language { Node, Python, Custom };

struct RuntimeInfo {
  Language language;
  int major = 0, minor = 0;  // nodejsNN.x: major; pythonX.Y: both
};

// nullopt for a name Lambda does not know or localray cannot run.
std::optional<RuntimeInfo> runtime_info(std::string_view runtime);
// The names accepted, in AWS's order, for the validation message.
const std::vector<std::string>& supported_runtimes();

// Where localray finds what runtimes need, and what functions must reach.
struct RuntimeHost {
  std::string runtime_dir;  // functions/runtime: the bootstraps and the SDK folders
  std::string node;         // executables
  std::string python;
  std::string edge_url;     // every AWS call goes here
  std::string xray_daemon;  // host:port of the UDP receiver
};

// Finds node and python3 (Debian's /usr/bin/python3 first: it has boto3) and the runtime folder
// (LOCALRAY_RUNTIME_DIR, else the one this build was made from).
RuntimeHost discover_runtime_host(std::string edge_url, std::string xray_daemon);

struct FunctionSource {
  std::string name;
  std::string runtime;
  std::string handler;   // AWS's form: "index.handler", "app/main.lambda_handler"
  std::string code_dir;  // the task root
  std::vector<std::string> layer_dirs;  // each what /opt holds for one layer, in the function's order
  std::map<std::string, std::string> environment;
  int memory_mb = 128;
  std::string region, account;
};

tracing::Result<LaunchSpec> launch_spec(const FunctionSource& fn, const RuntimeHost& host);

}  // namespace localray::functions::runtime
