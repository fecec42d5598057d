#include "services/sqs/model/backend.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/detached.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

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
    // Named: GCC 12 destroys a temporary made inside a co_await expression twice.
    ReceiveOptions options{.max_messages = 1, .wait = 20s};
    received = co_await backend.receive(*q, options);
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
    ReceiveOptions too_many{.max_messages = 11, .wait = 0s}, too_long{.max_messages = 1, .wait = 21s};
    auto a = co_await backend.receive(*q, too_many);
    auto b = co_await backend.receive(*q, too_long);
    if (!a) codes.push_back(a.error().code);
    if (!b) codes.push_back(b.error().code);
  }, asio::detached);
  io.run();
  EXPECT_EQ(codes, (std::vector<Code>{Code::InvalidParameterValue, Code::InvalidParameterValue}));
}

}  // namespace
}  // namespace localray::sqs::model

namespace localray::sqs::model {
namespace {

// A copy kept through QueueChanges from every strand at once, as --persist keeps it.
struct LockedCopy final : QueueChanges {
  std::mutex mutex;
  std::map<std::pair<std::string, std::uint64_t>, std::string> messages;  // (queue, seq) -> body
  std::set<std::string> queues;
  void queue_changed(const Queue& q) override {
    std::lock_guard lock{mutex};
    queues.insert(q.name());
  }
  void queue_removed(const Queue& q) override {
    std::lock_guard lock{mutex};
    queues.erase(q.name());
  }
  void message_changed(const Queue& q, std::uint64_t seq, const Message& m) override {
    std::lock_guard lock{mutex};
    messages[{q.name(), seq}] = m.body;
  }
  void message_removed(const Queue& q, std::uint64_t seq) override {
    std::lock_guard lock{mutex};
    messages.erase({q.name(), seq});
  }
  void messages_cleared(const Queue& q) override {
    std::lock_guard lock{mutex};
    std::erase_if(messages, [&](const auto& kv) { return kv.first.first == q.name(); });
  }
};

// Many strands on four threads: producers, consumers and a queue made and deleted over and over,
// all reporting to one copy. Under ThreadSanitizer (scripts/tsan.sh) a race fails it; here it
// checks that every message sent is received and deleted exactly once and the copy ends empty.
TEST(SqsBackendTest, ProducersConsumersAndQueueChurnOnFourThreads) {
  asio::io_context io;
  tracing::SystemClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{3}};
  Backend backend{io.get_executor(), clock, ids, "us-east-1", "000000000000", "http://127.0.0.1:4566"};
  auto copy = std::make_shared<LockedCopy>();
  backend.set_changes(copy);
  constexpr int kQueues = 3, kProducers = 6, kPerProducer = 200;
  std::vector<std::shared_ptr<QueueHandle>> queues;
  for (int i = 0; i < kQueues; ++i) queues.push_back(backend.create_queue("q" + std::to_string(i), {}).value());
  std::atomic<int> sent{0}, deleted{0};
  std::mutex seen_mutex;
  std::multiset<std::string> seen;
  for (int p = 0; p < kProducers; ++p)
    asio::co_spawn(io, [&, p]() -> asio::awaitable<void> {
      for (int i = 0; i < kPerProducer; ++i) {
        OutgoingMessage m;
        m.body = std::to_string(p) + "-" + std::to_string(i);
        auto q = queues[(p + i) % kQueues];
        if ((co_await backend.send(q, m))) ++sent;
      }
    }, asio::detached);
  for (int c = 0; c < kQueues; ++c)
    asio::co_spawn(io, [&, c]() -> asio::awaitable<void> {
      while (deleted.load() < kProducers * kPerProducer) {
        ReceiveOptions options{.max_messages = 10, .visibility_timeout = 30s, .wait = 50ms};
        auto got = co_await backend.receive(queues[c], options);
        if (!got) continue;
        for (const auto& m : *got) {
          {
            std::lock_guard lock{seen_mutex};
            seen.insert(m.body);
          }
          if ((co_await backend.delete_message(queues[c], m.receipt_handle))) ++deleted;
        }
      }
    }, asio::detached);
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    for (int i = 0; i < 100; ++i) {
      auto q = backend.create_queue("churn", {});
      if (!q) continue;
      OutgoingMessage m;
      m.body = "short-lived";
      (void)co_await backend.send(*q, m);
      (void)backend.delete_queue("churn");
    }
  }, asio::detached);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(sent.load(), kProducers * kPerProducer);
  EXPECT_EQ(deleted.load(), kProducers * kPerProducer);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kProducers * kPerProducer)) << "none received twice";
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
  std::lock_guard lock{copy->mutex};
  for (const auto& [key, body] : copy->messages) EXPECT_EQ(key.first, "churn") << "left in the copy: " << body;
  EXPECT_EQ(copy->queues, (std::set<std::string>{"q0", "q1", "q2"}));
}

}  // namespace
}  // namespace localray::sqs::model
