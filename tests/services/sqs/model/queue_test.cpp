#include "services/sqs/model/queue.hpp"

#include <gtest/gtest.h>

namespace localray::sqs::model {
namespace {

using namespace std::chrono_literals;

class QueueTest : public ::testing::Test {
 protected:
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{1}};
  Queue make(QueueSettings s = {}) { return Queue{"q", "arn:aws:sqs:us-east-1:000000000000:q", "http://h/000000000000/q", s, clock, ids}; }
  OutgoingMessage msg(std::string body) {
    OutgoingMessage m;
    m.body = std::move(body);
    return m;
  }
};

TEST_F(QueueTest, ReceivedMessageHiddenUntilVisibilityTimeoutThenRedeliveredWithNewHandle) {
  auto q = make();
  ASSERT_TRUE(q.send(msg("hello")));
  auto first = q.receive(10, 5s);
  ASSERT_EQ(first.messages.size(), 1u);
  EXPECT_EQ(first.messages[0].receive_count, 1);
  EXPECT_TRUE(q.receive(10, std::nullopt).messages.empty()) << "in flight";
  clock.advance(4s);
  EXPECT_TRUE(q.receive(10, std::nullopt).messages.empty()) << "still in flight at 4 s";
  clock.advance(1s);
  auto second = q.receive(10, std::nullopt);
  ASSERT_EQ(second.messages.size(), 1u);
  EXPECT_EQ(second.messages[0].receive_count, 2);
  EXPECT_NE(second.messages[0].receipt_handle, first.messages[0].receipt_handle);
  EXPECT_TRUE(q.delete_message(first.messages[0].receipt_handle)) << "a stale handle is answered with success, as on SQS";
  EXPECT_EQ(q.in_flight_count(), 1u) << "but no longer names the message";
  EXPECT_TRUE(q.delete_message(second.messages[0].receipt_handle));
  EXPECT_FALSE(q.delete_message("garbage")) << "a handle the queue never issued";
  clock.advance(60s);
  EXPECT_TRUE(q.receive(10, std::nullopt).messages.empty()) << "deleted for good";
}

TEST_F(QueueTest, MessagesPastTheRetentionPeriodGoOldestFirstWhateverTheirState) {
  QueueSettings s;
  s.retention = 60s;
  auto q = make(s);
  ASSERT_TRUE(q.send(msg("old")));
  ASSERT_EQ(q.receive(1, 300s).messages.size(), 1u);  // in flight when its retention ends
  clock.advance(30s);
  ASSERT_TRUE(q.send(msg("younger")));
  clock.advance(31s);  // "old" is 61 s old, "younger" 31 s
  auto got = q.receive(10, std::nullopt);
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].body, "younger");
  EXPECT_EQ(q.in_flight_count(), 1u) << "only the younger one, just received";
  clock.advance(30s);
  EXPECT_TRUE(q.receive(10, 0s).messages.empty());
  EXPECT_EQ(q.in_flight_count() + q.visible_count() + q.delayed_count(), 0u);
}

TEST_F(QueueTest, DelayedMessageBecomesVisibleAfterItsDelay) {
  auto q = make();
  auto m = msg("later");
  m.delay = 1s;
  ASSERT_TRUE(q.send(m));
  EXPECT_EQ(q.delayed_count(), 1u);
  EXPECT_TRUE(q.receive(1, std::nullopt).messages.empty());
  ASSERT_TRUE(q.next_visible_at());
  EXPECT_EQ(*q.next_visible_at(), clock.now() + 1s);
  clock.advance(1s);
  EXPECT_EQ(q.receive(1, std::nullopt).messages.size(), 1u);
}

TEST_F(QueueTest, ReceiveReturnsAtMostTheRequestedNumberInArrivalOrder) {
  auto q = make();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.send(msg("m" + std::to_string(i))));
  auto got = q.receive(3, std::nullopt);
  ASSERT_EQ(got.messages.size(), 3u);
  EXPECT_EQ(got.messages[0].body, "m0");
  EXPECT_EQ(got.messages[2].body, "m2");
  EXPECT_EQ(q.visible_count(), 2u);
  EXPECT_EQ(q.in_flight_count(), 3u);
}

