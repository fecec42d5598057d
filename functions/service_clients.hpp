#pragma once
// The AWS calls a built-in handler makes, as small typed interfaces; the emulator implements them
// in-process over the service models (no loopback HTTP). Every answer, success or error, carries
// the request id the called service used, which the caller's `aws` subsegment records.
#include <map>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>

#include "tracing/trace_header.hpp"

namespace localray::functions {

// A failed call as an SDK reports it: the exception's name, its message, and whose fault it was.
struct ServiceError {
  std::string type;  // e.g. "ResourceNotFoundException"
  std::string message;
  std::string request_id;
  bool client_error = true;  // 4xx (error) rather than 5xx (fault)
};

[[noreturn]] inline void throw_exception_from_error(const ServiceError& e, const boost::source_location&) {
  throw std::runtime_error(e.type + ": " + e.message);
}

template <class T>
using CallResult = boost::system::result<T, ServiceError>;

struct Published {
  std::string request_id;
  std::string message_id;
};

struct Sent {
  std::string request_id;
  std::string message_id;
};

struct Updated {
  std::string request_id;
  std::string value;  // the counter's new value
};

class SnsClient {
 public:
  virtual ~SnsClient() = default;
  // `ctx`: the trace context the call carries (Parent = the caller's subsegment).
  virtual boost::asio::awaitable<CallResult<Published>> publish(std::string topic_arn, std::string message,
                                                                std::map<std::string, std::string> string_attributes, tracing::TraceHeader ctx) = 0;
};

class SqsClient {
 public:
  virtual ~SqsClient() = default;
  // `sender_id`: who sends, as SQS reports it in SenderId (a function's role id).
  virtual boost::asio::awaitable<CallResult<Sent>> send_message(std::string queue_url, std::string body, int delay_seconds,
                                                                std::string sender_id, tracing::TraceHeader ctx) = 0;
};

class DynamoDbClient {
 public:
  virtual ~DynamoDbClient() = default;
  // UpdateItem `ADD <counter> :incr` on the item whose string key `key_name` is `key_value`.
  virtual boost::asio::awaitable<CallResult<Updated>> add_to_counter(std::string table, std::string key_name, std::string key_value,
                                                                     std::string counter, long long increment, tracing::TraceHeader ctx) = 0;
};

struct ServiceClients {
  SnsClient& sns;
  SqsClient& sqs;
  DynamoDbClient& dynamodb;
  std::string region;
  std::string account;
};

// The unique id of the role a function runs as, the way SQS and CloudTrail report an assumed
// role: `AROA` + 17 characters, then `:` and the session name (the function's name).
std::string role_sender_id(const std::string& account, const std::string& function_name);

}  // namespace localray::functions
