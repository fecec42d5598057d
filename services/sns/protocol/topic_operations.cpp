// CreateTopic, DeleteTopic, ListTopics, GetTopicAttributes, SetTopicAttributes.
#include "http/base64.hpp"
#include "services/sns/protocol/attribute_lists.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/protocol/request_params.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol::ops {

namespace asio = boost::asio;

asio::awaitable<Outcome> create_topic(const Call& c) {
  auto name = required(c.params, "Name", "name");
  if (!name) co_return name.error();
  auto tags = tag_list(c.params);
  if (!tags) co_return tags.error();
  // Named, not made inside the co_await: GCC 12 destroys such temporaries twice.
  auto attributes = string_map(c.params, "Attributes");
  auto arn = co_await c.backend.create_topic(*name, std::move(attributes), *tags);
  if (!arn) co_return arn.error();
  co_return XmlWriter{}.element("TopicArn", *arn).str();
}

asio::awaitable<Outcome> delete_topic(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  if (auto r = co_await c.backend.delete_topic(*arn); !r) co_return r.error();
  co_return std::string{};
}

asio::awaitable<Outcome> list_topics(const Call& c) {
  auto start = page_start(c.params);
  if (!start) co_return start.error();
  auto arns = c.backend.topic_arns();
  XmlWriter xml;
  xml.open("Topics");
  for (std::size_t i = *start; i < arns.size() && i < *start + kPageSize; ++i) xml.open("member").element("TopicArn", arns[i]).close("member");
  xml.close("Topics");
  if (*start + kPageSize < arns.size()) xml.element("NextToken", http::base64_encode(std::to_string(*start + kPageSize)));
  co_return xml.str();
}

asio::awaitable<Outcome> get_topic_attributes(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  auto t = co_await c.backend.get_topic_attributes(*arn);
  if (!t) co_return t.error();
  XmlWriter xml;
  write_attributes(xml, topic_attributes(*t));
  co_return xml.str();
}

asio::awaitable<Outcome> set_topic_attributes(const Call& c) {
  auto arn = required_arn(c.params, "TopicArn");
  if (!arn) co_return arn.error();
  auto name = required(c.params, "AttributeName", "attributeName");
  if (!name) co_return name.error();
  std::string value{c.params.get("AttributeValue").value_or("")};
  auto r = co_await c.backend.set_topic_attribute(*arn, *name, std::move(value));
  if (!r) co_return r.error();
  co_return std::string{};
}

}  // namespace localray::sns::protocol::ops
