#include "tests/integration/nodejs_pattern.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace localray::testing {

std::string nodejs_pattern_config(const std::filesystem::path& dir, std::chrono::seconds timeout) {
  auto shipped = std::filesystem::path{LOCALRAY_SOURCE_DIR} / "config" / "xray-tracer-nodejs.json";
  std::ifstream in{shipped};
  auto config = nlohmann::json::parse(in, nullptr, false);
  if (config.is_discarded() || !config.contains("functions")) throw std::runtime_error{"cannot read " + shipped.string()};
  for (auto& fn : config.at("functions")) {
    fn["code"] = std::filesystem::weakly_canonical(shipped.parent_path() / fn.at("code").get<std::string>()).string();
    fn["timeout"] = std::max<long long>(fn.value("timeout", 3), timeout.count());
  }
  std::filesystem::create_directories(dir);
  auto path = dir / "xray-tracer-nodejs.json";
  std::ofstream{path} << config.dump(2);
  return path.string();
}

}  // namespace localray::testing
