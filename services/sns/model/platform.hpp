#pragma once
// Platform applications (mobile push: APNS, FCM as "GCM", ADM, Baidu, MPNS, WNS) and their device
// endpoints, as CreatePlatformApplication and CreatePlatformEndpoint make them. localray cannot
// reach a push service: what SNS would push to an endpoint is recorded in SentMessages instead
// (protocol "application"). Thread-safe: the calls come from any of the edge's threads, topics
// deliver from their strands.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "services/sns/model/error.hpp"

namespace localray::sns::model {

using StringMap = std::map<std::string, std::string>;

struct PlatformApplication {
  std::string arn;       // arn:aws:sns:<region>:<account>:app/<platform>/<name>
  std::string platform;  // GCM, APNS, ...
  StringMap attributes;  // as set, credentials included
};

struct PlatformEndpoint {
  std::string arn;  // arn:aws:sns:<region>:<account>:endpoint/<platform>/<app name>/<uuid>
  std::string application_arn;
  std::string platform;
  StringMap attributes;  // Token, Enabled, CustomUserData
  bool enabled() const;
};

// The platform an endpoint ARN names (its resource's second part), "" when it names none: the key
// a MessageStructure=json message is chosen by for this endpoint.
std::string platform_of_endpoint(std::string_view endpoint_arn);
// SNS's parse of a PlatformApplicationArn (`slashes` 2) or EndpointArn (3): InvalidParameter
// naming `parameter` when it is not one.
Result<void> check_platform_arn(std::string_view arn, std::string_view parameter, int slashes);

// Told of each change to an application or its endpoints, with the application's whole state, under
// the registry's lock (so that changes are told in the order they were made); --persist keeps them.
class PlatformChanges {
 public:
  virtual ~PlatformChanges() = default;
  virtual void application_changed(const PlatformApplication& app, const std::vector<PlatformEndpoint>& endpoints) = 0;
  virtual void application_removed(const std::string& arn) = 0;
};

class PlatformApplications {
 public:
  PlatformApplications(std::string region, std::string account) : region_{std::move(region)}, account_{std::move(account)} {}

  // Creating an application of a name again replaces its attributes and keeps its endpoints.
  Result<std::string> create_application(const std::string& name, const std::string& platform, const StringMap& attributes);
  // Enabled, and every attribute set but the credentials.
  Result<StringMap> application_attributes(const std::string& arn) const;
  Result<void> set_application_attributes(const std::string& arn, const StringMap& attributes);
  std::vector<PlatformApplication> applications() const;  // by ARN
  // Idempotent; the application's endpoints go with it.
  void delete_application(const std::string& arn);

  // Idempotent for the same token and attributes (CustomUserData in `attributes` wins over
  // `custom_user_data`); the same token with other attributes is refused. `id` names a new endpoint.
  Result<std::string> create_endpoint(const std::string& application_arn, const std::string& token, std::optional<std::string> custom_user_data,
                                      StringMap attributes, const std::string& id);
  Result<std::vector<PlatformEndpoint>> endpoints_of(const std::string& application_arn) const;  // by ARN
  std::optional<PlatformEndpoint> endpoint(const std::string& arn) const;
  Result<void> set_endpoint_attributes(const std::string& arn, const StringMap& attributes);
  void delete_endpoint(const std::string& arn);  // idempotent

  // Set before the first change (--persist).
  void set_changes(std::shared_ptr<PlatformChanges> changes) { changes_ = std::move(changes); }
  // Puts back an application and its endpoints as a copy kept them (not reported as a change).
  void restore(PlatformApplication app, std::vector<PlatformEndpoint> endpoints);

 private:
  void report(const std::string& application_arn) const;  // under mutex_

  std::shared_ptr<PlatformChanges> changes_;
  mutable std::mutex mutex_;
  std::string region_, account_;
  std::map<std::string, PlatformApplication> applications_;  // by ARN
  std::map<std::string, PlatformEndpoint> endpoints_;        // by ARN
};

}  // namespace localray::sns::model