TEST_F(QueueTest, MessagePastMaxReceiveCountIsHandedBackForTheDeadLetterQueue) {
  QueueSettings s;
  s.redrive = RedrivePolicy{"arn:aws:sqs:us-east-1:000000000000:dlq", 2};
  auto q = make(s);
  ASSERT_TRUE(q.send(msg("poison")));
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(q.receive(1, 1s).messages.size(), 1u);
    clock.advance(1s);
  }
  auto third = q.receive(1, 1s);
  EXPECT_TRUE(third.messages.empty());
  ASSERT_EQ(third.dead_letters.size(), 1u);
  EXPECT_EQ(third.dead_letters[0].body, "poison");
  EXPECT_EQ(third.dead_letters[0].receive_count, 2);
  EXPECT_EQ(q.visible_count() + q.in_flight_count(), 0u);
}

TEST_F(QueueTest, ChangeVisibilityToZeroMakesTheMessageVisibleAtOnce) {
  auto q = make();
  ASSERT_TRUE(q.send(msg("x")));
  auto got = q.receive(1, 30s);
  ASSERT_TRUE(q.change_visibility(got.messages[0].receipt_handle, 0s));
  EXPECT_EQ(q.receive(1, std::nullopt).messages.size(), 1u);
}

TEST_F(QueueTest, RejectsEmptyInvalidAndOversizeBodies) {
  auto q = make();
  auto empty = q.send(msg(""));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Code::InvalidParameterValue);
  auto control = q.send(msg(std::string{"a\x01z"}));
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().code, Code::InvalidMessageContents);
  auto big = q.send(msg(std::string(kMaxMessageBytes + 1, 'x')));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Code::InvalidParameterValue);
  EXPECT_TRUE(q.send(msg(std::string(kMaxMessageBytes, 'x'))));
}

TEST_F(QueueTest, Md5sMatchWhatTheSdksVerify) {
  EXPECT_EQ(md5_hex("hello"), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_of_attributes({{"status", {"String", "ok"}}}), "465059203729da81b6cb1c2fa939318a");
  EXPECT_EQ(md5_of_attributes({}), "");
  auto q = make();
  auto m = msg("hello");
  m.attributes["status"] = {"String", "ok"};
  auto r = q.send(m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->md5_of_body, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(r->md5_of_attributes, "465059203729da81b6cb1c2fa939318a");
}

TEST_F(QueueTest, TraceHeaderTravelsWithTheMessage) {
  auto q = make();
  auto m = msg("traced");
  m.trace_header = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
  ASSERT_TRUE(q.send(m));
  auto got = q.receive(1, std::nullopt);
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].trace_header, m.trace_header);
}

}  // namespace
}  // namespace localray::sqs::model

namespace localray::sqs::model {
namespace {

TEST(QueueBound, SendingPastTheBytesHeldIsThrottledUntilConsumersMakeRoom) {
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{1}};
  Queue q{"q", "arn:aws:sqs:us-east-1:000000000000:q", "http://h/000000000000/q", {}, clock, ids, 100};
  OutgoingMessage m;
  m.body = std::string(60, 'x');
  ASSERT_TRUE(q.send(m));
  ASSERT_TRUE(q.send(m)) << "under the bound when sent";
  EXPECT_EQ(q.bytes(), 120u);
  auto refused = q.send(m);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Code::RequestThrottled);
  auto got = q.receive(1, std::nullopt);
  ASSERT_EQ(got.messages.size(), 1u);
  ASSERT_TRUE(q.delete_message(got.messages[0].receipt_handle));
  EXPECT_EQ(q.bytes(), 60u);
  EXPECT_TRUE(q.send(m)) << "room again once a message is deleted";
  q.clear();
  EXPECT_EQ(q.bytes(), 0u);
}

