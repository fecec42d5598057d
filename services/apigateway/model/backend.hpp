#pragma once
// The REST APIs of one account and region, by id. Safe from any thread: an API is registered
// whole and served as it was registered.
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "services/apigateway/model/rest_api.hpp"

namespace localray::apigateway::model {

class Backend {
 public:
  Backend(std::string region, std::string account) : region_{std::move(region)}, account_{std::move(account)} {}

  tracing::Result<void> add(std::shared_ptr<const RestApi> api);
  // Requests already being served by it finish; new ones no longer find it.
  void remove(std::string_view id);
  std::shared_ptr<const RestApi> find(std::string_view id) const;
  std::vector<std::shared_ptr<const RestApi>> list() const;  // by id

  const std::string& region() const { return region_; }
  const std::string& account() const { return account_; }

 private:
  std::string region_, account_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, std::shared_ptr<const RestApi>, std::less<>> apis_;
};

}  // namespace localray::apigateway::model
