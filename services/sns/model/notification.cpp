#include "services/sns/model/notification.hpp"

#include "base/deduplication.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "services/sns/model/limits.hpp"

namespace localray::sns::model {
namespace {

Error invalid_value(std::string message) { return Error{Code::ParameterValueInvalid, std::move(message)}; }

Result<void> validate_attribute_name(const std::string& name) {
  if (name.size() > kMaxAttributeNameBytes) return invalid_value("Length of message attribute name must be less than 256 bytes.");
  if (name.empty()) return invalid_value("The message attribute name must not be empty.");
  if (name.front() == '.') return invalid_value("Invalid message attribute name starting with character '.' was found.");
  if (name.back() == '.') return invalid_value("Invalid message attribute name ending with character '.' was found.");
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') {
      static const char* hex = "0123456789ABCDEF";
      std::string code = c >= 16 ? std::string{hex[c >> 4], hex[c & 15]} : std::string{hex[c]};
      return invalid_value("Invalid non-alphanumeric character '#x" + code +
                           "' was found in the message attribute name. Can only include alphanumeric characters, hyphens, "
                           "underscores, or dots.");
    }
    if (c == '.' && name[i - 1] == '.') return invalid_value("Message attribute name can not have successive '.' character.");
  }
  return {};
}

bool valid_batch_entry_id(std::string_view id) {
  return !id.empty() && id.size() <= kMaxBatchEntryIdChars &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; });
}

}  // namespace

std::size_t publish_size(const PublishRequest& request) {
  std::size_t size = request.message.size();
  for (const auto& [protocol, message] : request.protocol_messages) size += message.size();
  for (const auto& [name, attr] : request.attributes) size += name.size() + attr.data_type.size() + attr.value.size();
  return size;
}

Result<void> validate_publish(const PublishRequest& request) {
  for (const auto& [name, attr] : request.attributes) {
    if (auto ok = validate_attribute_name(name); !ok) return ok.error();
    if (attr.data_type != "String" && attr.data_type != "String.Array" && attr.data_type != "Number" &&
        attr.data_type != "Binary" && attr.data_type.rfind("String.", 0) != 0 && attr.data_type.rfind("Number.", 0) != 0 &&
        attr.data_type.rfind("Binary.", 0) != 0)
      return invalid_value("The message attribute '" + name +
                           "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.");
    if (attr.value.empty())
      return invalid_value("The message attribute '" + name + "' must contain non-empty message attribute value for message attribute type '" +
                           attr.data_type + "'.");
    if (attr.data_type.rfind("Number", 0) == 0 && !attribute_number(attr.value))
      return invalid_value("Could not cast message attribute '" + name + "' value to number.");
  }
  if (request.message.empty()) return Error{Code::InvalidParameter, "Invalid parameter: Empty message"};
  if (publish_size(request) > kMaxMessageBytes) return Error{Code::InvalidParameter, "Invalid parameter: Message too long"};
  if (request.subject && (request.subject->empty() || request.subject->size() > kMaxSubjectChars))
    return Error{Code::InvalidParameter, "Invalid parameter: Subject"};
  if (request.group_id && !base::valid_fifo_id(*request.group_id))
    return Error{Code::InvalidParameter, "Invalid parameter: MessageGroupId Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."};
  if (request.deduplication_id && !base::valid_fifo_id(*request.deduplication_id))
    return Error{Code::InvalidParameter, "Invalid parameter: MessageDeduplicationId Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length."};
  return {};
}

Result<void> validate_batch_count(const std::vector<PublishBatchEntry>& entries) {
  if (entries.empty()) return Error{Code::EmptyBatchRequest, "The batch request doesn't contain any entries."};
  if (entries.size() > kMaxBatchEntries)
    return Error{Code::TooManyEntriesInBatchRequest, "The batch request contains more entries than permissible."};
  return {};
}

Result<void> validate_batch_ids(const std::vector<PublishBatchEntry>& entries) {
  std::set<std::string_view> ids;
  for (const auto& e : entries)
    if (!ids.insert(e.id).second) return Error{Code::BatchEntryIdsNotDistinct, "Two or more batch entries in the request have the same Id."};
  for (const auto& e : entries)
    if (!valid_batch_entry_id(e.id))
      return Error{Code::InvalidBatchEntryId, "The Id of a batch entry in a batch request doesn't abide by the specification."};
  return {};
}

}  // namespace localray::sns::model
