#include "services/apigateway/model/backend.hpp"

#include <mutex>

namespace localray::apigateway::model {

tracing::Result<void> Backend::add(std::shared_ptr<const RestApi> api) {
  std::unique_lock lock{mutex_};
  if (!apis_.emplace(api->id(), api).second) return tracing::Error{"a REST API with id " + api->id() + " exists already"};
  return {};
}

std::shared_ptr<const RestApi> Backend::find(std::string_view id) const {
  std::shared_lock lock{mutex_};
  auto it = apis_.find(id);
  return it == apis_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const RestApi>> Backend::list() const {
  std::shared_lock lock{mutex_};
  std::vector<std::shared_ptr<const RestApi>> out;
  for (const auto& [id, api] : apis_) out.push_back(api);
  return out;
}

void Backend::remove(std::string_view id) {
  std::unique_lock lock{mutex_};
  if (auto it = apis_.find(id); it != apis_.end()) apis_.erase(it);
}

}  // namespace localray::apigateway::model
