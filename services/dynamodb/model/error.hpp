#pragma once
// DynamoDB model errors as values. The protocol codec maps each Code to AWS's `__type` and HTTP
// status in one table; messages are DynamoDB's own words, because SDKs and users match on them.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/system/result.hpp>

namespace localray::dynamodb::model {

class AttributeValue;
using Item = std::map<std::string, AttributeValue>;

enum class Code {
  ResourceNotFound,        // ResourceNotFoundException
  ResourceInUse,           // ResourceInUseException
  Validation,              // ValidationException
  ConditionalCheckFailed,  // ConditionalCheckFailedException
  Serialization,           // SerializationException: wire value of the wrong JSON type (codec only)
  LimitExceeded,           // LimitExceededException: the table quota, localray's bound on item memory
  AccessDenied,            // AccessDeniedException: what IAM refuses before DynamoDB reads a request
  TransactionCanceled,     // TransactionCanceledException: a reason per action of the transaction
  IdempotentParameterMismatch,  // IdempotentParameterMismatchException: a ClientRequestToken reused otherwise
  DuplicateItem,           // DuplicateItemException: a PartiQL INSERT of a key that is taken
};

// Why one action of a cancelled transaction did not run, as CancellationReasons lists it: "None"
// for the actions that would have, "ConditionalCheckFailed", "ValidationError".
struct CancellationReason {
  std::string code = "None";
  std::string message = {};  // none for "None"
  std::shared_ptr<const Item> item = {};  // ReturnValuesOnConditionCheckFailure ALL_OLD
};

struct Error {
  Code code;
  std::string message;
  // ConditionalCheckFailed only: the item as it stood, for ReturnValuesOnConditionCheckFailure
  // ALL_OLD. Shared so that copying an Error stays cheap and error.hpp needs no AttributeValue.
  std::shared_ptr<const Item> item = {};
  // TransactionCanceled only: one per action, in request order.
  std::shared_ptr<const std::vector<CancellationReason>> reasons = {};
};

[[noreturn]] inline void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

template <class T>
using Result = boost::system::result<T, Error>;

inline Error validation_error(std::string message) { return Error{Code::Validation, std::move(message)}; }

// "One or more parameter values were invalid: ..." prefixes most request-shape errors.
inline Error invalid_parameter(const std::string& detail) {
  return validation_error("One or more parameter values were invalid: " + detail);
}

// The request-shape form: "1 validation error detected: Value '0' at 'limit' failed to satisfy
// constraint: Member must have value greater than or equal to 1".
inline Error constraint_error(const std::string& value, const std::string& member, const std::string& constraint) {
  return validation_error("1 validation error detected: Value '" + value + "' at '" + member +
                          "' failed to satisfy constraint: Member must " + constraint);
}

}  // namespace localray::dynamodb::model
