#include "services/sns/model/sent_messages.hpp"

namespace localray::sns::model {

namespace {
std::size_t size_of(const SentMessage& m) {
  std::size_t n = m.body.size() + m.endpoint.size() + m.topic_arn.size() + m.subscription_arn.size() + m.token.size();
  for (const auto& [name, a] : m.attributes) n += name.size() + a.data_type.size() + a.value.size();
  return n;
}
}  // namespace

void SentMessages::add(SentMessage m) {
  std::lock_guard lock{mutex_};
  bytes_ += size_of(m);
  kept_.push_back(std::move(m));
  while (kept_.size() > 1 && (kept_.size() > kKept || bytes_ > kKeptBytes)) {
    bytes_ -= size_of(kept_.front());
    kept_.pop_front();
  }
}

std::vector<SentMessage> SentMessages::newest_first(std::string_view topic, std::string_view endpoint, std::size_t limit) const {
  std::vector<SentMessage> out;
  std::lock_guard lock{mutex_};
  for (auto it = kept_.rbegin(); it != kept_.rend() && out.size() < limit; ++it)
    if ((topic.empty() || it->topic_arn == topic) && (endpoint.empty() || it->endpoint == endpoint)) out.push_back(*it);
  return out;
}

}  // namespace localray::sns::model
