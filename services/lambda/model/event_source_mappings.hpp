#pragma once
// Event source mappings seen from the Lambda API. The mapping itself polls another service, so
// the emulator's wiring implements this interface; the Lambda codec only calls it.
#include <string>
#include <vector>

#include "services/lambda/model/error.hpp"

namespace localray::lambda::model {

struct MappingInfo {
  std::string uuid;
  std::string event_source_arn;
  std::string function_arn;
  int batch_size = 10;
  std::string state = "Enabled";
  double last_modified = 0;  // epoch seconds
};

class EventSourceMappings {
 public:
  virtual ~EventSourceMappings() = default;
  virtual Result<MappingInfo> create(const std::string& event_source_arn, const std::string& function, int batch_size) = 0;
  virtual std::vector<MappingInfo> list() const = 0;
  virtual Result<MappingInfo> remove(const std::string& uuid) = 0;
};

}  // namespace localray::lambda::model
