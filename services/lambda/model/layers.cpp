#include "services/lambda/model/layers.hpp"

#include <algorithm>

namespace localray::lambda::model {

namespace {
Error no_such_version(const std::string& what) {
  return Error{Code::ResourceNotFound, "The resource you requested does not exist. (" + what + ")"};
}
}  // namespace

int Layers::reserve_version(const std::string& name) {
  std::lock_guard lock{mutex_};
  return ++last_version_[name];
}

LayerVersion Layers::publish(LayerVersion v) {
  std::lock_guard lock{mutex_};
  v.layer_arn = layer_arn(v.name);
  v.version_arn = v.layer_arn + ":" + std::to_string(v.version);
  layers_[v.name][v.version] = v;
  return v;
}

Result<LayerVersion> Layers::get(const std::string& name, int version) const {
  std::lock_guard lock{mutex_};
  auto it = layers_.find(name);
  if (it == layers_.end()) return no_such_version(layer_arn(name) + ":" + std::to_string(version));
  auto v = it->second.find(version);
  if (v == it->second.end()) return no_such_version(layer_arn(name) + ":" + std::to_string(version));
  return v->second;
}

Result<LayerVersion> Layers::find(const std::string& version_arn) const {
  auto prefix = layer_arn("");
  auto colon = version_arn.rfind(':');
  if (!version_arn.starts_with(prefix) || colon == std::string::npos || colon < prefix.size())
    return Error{Code::InvalidParameterValue, "Layer version " + version_arn + " does not exist."};
  std::string name = version_arn.substr(prefix.size(), colon - prefix.size());
  int version = 0;
  try {
    version = std::stoi(version_arn.substr(colon + 1));
  } catch (const std::exception&) {
    return Error{Code::InvalidParameterValue, "Layer version " + version_arn + " does not exist."};
  }
  auto v = get(name, version);
  if (!v) return Error{Code::InvalidParameterValue, "Layer version " + version_arn + " does not exist."};
  return v;
}

std::vector<LayerVersion> Layers::versions(const std::string& name) const {
  std::lock_guard lock{mutex_};
  std::vector<LayerVersion> out;
  if (auto it = layers_.find(name); it != layers_.end())
    for (auto v = it->second.rbegin(); v != it->second.rend(); ++v) out.push_back(v->second);
  return out;
}

std::vector<LayerVersion> Layers::latest() const {
  std::lock_guard lock{mutex_};
  std::vector<LayerVersion> out;
  for (const auto& [name, versions] : layers_)
    if (!versions.empty()) out.push_back(versions.rbegin()->second);
  return out;
}

void Layers::restore(LayerVersion v) {
  std::lock_guard lock{mutex_};
  auto& last = last_version_[v.name];
  last = std::max(last, v.version);
  layers_[v.name][v.version] = std::move(v);
}

Result<void> Layers::remove(const std::string& name, int version) {
  std::lock_guard lock{mutex_};
  // Deleting a version that is not there succeeds, as on Lambda.
  if (auto it = layers_.find(name); it != layers_.end()) it->second.erase(version);
  return {};
}

}  // namespace localray::lambda::model
