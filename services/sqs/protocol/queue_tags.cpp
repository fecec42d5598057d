#include "services/sqs/protocol/queue_tags.hpp"

namespace localray::sqs::protocol {

model::Result<void> merge_tags(std::map<std::string, std::string>& into, const std::map<std::string, std::string>& tags,
                               const std::string& queue_name) {
  auto merged = into;
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > kMaxTagKeyLength)
      return model::Error{model::Code::InvalidParameterValue, "Tag keys must be between 1 and 128 characters in length."};
    if (v.size() > kMaxTagValueLength)
      return model::Error{model::Code::InvalidParameterValue, "Tag values must be between 0 and 256 characters in length."};
    if (k.starts_with("aws:")) return model::Error{model::Code::InvalidParameterValue, "Tag keys may not start with aws:."};
    merged[k] = v;
  }
  if (merged.size() > kMaxTagsPerQueue)
    return model::Error{model::Code::InvalidParameterValue, "Too many tags added for queue " + queue_name + "."};
  into = std::move(merged);
  return {};
}

}  // namespace localray::sqs::protocol
