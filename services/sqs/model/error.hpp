#pragma once
#include <boost/system/result.hpp>

#include "base/coded_error.hpp"

namespace localray::sqs::model {

// Every SQS error the API can answer with. The wire shapes (query code, JSON type, status) live
// in one table in protocol/errors.cpp.
enum class Code {
  QueueDoesNotExist,
  QueueNameExists,
  ReceiptHandleIsInvalid,
  InvalidParameterValue,
  InvalidAttributeName,
  InvalidAttributeValue,
  InvalidMessageContents,
  MessageTooLong,
  PurgeQueueInProgress,
  MessageNotInflight,
  EmptyBatchRequest,
  TooManyEntriesInBatchRequest,
  BatchEntryIdsNotDistinct,
  InvalidBatchEntryId,
  BatchRequestTooLong,
  UnsupportedOperation,
  // The queue holds kMaxQueueBytes already: localray's bound on memory, reported as SQS reports
  // request throttling.
  RequestThrottled,
  OverLimit,  // kMaxInFlight messages in flight
  ResourceNotFound,  // a message move task's source, destination or task
  // Raised by a codec before any model call (the request lacks a member, names no known
  // operation, or cannot be parsed); listed here so that the same table maps them.
  MissingParameter,
  InvalidAction,
  MalformedInput,
};

using Error = base::CodedError<Code>;

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace localray::sqs::model
