// SetSMSAttributes, GetSMSAttributes, CheckIfPhoneNumberIsOptedOut, ListPhoneNumbersOptedOut,
// OptInPhoneNumber.
#include <charconv>

#include "http/base64.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/protocol/request_params.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol::ops {

namespace asio = boost::asio;
using model::Code;
using model::Error;

namespace {

model::Result<std::string> phone_number(const Call& c) {
  auto number = c.params.get("phoneNumber");
  if (!number) return missing_member("phoneNumber");
  std::string n{*number};
  if (!model::valid_phone_number(n)) return Error{Code::InvalidParameter, "Invalid parameter: PhoneNumber Reason: input incorrectly formatted"};
  return n;
}

}  // namespace

asio::awaitable<Outcome> set_sms_attributes(const Call& c) {
  auto attributes = string_map(c.params, "attributes");
  if (attributes.empty()) co_return missing_member("attributes");
  if (auto r = c.backend.sms().set(attributes); !r) co_return r.error();
  co_return std::string{};
}

asio::awaitable<Outcome> get_sms_attributes(const Call& c) {
  XmlWriter xml;
  xml.open("attributes");
  for (const auto& [k, v] : c.backend.sms().get(c.params.list("attributes.member"))) xml.open("entry").element("key", k).element("value", v).close("entry");
  xml.close("attributes");
  co_return xml.str();
}

asio::awaitable<Outcome> check_if_phone_number_is_opted_out(const Call& c) {
  auto number = phone_number(c);
  if (!number) co_return number.error();
  co_return XmlWriter{}.element("isOptedOut", c.backend.sms().opted_out(*number) ? "true" : "false").str();
}

asio::awaitable<Outcome> list_phone_numbers_opted_out(const Call& c) {
  // Paged as ListTopics is, under SNS's member name.
  std::size_t start = 0;
  if (auto token = c.params.get("nextToken"); token && !token->empty()) {
    auto decoded = http::base64_decode(*token);
    auto [end, ec] = decoded ? std::from_chars(decoded->data(), decoded->data() + decoded->size(), start) : std::from_chars_result{};
    if (!decoded || decoded->empty() || ec != std::errc{} || end != decoded->data() + decoded->size())
      co_return Error{Code::InvalidParameter, "Invalid parameter: nextToken"};
  }
  auto numbers = c.backend.sms().opted_out_numbers();
  XmlWriter xml;
  xml.open("phoneNumbers");
  for (std::size_t i = start; i < numbers.size() && i < start + kPageSize; ++i) xml.element("member", numbers[i]);
  xml.close("phoneNumbers");
  if (start + kPageSize < numbers.size()) xml.element("nextToken", http::base64_encode(std::to_string(start + kPageSize)));
  co_return xml.str();
}

asio::awaitable<Outcome> opt_in_phone_number(const Call& c) {
  auto number = phone_number(c);
  if (!number) co_return number.error();
  c.backend.sms().opt_in(*number);
  co_return std::string{};
}

}  // namespace localray::sns::protocol::ops
