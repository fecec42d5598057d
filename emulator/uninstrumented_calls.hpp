#pragma once
// AWS calls a function's code makes with the very trace header Lambda handed it (Parent = its run's
// Invocation subsegment): the AWS SDK for JavaScript v3 and newer boto3 send that header by
// themselves inside Lambda, with no X-Ray SDK to record the call. The edge records such a call as
// the `aws` subsegment an X-Ray SDK would have sent, and the callee hangs under it. A call an SDK
// did record carries that SDK subsegment as its Parent and is left alone.
#include <optional>
#include <string>

#include "emulator/service_routing.hpp"
#include "http/call_context.hpp"
#include "http/message.hpp"
#include "tracing/clock.hpp"
#include "tracing/ids.hpp"
#include "tracing/open_invocations.hpp"
#include "tracing/segment.hpp"
#include "tracing/sink.hpp"

namespace localray::emulator {

// The service, operation and resource of an AWS call, as X-Ray SDKs name them.
struct AwsCallDescription {
  std::string service;    // "DynamoDB", "SQS", "SNS", "Lambda"
  std::string operation;  // "PutItem", "SendMessage", "Publish", "Invoke"
  std::string resource_field, resource;  // "table_name" / "queue_url" / "topic_arn" / "function_name"
};
// nullopt for calls that are not AWS service operations localray records (X-Ray's own API).
std::optional<AwsCallDescription> describe_aws_call(const http::Request& request, const Routed& routed);

class UninstrumentedCall {
 public:
  // Starts one when `call`'s Parent is an open invocation; then `call` now names the new subsegment
  // as its Parent, so what the callee records hangs under it.
  static std::optional<UninstrumentedCall> begin(const tracing::OpenInvocations& runs, http::CallContext& call, tracing::IdGenerator& ids,
                                                 const tracing::Clock& clock);
  void finish(const AwsCallDescription& what, const http::Response& response, tracing::SegmentSink& sink, tracing::IdGenerator& ids,
              const tracing::Clock& clock);

 private:
  tracing::Segment sub_;
};

}  // namespace localray::emulator
