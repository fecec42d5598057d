// SNS and SQS request decoding: form bodies (both query protocols), SQS's JSON protocol, and SNS
// filter policies. The first byte picks the decoder.
#include <string>

#include "http/form.hpp"
#include "http/message.hpp"
#include "services/sns/protocol/filter_policy_json.hpp"
#include "services/sns/protocol/query_params.hpp"
#include "services/sqs/protocol/json_codec.hpp"
#include "services/sqs/protocol/query_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  using namespace localray;
  if (size == 0) return 0;
  std::string text{reinterpret_cast<const char*>(data) + 1, size - 1};
  http::Request r;
  r.method = "POST";
  r.path = "/";
  switch (data[0] % 4) {
    case 0: {
      auto form = http::parse_form(text);
      if (!form) return 0;
      sns::protocol::QueryParams params{*form};
      for (const char* prefix : {"Attributes.entry", "MessageAttributes.entry", "Tags.member", "PublishBatchRequestEntries.member"})
        for (const auto& [n, member] : params.members(prefix)) (void)member.members("MessageAttributes.entry");
      break;
    }
    case 1:
      r.headers.set("Content-Type", "application/x-www-form-urlencoded");
      r.body = text;
      (void)sqs::protocol::decode_query(r);
      break;
    case 2:
      r.headers.set("X-Amz-Target", "AmazonSQS.SendMessageBatch");
      r.headers.set("Content-Type", "application/x-amz-json-1.0");
      r.body = text;
      (void)sqs::protocol::decode_json(r);
      break;
    default: (void)sns::protocol::parse_filter_policy(text, "FilterPolicy: "); break;
  }
  return 0;
}
