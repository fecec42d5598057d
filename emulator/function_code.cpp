#include "emulator/function_code.hpp"

#include <filesystem>

#include <unistd.h>

#include "functions/runtime/code_package.hpp"
#include "functions/runtime/worker_pool.hpp"

namespace localray::emulator {

namespace fs = std::filesystem;
using lambda::model::Code;
using lambda::model::Error;

std::string code_root_for(const std::string& db_path) {
  if (db_path == ":memory:" || db_path.empty())
    return (fs::temp_directory_path() / ("localray-" + std::to_string(::getpid())) / "functions").string();
  return (fs::absolute(db_path).parent_path() / "functions").string();
}

WorkerCodeRunners::WorkerCodeRunners(WorkerSettings settings, std::string code_root, base::Scope scope, bool keep_folders)
    : settings_{std::move(settings)}, code_root_{std::move(code_root)}, scope_{std::move(scope)}, keep_folders_{keep_folders} {}

lambda::model::Result<lambda::model::DeployedCode> WorkerCodeRunners::deploy(const lambda::model::FunctionConfig& config,
                                                                             const lambda::model::CodeSource& code) {
  if (!code.folder.empty()) {
    std::error_code ec;
    if (!fs::path{code.folder}.is_absolute() || !fs::is_directory(code.folder, ec))
      return Error{Code::InvalidParameterValue, "S3Key must name an existing folder on this machine by its absolute path: " + code.folder};
    return lambda::model::DeployedCode{fs::path{code.folder}.lexically_normal().string(), "", 0};
  }
  // Each deployment in a folder of its own: workers of the version before finish in theirs.
  auto base = fs::path{code_root_} / scope_.account / scope_.region / config.name;
  auto folder = base / std::to_string(++deployments_);
  std::error_code ec;
  while (keep_folders_ && fs::exists(folder, ec)) folder = base / std::to_string(++deployments_);
  auto unpacked = functions::runtime::unpack_zip(code.zip, folder.string());
  if (!unpacked) return Error{Code::InvalidParameterValue, unpacked.error().message};
  return lambda::model::DeployedCode{unpacked->folder, unpacked->sha256_base64, static_cast<std::int64_t>(unpacked->zip_size)};
}

lambda::model::Result<lambda::model::DeployedCode> WorkerCodeRunners::deploy_layer(const std::string& name, int version,
                                                                                   const std::string& zip) {
  auto folder = fs::path{code_root_} / scope_.account / scope_.region / "layers" / name / std::to_string(version);
  auto unpacked = functions::runtime::unpack_zip(zip, folder.string());
  if (!unpacked) return Error{Code::InvalidParameterValue, unpacked.error().message};
  return lambda::model::DeployedCode{unpacked->folder, unpacked->sha256_base64, static_cast<std::int64_t>(unpacked->zip_size)};
}

lambda::model::Result<std::shared_ptr<lambda::model::Handler>> WorkerCodeRunners::handler(const lambda::model::FunctionConfig& config) {
  return worker_handler(settings_, config, scope_);
}

lambda::model::Result<std::shared_ptr<lambda::model::Handler>> worker_handler(const WorkerSettings& settings,
                                                                              const lambda::model::FunctionConfig& config,
                                                                              const base::Scope& scope) {
  if (!functions::runtime::runtime_info(config.runtime)) {
    std::string names;
    for (const auto& n : functions::runtime::supported_runtimes()) names += (names.empty() ? "" : ", ") + n;
    return Error{Code::InvalidParameterValue, "Value '" + config.runtime +
                                                  "' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [" + names + "]"};
  }
  functions::runtime::FunctionSource src;
  src.name = config.name;
  src.runtime = config.runtime;
  src.handler = config.handler;
  src.code_dir = config.code_location;
  src.environment = config.environment;
  src.memory_mb = config.memory_mb;
  for (const auto& layer : config.layers) src.layer_dirs.push_back(layer.location);
  src.region = scope.region;
  src.account = scope.account;
  auto launch = functions::runtime::launch_spec(src, settings.host);
  if (!launch) return Error{Code::InvalidParameterValue, launch.error().message};
  functions::runtime::PoolLimits limits;
  limits.concurrency = std::max(config.concurrency, 1);
  limits.timeout = config.timeout;
  auto pool = std::make_shared<functions::runtime::WorkerPool>(settings.ex, config.name, std::move(*launch), limits, *settings.clock, settings.log);
  if (settings.watcher) settings.watcher->watch(config.code_location, pool, config.name);
  return std::shared_ptr<lambda::model::Handler>{std::move(pool)};
}

}  // namespace localray::emulator
