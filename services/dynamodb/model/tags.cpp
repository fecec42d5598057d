#include "services/dynamodb/model/tags.hpp"

#include <algorithm>
#include <cctype>

namespace localray::dynamodb::model {
namespace {

// Characters, not bytes: a continuation byte of UTF-8 does not start one.
std::size_t characters(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

auto check_tags(const std::vector<Tag>& tags, std::string_view member) -> Result<void> {
  for (std::size_t i = 0; i < tags.size(); ++i) {
    std::string at = std::string{member} + "." + std::to_string(i + 1) + ".member.";
    std::size_t key = characters(tags[i].key), value = characters(tags[i].value);
    if (key < 1) return constraint_error(tags[i].key, at + "key", "have length greater than or equal to 1");
    if (key > 128) return constraint_error(tags[i].key, at + "key", "have length less than or equal to 128");
    if (value > 256) return constraint_error(tags[i].value, at + "value", "have length less than or equal to 256");
  }
  return {};
}

auto check_arn_shape(std::string_view arn, std::string_view operation, const std::string& account_id) -> Result<void> {
  auto colons = std::count(arn.begin(), arn.end(), ':');
  auto last_colon = arn.rfind(':');
  bool arn_shaped = colons >= 5 && last_colon != std::string_view::npos && arn.find('/', last_colon) != std::string_view::npos &&
                    arn.find('/', last_colon) + 1 < arn.size();
  if (!arn_shaped)
    return Error{Code::AccessDenied, "User: arn:aws:iam::" + account_id + ":root is not authorized to perform: dynamodb:" + std::string{operation} +
                                         " on resource: " + (arn.empty() ? std::string{"*"} : std::string{arn})};
  return {};
}

auto table_of_arn(std::string_view arn) -> Result<std::string> {
  // arn:aws:dynamodb:{region}:{account digits}:table/{name of 3 or more characters, no '/'}
  auto invalid = [&] { return validation_error("Invalid TableArn: Invalid ResourceArn provided as input " + std::string{arn}); };
  constexpr std::string_view kPrefix = "arn:aws:dynamodb:";
  if (!arn.starts_with(kPrefix)) return invalid();
  auto rest = arn.substr(kPrefix.size());
  auto region_end = rest.find(':');
  if (region_end == 0 || region_end == std::string_view::npos) return invalid();
  rest = rest.substr(region_end + 1);
  auto account_end = rest.find(':');
  if (account_end == 0 || account_end == std::string_view::npos) return invalid();
  auto account = rest.substr(0, account_end);
  if (!std::all_of(account.begin(), account.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) return invalid();
  rest = rest.substr(account_end + 1);
  if (!rest.starts_with("table/")) return invalid();
  auto name = rest.substr(6);
  if (name.size() < 3 || name.find('/') != std::string_view::npos) return invalid();
  return std::string{name};
}

}  // namespace localray::dynamodb::model
