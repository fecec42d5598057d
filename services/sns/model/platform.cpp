#include "services/sns/model/platform.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace localray::sns::model {

namespace {

// CreatePlatformApplication's Platform values.
constexpr std::array<std::string_view, 11> kPlatforms = {"ADM",  "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "MACOS",
                                                         "MACOS_SANDBOX", "BAIDU", "GCM", "MPNS", "WNS"};
// The attributes SetPlatformApplicationAttributes documents.
constexpr std::array<std::string_view, 11> kApplicationAttributes = {
    "PlatformCredential",     "PlatformPrincipal",    "EventEndpointCreated",      "EventEndpointDeleted",
    "EventEndpointUpdated",   "EventDeliveryFailure", "SuccessFeedbackRoleArn",    "FailureFeedbackRoleArn",
    "SuccessFeedbackSampleRate", "ApplePlatformTeamID", "ApplePlatformBundleID"};
constexpr std::size_t kMaxCustomUserData = 2048;
constexpr std::size_t kMaxApplicationName = 256;

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

Error invalid_attributes(const std::string& reason) { return {Code::InvalidParameter, "Invalid parameter: Attributes Reason: " + reason}; }

Result<void> check_application_attributes(const StringMap& attributes) {
  for (const auto& [name, value] : attributes)
    if (!one_of(kApplicationAttributes, name)) return invalid_attributes("Invalid attribute name: " + name);
  return {};
}

// Endpoint attributes: their names, CustomUserData's length, Enabled's value. Enabled is kept as
// "true" or "false" whatever its case.
Result<void> normalise_endpoint_attributes(StringMap& attributes) {
  for (auto& [name, value] : attributes) {
    if (name != "CustomUserData" && name != "Enabled" && name != "Token") return invalid_attributes("Invalid attribute name: " + name);
    if (name == "CustomUserData" && value.size() > kMaxCustomUserData)
      return invalid_attributes("Invalid value for attribute: CustomUserData: must be at most 2048 bytes long in UTF-8 encoding");
    if (name == "Enabled") {
      std::string lower = value;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower != "true" && lower != "false") return invalid_attributes("Invalid value for attribute: Enabled: must be true or false");
      value = lower;
    }
  }
  return {};
}

std::string resource_of(std::string_view arn) {
  std::size_t at = std::string_view::npos;
  for (int i = 0; i < 5; ++i) {
    at = arn.find(':', at == std::string_view::npos ? 0 : at + 1);
    if (at == std::string_view::npos) return {};
  }
  return std::string{arn.substr(at + 1)};
}

}  // namespace

bool PlatformEndpoint::enabled() const {
  auto it = attributes.find("Enabled");
  return it == attributes.end() || it->second != "false";
}

std::string platform_of_endpoint(std::string_view endpoint_arn) {
  auto resource = resource_of(endpoint_arn);
  if (!resource.starts_with("endpoint/")) return {};
  auto platform = resource.substr(9);
  return platform.substr(0, platform.find('/'));
}

Result<void> check_platform_arn(std::string_view arn, std::string_view parameter, int slashes) {
  const std::string prefix = "Invalid parameter: " + std::string{parameter} + " Reason: ";
  auto elements = 1 + std::count(arn.begin(), arn.end(), ':');
  if (elements < 6) return Error{Code::InvalidParameter, prefix + "An ARN must have at least 6 elements, not " + std::to_string(elements)};
  auto resource = resource_of(arn);
  if (std::count(resource.begin(), resource.end(), '/') != slashes)
    return Error{Code::InvalidParameter, prefix + "Wrong number of slashes in relative portion of the ARN."};
  return {};
}

Result<std::string> PlatformApplications::create_application(const std::string& name, const std::string& platform, const StringMap& attributes) {
  const std::string about_name = "Invalid parameter: " + name + " Reason: ";
  if (name.empty()) return Error{Code::InvalidParameter, about_name + "cannot be empty"};
  if (name.size() > kMaxApplicationName) return Error{Code::InvalidParameter, about_name + "must be at most 256 characters long"};
  if (!std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; }))
    return Error{Code::InvalidParameter, about_name + "must contain only characters 'a'-'z', 'A'-'Z', '0'-'9', '_', '-', and '.'"};
  if (!one_of(kPlatforms, platform)) return Error{Code::InvalidParameter, "Invalid parameter: Platform Reason: " + platform + " is not supported"};
  bool principal = attributes.contains("PlatformPrincipal"), credential = attributes.contains("PlatformCredential");
  if (principal && !credential) return invalid_attributes("PlatformPrincipal attribute provided without PlatformCredential");
  // FCM authenticates with its credential alone; the other services pair it with a principal.
  if (credential && !principal && platform != "GCM") return invalid_attributes("PlatformCredential attribute provided without PlatformPrincipal");
  if (auto ok = check_application_attributes(attributes); !ok) return ok.error();

  std::string arn = "arn:aws:sns:" + region_ + ":" + account_ + ":app/" + platform + "/" + name;
  std::lock_guard lock{mutex_};
  applications_[arn] = PlatformApplication{arn, platform, attributes};
  report(arn);
  return arn;
}

