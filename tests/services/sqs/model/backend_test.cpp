#include "services/sqs/model/backend.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/detached.hpp>

namespace localray::sqs::model {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(SqsBackendTest, LongPollReturnsAsSoonAsAMessageIsSent) {
  asio::io_context io;
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{3}};
  Backend backend{io.get_executor(), clock, ids, "us-east-1", "000000000000", "http://127.0.0.1:4566"};
  auto q = backend.create_queue("orders", {});
  ASSERT_TRUE(q);
  std::optional<Result<std::vector<Message>>> received;
  auto started = std::chrono::steady_clock::now();
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    received = co_await backend.receive(*q, ReceiveOptions{1, std::nullopt, 20s});
  }, asio::detached);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    OutgoingMessage m;
    m.body = "wake up";
    auto r = co_await backend.send(*q, m);
    EXPECT_TRUE(r);
  }, asio::detached);
  io.run();
  ASSERT_TRUE(received);
  ASSERT_TRUE(*received);
  ASSERT_EQ((*received)->size(), 1u);
  EXPECT_EQ((**received)[0].body, "wake up");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 20s) << "the poll did not wait for its deadline";
}

TEST(SqsBackendTest, FindsQueuesByNameUrlOnAnyHostAndArn) {
  asio::io_context io;
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{3}};
  Backend backend{io.get_executor(), clock, ids, "us-east-1", "000000000000", "http://127.0.0.1:4566"};
  ASSERT_TRUE(backend.create_queue("orders", {}));
  EXPECT_TRUE(backend.find("orders"));
  EXPECT_TRUE(backend.find("http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/orders"));
  EXPECT_TRUE(backend.find("arn:aws:sqs:us-east-1:000000000000:orders"));
  auto missing = backend.find("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Code::QueueDoesNotExist);
  EXPECT_FALSE(backend.create_queue("bad name!", {}));
}

TEST(SqsBackendTest, RejectsOutOfRangeReceiveParameters) {
  asio::io_context io;
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{3}};
  Backend backend{io.get_executor(), clock, ids, "us-east-1", "000000000000", "http://127.0.0.1:4566"};
  auto q = backend.create_queue("orders", {});
  std::vector<Code> codes;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto a = co_await backend.receive(*q, ReceiveOptions{11, std::nullopt, 0s});
    auto b = co_await backend.receive(*q, ReceiveOptions{1, std::nullopt, 21s});
    if (!a) codes.push_back(a.error().code);
    if (!b) codes.push_back(b.error().code);
  }, asio::detached);
  io.run();
  EXPECT_EQ(codes, (std::vector<Code>{Code::InvalidParameterValue, Code::InvalidParameterValue}));
}

}  // namespace
}  // namespace localray::sqs::model
