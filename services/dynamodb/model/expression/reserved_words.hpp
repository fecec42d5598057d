#pragma once
#include <string_view>

namespace localray::dynamodb::model::expression {

// True when `word` (any case) is a DynamoDB reserved word, which an expression may only use as
// an attribute name through an ExpressionAttributeNames alias.
bool is_reserved_word(std::string_view word);

}  // namespace localray::dynamodb::model::expression
