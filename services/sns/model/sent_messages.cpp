#include "services/sns/model/sent_messages.hpp"

namespace localray::sns::model {

void SentMessages::add(SentMessage m) {
  std::lock_guard lock{mutex_};
  kept_.push_back(std::move(m));
  if (kept_.size() > kKept) kept_.pop_front();
}

std::vector<SentMessage> SentMessages::newest_first(std::string_view topic, std::string_view endpoint, std::size_t limit) const {
  std::vector<SentMessage> out;
  std::lock_guard lock{mutex_};
  for (auto it = kept_.rbegin(); it != kept_.rend() && out.size() < limit; ++it)
    if ((topic.empty() || it->topic_arn == topic) && (endpoint.empty() || it->endpoint == endpoint)) out.push_back(*it);
  return out;
}

}  // namespace localray::sns::model
