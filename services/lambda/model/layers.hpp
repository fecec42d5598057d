#pragma once
// Lambda layers of one account and region: each published version is immutable, numbered from 1
// per name, and names the folder its content was unpacked into (what /opt holds on Lambda).
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/lambda/model/error.hpp"

namespace localray::lambda::model {

struct LayerVersion {
  std::string name;
  int version = 0;
  std::string layer_arn;    // arn:aws:lambda:REGION:ACCOUNT:layer:NAME
  std::string version_arn;  // ...:NAME:VERSION
  std::string location;     // the unpacked folder
  std::string sha256;
  std::int64_t size = 0;
  std::string description;
  std::vector<std::string> compatible_runtimes;
  std::string license;
  std::string created;  // ISO 8601
};

class Layers {
 public:
  Layers(std::string region, std::string account) : region_{std::move(region)}, account_{std::move(account)} {}

  // Takes the next version number of `name` (numbers are never reused).
  int reserve_version(const std::string& name);
  LayerVersion publish(LayerVersion v);  // v.version reserved; fills the ARNs
  Result<LayerVersion> get(const std::string& name, int version) const;
  // A version ARN of this account and region; layers of other accounts are not shared here.
  Result<LayerVersion> find(const std::string& version_arn) const;
  std::vector<LayerVersion> versions(const std::string& name) const;  // newest first
  std::vector<LayerVersion> latest() const;                            // one per name
  Result<void> remove(const std::string& name, int version);
  // Puts back a version a copy kept (ARNs filled); later versions of its name number after it.
  void restore(LayerVersion v);

  std::string layer_arn(const std::string& name) const { return "arn:aws:lambda:" + region_ + ":" + account_ + ":layer:" + name; }

 private:
  std::string region_, account_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<int, LayerVersion>> layers_;
  std::map<std::string, int> last_version_;  // numbers are not reused after a delete
};

}  // namespace localray::lambda::model
