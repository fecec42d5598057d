#pragma once
// A table's tags (CreateTable's Tags, TagResource, UntagResource, ListTagsOfResource) and the rules
// DynamoDB checks on them. Tags are addressed by the table's ARN, which names region, account and
// table: an ARN of another account or region names no table here.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "services/dynamodb/model/error.hpp"

namespace localray::dynamodb::model {

using Tags = std::map<std::string, std::string>;

struct Tag {
  std::string key;
  std::string value;
};

// Key 1 to 128 characters, value at most 256, counted in characters as AWS counts them; `member`
// is the request member the list came in ("tags" for TagResource).
auto check_tags(const std::vector<Tag>& tags, std::string_view member) -> Result<void>;

// DynamoDB reads a tagging request in this order: an ARN with no resource path is refused as IAM
// refuses it (AccessDenied, `operation` naming the action: "TagResource"), then the request's other
// members are checked, then the ARN must be a table's: the table's name, or ValidationException.
auto check_arn_shape(std::string_view arn, std::string_view operation, const std::string& account_id) -> Result<void>;
auto table_of_arn(std::string_view arn) -> Result<std::string>;

}  // namespace localray::dynamodb::model
