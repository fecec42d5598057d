#pragma once
// Where Lambda sends the records of asynchronous invocations and its dead letters: SQS queues,
// SNS topics and Lambda functions of any scope, found by ARN.
#include <memory>
#include <string>

#include <spdlog/fwd.h>

#include "emulator/regions.hpp"
#include "services/lambda/model/async_invocation.hpp"

namespace localray::emulator {

class AsyncDestinations final : public lambda::model::AsyncDestinations {
 public:
  AsyncDestinations(Regions& regions, std::shared_ptr<spdlog::logger> log) : regions_{regions}, log_{std::move(log)} {}
  lambda::model::Result<void> check(const std::string& arn) const override;
  std::pair<std::string, std::string> describe(const std::string& arn) const override;
  boost::asio::awaitable<lambda::model::Result<void>> deliver(lambda::model::AsyncDelivery delivery) override;

 private:
  Regions& regions_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace localray::emulator