Result<StringMap> PlatformApplications::application_attributes(const std::string& arn) const {
  std::lock_guard lock{mutex_};
  auto it = applications_.find(arn);
  if (it == applications_.end()) return Error{Code::NotFound, "PlatformApplication does not exist"};
  StringMap out{{"Enabled", "true"}};
  for (const auto& [name, value] : it->second.attributes)
    if (name != "PlatformCredential" && name != "PlatformPrincipal") out[name] = value;
  return out;
}

Result<void> PlatformApplications::set_application_attributes(const std::string& arn, const StringMap& attributes) {
  std::lock_guard lock{mutex_};
  auto it = applications_.find(arn);
  if (it == applications_.end()) return Error{Code::NotFound, "PlatformApplication does not exist"};
  if (auto ok = check_application_attributes(attributes); !ok) return ok.error();
  for (const auto& [name, value] : attributes) it->second.attributes[name] = value;
  report(arn);
  return {};
}

std::vector<PlatformApplication> PlatformApplications::applications() const {
  std::lock_guard lock{mutex_};
  std::vector<PlatformApplication> out;
  for (const auto& [arn, app] : applications_) out.push_back(app);
  return out;
}

void PlatformApplications::delete_application(const std::string& arn) {
  std::lock_guard lock{mutex_};
  std::erase_if(endpoints_, [&](const auto& e) { return e.second.application_arn == arn; });
  if (applications_.erase(arn) > 0 && changes_) changes_->application_removed(arn);
}

Result<std::string> PlatformApplications::create_endpoint(const std::string& application_arn, const std::string& token,
                                                          std::optional<std::string> custom_user_data, StringMap attributes, const std::string& id) {
  if (auto ok = normalise_endpoint_attributes(attributes); !ok) return ok.error();
  if (custom_user_data && !attributes.contains("CustomUserData")) {
    if (custom_user_data->size() > kMaxCustomUserData)
      return Error{Code::InvalidParameter, "Invalid parameter: CustomUserData Reason: must be at most 2048 bytes long in UTF-8 encoding"};
    attributes["CustomUserData"] = *custom_user_data;
  }
  attributes["Token"] = token;
  if (!attributes.contains("Enabled")) attributes["Enabled"] = "true";

  std::lock_guard lock{mutex_};
  auto app = applications_.find(application_arn);
  if (app == applications_.end()) return Error{Code::NotFound, "PlatformApplication does not exist"};
  for (const auto& [arn, e] : endpoints_) {
    auto held = e.attributes.find("Token");
    if (e.application_arn != application_arn || held == e.attributes.end() || held->second != token) continue;
    if (e.attributes == attributes) return arn;
    return Error{Code::InvalidParameter, "Invalid parameter: Token Reason: Endpoint " + arn + " already exists with the same Token, but different attributes."};
  }
  auto app_name = application_arn.substr(application_arn.rfind('/') + 1);
  std::string arn = "arn:aws:sns:" + region_ + ":" + account_ + ":endpoint/" + app->second.platform + "/" + app_name + "/" + id;
  endpoints_[arn] = PlatformEndpoint{arn, application_arn, app->second.platform, std::move(attributes)};
  report(application_arn);
  return arn;
}

Result<std::vector<PlatformEndpoint>> PlatformApplications::endpoints_of(const std::string& application_arn) const {
  std::lock_guard lock{mutex_};
  if (!applications_.contains(application_arn)) return Error{Code::NotFound, "PlatformApplication does not exist"};
  std::vector<PlatformEndpoint> out;
  for (const auto& [arn, e] : endpoints_)
    if (e.application_arn == application_arn) out.push_back(e);
  return out;
}

std::optional<PlatformEndpoint> PlatformApplications::endpoint(const std::string& arn) const {
  std::lock_guard lock{mutex_};
  auto it = endpoints_.find(arn);
  if (it == endpoints_.end()) return std::nullopt;
  return it->second;
}

Result<void> PlatformApplications::set_endpoint_attributes(const std::string& arn, const StringMap& attributes) {
  StringMap checked = attributes;
  if (auto ok = normalise_endpoint_attributes(checked); !ok) return ok.error();
  std::lock_guard lock{mutex_};
  auto it = endpoints_.find(arn);
  if (it == endpoints_.end()) return Error{Code::NotFound, "Endpoint does not exist"};
  for (const auto& [name, value] : checked) it->second.attributes[name] = value;
  report(it->second.application_arn);
  return {};
}

void PlatformApplications::delete_endpoint(const std::string& arn) {
  std::lock_guard lock{mutex_};
  auto it = endpoints_.find(arn);
  if (it == endpoints_.end()) return;
  auto app = it->second.application_arn;
  endpoints_.erase(it);
  report(app);
}

void PlatformApplications::restore(PlatformApplication app, std::vector<PlatformEndpoint> endpoints) {
  std::lock_guard lock{mutex_};
  for (auto& e : endpoints) endpoints_[e.arn] = std::move(e);
  applications_[app.arn] = std::move(app);
}

void PlatformApplications::report(const std::string& application_arn) const {
  if (!changes_) return;
  auto app = applications_.find(application_arn);
  if (app == applications_.end()) return;
  std::vector<PlatformEndpoint> endpoints;
  for (const auto& [arn, e] : endpoints_)
    if (e.application_arn == application_arn) endpoints.push_back(e);
  changes_->application_changed(app->second, endpoints);
}

}  // namespace localray::sns::model
