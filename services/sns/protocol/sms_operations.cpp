// SetSMSAttributes, GetSMSAttributes, CheckIfPhoneNumberIsOptedOut, ListPhoneNumbersOptedOut,
// OptInPhoneNumber; the SMS sandbox's calls and ListOriginationNumbers.
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

// The opt-out calls name it `phoneNumber`, the sandbox's `PhoneNumber`.
model::Result<std::string> phone_number(const Call& c, std::string_view parameter = "phoneNumber") {
  auto number = c.params.get(parameter);
  if (!number) return missing_member("phoneNumber");
  std::string n{*number};
  if (!model::valid_phone_number(n)) return Error{Code::InvalidParameter, "Invalid parameter: PhoneNumber Reason: input incorrectly formatted"};
  return n;
}

// MaxResults of a list call, checked against its bounds as SNS's validation words it.
model::Result<std::size_t> max_results(const Call& c, std::size_t most) {
  auto given = c.params.get("MaxResults");
  if (!given) return most;
  std::size_t n = 0;
  auto [end, ec] = std::from_chars(given->data(), given->data() + given->size(), n);
  if (ec != std::errc{} || end != given->data() + given->size() || n < 1 || n > most)
    return Error{Code::ValidationError, "1 validation error detected: Value '" + std::string{*given} +
                                            "' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to " +
                                            std::to_string(most)};
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

asio::awaitable<Outcome> get_sms_sandbox_account_status(const Call&) {
  // localray texts any number: its accounts are out of the sandbox.
  co_return XmlWriter{}.element("IsInSandbox", "false").str();
}

asio::awaitable<Outcome> create_sms_sandbox_phone_number(const Call& c) {
  auto number = phone_number(c, "PhoneNumber");
  if (!number) co_return number.error();
  if (auto ok = c.backend.add_sandbox_number(*number); !ok) co_return ok.error();
  co_return std::string{};
}

asio::awaitable<Outcome> verify_sms_sandbox_phone_number(const Call& c) {
  auto number = phone_number(c, "PhoneNumber");
  if (!number) co_return number.error();
  auto password = required(c.params, "OneTimePassword", "oneTimePassword");
  if (!password) co_return password.error();
  if (auto ok = c.backend.sms().verify_sandbox_number(*number, *password); !ok) co_return ok.error();
  co_return std::string{};
}

asio::awaitable<Outcome> delete_sms_sandbox_phone_number(const Call& c) {
  auto number = phone_number(c, "PhoneNumber");
  if (!number) co_return number.error();
  if (auto ok = c.backend.sms().delete_sandbox_number(*number); !ok) co_return ok.error();
  co_return std::string{};
}

asio::awaitable<Outcome> list_sms_sandbox_phone_numbers(const Call& c) {
  auto page = max_results(c, 100);
  if (!page) co_return page.error();
  auto start = page_start(c.params);
  if (!start) co_return start.error();
  auto numbers = c.backend.sms().sandbox_numbers();
  XmlWriter xml;
  xml.open("PhoneNumbers");
  for (std::size_t i = *start; i < numbers.size() && i < *start + *page; ++i)
    xml.open("member").element("PhoneNumber", numbers[i].number).element("Status", numbers[i].verified ? "Verified" : "Pending").close("member");
  xml.close("PhoneNumbers");
  if (*start + *page < numbers.size()) xml.element("NextToken", http::base64_encode(std::to_string(*start + *page)));
  co_return xml.str();
}

asio::awaitable<Outcome> list_origination_numbers(const Call& c) {
  auto page = max_results(c, 30);
  if (!page) co_return page.error();
  auto start = page_start(c.params);
  if (!start) co_return start.error();
  // Origination numbers are bought, and no number can be bought here: the list is empty.
  co_return XmlWriter{}.open("PhoneNumbers").close("PhoneNumbers").str();
}

}  // namespace localray::sns::protocol::ops
