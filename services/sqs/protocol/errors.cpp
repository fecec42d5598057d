#include "services/sqs/protocol/errors.hpp"

#include <array>
#include <utility>

namespace localray::sqs::protocol {
namespace {

using model::Code;

// Query codes and statuses from botocore's SQS model (`error.code`, `httpStatusCode`); JSON
// types from the JSON model (`com.amazonaws.sqs#<shape>`).
constexpr std::array kErrors = {
    std::pair{Code::QueueDoesNotExist, WireError{"AWS.SimpleQueueService.NonExistentQueue", "com.amazonaws.sqs#QueueDoesNotExist", 400,
                                                 "The specified queue does not exist for this wsdl version."}},
    std::pair{Code::QueueNameExists, WireError{"QueueAlreadyExists", "com.amazonaws.sqs#QueueNameExists", 400}},
    std::pair{Code::ReceiptHandleIsInvalid, WireError{"ReceiptHandleIsInvalid", "com.amazonaws.sqs#ReceiptHandleIsInvalid", 400}},
    std::pair{Code::InvalidParameterValue, WireError{"InvalidParameterValue", "com.amazonaws.sqs#InvalidParameterValueException", 400}},
    std::pair{Code::InvalidAttributeName, WireError{"InvalidAttributeName", "com.amazonaws.sqs#InvalidAttributeName", 400}},
    std::pair{Code::InvalidAttributeValue, WireError{"InvalidAttributeValue", "com.amazonaws.sqs#InvalidAttributeValue", 400}},
    std::pair{Code::InvalidMessageContents, WireError{"InvalidMessageContents", "com.amazonaws.sqs#InvalidMessageContents", 400}},
    // SQS has no code of its own for an oversize message: it answers InvalidParameterValue.
    std::pair{Code::MessageTooLong, WireError{"InvalidParameterValue", "com.amazonaws.sqs#InvalidParameterValueException", 400}},
    std::pair{Code::PurgeQueueInProgress,
              WireError{"AWS.SimpleQueueService.PurgeQueueInProgress", "com.amazonaws.sqs#PurgeQueueInProgress", 403}},
    std::pair{Code::MessageNotInflight, WireError{"AWS.SimpleQueueService.MessageNotInflight", "com.amazonaws.sqs#MessageNotInflight", 400}},
    std::pair{Code::EmptyBatchRequest, WireError{"AWS.SimpleQueueService.EmptyBatchRequest", "com.amazonaws.sqs#EmptyBatchRequest", 400}},
    std::pair{Code::TooManyEntriesInBatchRequest,
              WireError{"AWS.SimpleQueueService.TooManyEntriesInBatchRequest", "com.amazonaws.sqs#TooManyEntriesInBatchRequest", 400}},
    std::pair{Code::BatchEntryIdsNotDistinct,
              WireError{"AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "com.amazonaws.sqs#BatchEntryIdsNotDistinct", 400}},
    std::pair{Code::InvalidBatchEntryId,
              WireError{"AWS.SimpleQueueService.InvalidBatchEntryId", "com.amazonaws.sqs#InvalidBatchEntryId", 400}},
    std::pair{Code::BatchRequestTooLong,
              WireError{"AWS.SimpleQueueService.BatchRequestTooLong", "com.amazonaws.sqs#BatchRequestTooLong", 400}},
    std::pair{Code::UnsupportedOperation,
              WireError{"AWS.SimpleQueueService.UnsupportedOperation", "com.amazonaws.sqs#UnsupportedOperation", 400}},
    std::pair{Code::RequestThrottled, WireError{"RequestThrottled", "com.amazonaws.sqs#RequestThrottled", 403}},
    std::pair{Code::OverLimit, WireError{"OverLimit", "com.amazonaws.sqs#OverLimit", 403}},
    std::pair{Code::ResourceNotFound, WireError{"ResourceNotFoundException", "com.amazonaws.sqs#ResourceNotFoundException", 404}},
    std::pair{Code::MissingParameter, WireError{"MissingParameter", "com.amazonaws.sqs#MissingRequiredParameterException", 400}},
    std::pair{Code::InvalidAction, WireError{"InvalidAction", "com.amazonaws.sqs#InvalidAction", 400}},
    std::pair{Code::MalformedInput, WireError{"MalformedInput", "com.amazon.coral.service#SerializationException", 400}},
};

}  // namespace

const WireError& wire_error(model::Code code) {
  for (const auto& [c, w] : kErrors)
    if (c == code) return w;
  // Every Code has a row (the table test walks them all); a new Code without one still answers 400.
  static constexpr WireError kFallback{"InvalidParameterValue", "com.amazonaws.sqs#InvalidParameterValueException", 400};
  return kFallback;
}

}  // namespace localray::sqs::protocol