TEST(QueueBound, ReceivingWithTheQuotaInFlightIsOverLimitUntilOneIsDeletedOrVisibleAgain) {
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{1}};
  Queue q{"q", "arn:aws:sqs:us-east-1:000000000000:q", "http://h/000000000000/q", {}, clock, ids, kMaxQueueBytes, 3};
  OutgoingMessage m;
  m.body = "x";
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q.send(m));
  auto first = q.receive(3, 30s);
  ASSERT_EQ(first.messages.size(), 3u);
  EXPECT_FALSE(first.over_limit);
  auto refused = q.receive(1, 30s);
  EXPECT_TRUE(refused.over_limit);
  EXPECT_TRUE(refused.messages.empty());
  ASSERT_TRUE(q.delete_message(first.messages[0].receipt_handle));
  auto again = q.receive(10, 30s);
  EXPECT_FALSE(again.over_limit) << "a deleted message makes room";
  EXPECT_EQ(again.messages.size(), 1u) << "a receive takes no more than the room left";
  EXPECT_TRUE(q.receive(1, 30s).over_limit);
  clock.advance(31s);
  auto visible_again = q.receive(10, 30s);
  EXPECT_FALSE(visible_again.over_limit) << "messages whose visibility timeout ended are no longer in flight";
  EXPECT_EQ(visible_again.messages.size(), 3u);
}

}  // namespace
}  // namespace localray::sqs::model

namespace localray::sqs::model {
namespace {

// Keeps what a queue reports, as --persist's copy would: seq -> message.
struct Recorded final : QueueChanges {
  std::map<std::uint64_t, Message> messages;
  int settings_reports = 0;
  void queue_changed(const Queue&) override { ++settings_reports; }
  void queue_removed(const Queue&) override { messages.clear(); }
  void message_changed(const Queue&, std::uint64_t seq, const Message& m) override { messages[seq] = m; }
  void message_removed(const Queue&, std::uint64_t seq) override { messages.erase(seq); }
  void messages_cleared(const Queue&) override { messages.clear(); }
};

TEST_F(QueueTest, EveryChangeIsReportedSoThatACopyRestoresTheSameQueue) {
  Recorded copy;
  QueueSettings s;
  s.redrive = RedrivePolicy{"arn:aws:sqs:us-east-1:000000000000:dlq", 2};
  auto q = make(s);
  q.set_changes(&copy);
  for (auto body : {"a", "b", "c", "d"}) ASSERT_TRUE(q.send(msg(body)));
  EXPECT_EQ(copy.messages.size(), 4u);
  auto got = q.receive(2, 30s);
  ASSERT_EQ(got.messages.size(), 2u);
  EXPECT_EQ(copy.messages.begin()->second.receipt_handle, got.messages[0].receipt_handle) << "a receive changes the message";
  ASSERT_TRUE(q.delete_message(got.messages[0].receipt_handle));
  ASSERT_TRUE(q.change_visibility(got.messages[1].receipt_handle, 100s));
  EXPECT_EQ(copy.messages.size(), 3u);
  q.set_settings(s);
  EXPECT_EQ(copy.settings_reports, 1);

  // A queue made from the copy behaves as the original: the handle of the message in flight is
  // still good, the message is hidden until its deadline, the others are visible in order.
  auto restored = make(s);
  for (const auto& [seq, m] : copy.messages) restored.restore(seq, m);
  EXPECT_EQ(restored.visible_count(), 2u);
  EXPECT_EQ(restored.in_flight_count(), 1u);
  auto again = restored.receive(10, 30s);
  ASSERT_EQ(again.messages.size(), 2u);
  EXPECT_EQ(again.messages[0].body, "c");
  EXPECT_EQ(again.messages[1].body, "d");
  EXPECT_TRUE(restored.delete_message(got.messages[1].receipt_handle));
  ASSERT_TRUE(restored.send(msg("e")));
  clock.advance(31s);
  auto later = restored.receive(10, 30s);
  ASSERT_EQ(later.messages.size(), 3u) << "c and d again, and e, sent after the restore, last";
  EXPECT_EQ(later.messages[2].body, "e");

  // Redrive and purge are reported too.
  ReceiveResult dead;
  for (int round = 0; round < 3 && dead.dead_letters.empty(); ++round) {
    clock.advance(31s);
    dead = q.receive(10, 30s);
  }
  EXPECT_EQ(dead.dead_letters.size(), 2u) << "c and d, received twice, with maxReceiveCount 2";
  for (const auto& m : dead.dead_letters)
    for (const auto& [seq, kept] : copy.messages) EXPECT_NE(kept.id, m.id) << "a dead-lettered message leaves the copy";
  clock.advance(61s);
  ASSERT_TRUE(q.purge());
  EXPECT_TRUE(copy.messages.empty());
}

}  // namespace
}  // namespace localray::sqs::model
