// FIFO queues: group order and locking, deduplication, sequence numbers, receive attempts and the
// handle rules that differ from a standard queue's.
#include <gtest/gtest.h>

#include "services/sqs/model/queue.hpp"

namespace localray::sqs::model {
namespace {

using namespace std::chrono_literals;

class FifoQueueTest : public ::testing::Test {
 protected:
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{7}};
  Queue make(FifoSettings fifo = {}, std::optional<RedrivePolicy> redrive = std::nullopt) {
    QueueSettings s;
    s.fifo = fifo;
    s.redrive = std::move(redrive);
    return Queue{"q.fifo", "arn:aws:sqs:us-east-1:000000000000:q.fifo", "http://h/000000000000/q.fifo", s, clock, ids};
  }
  static OutgoingMessage msg(std::string body, std::string group, std::optional<std::string> dedup = std::nullopt) {
    OutgoingMessage m;
    m.body = body;
    m.group_id = std::move(group);
    m.deduplication_id = dedup ? std::move(dedup) : std::optional<std::string>{body};
    return m;
  }
  static std::vector<std::string> bodies(const ReceiveResult& r) {
    std::vector<std::string> out;
    for (const auto& m : r.messages) out.push_back(m.body);
    return out;
  }
};

TEST_F(FifoQueueTest, OneReceiveTakesAGroupsRunInOrderThenTheNextGroup) {
  auto q = make();
  for (auto [body, group] : {std::pair{"g1-1", "g1"}, {"g2-1", "g2"}, {"g1-2", "g1"}, {"g1-3", "g1"}}) ASSERT_TRUE(q.send(msg(body, group)));
  EXPECT_EQ(bodies(q.receive(10, 30s)), (std::vector<std::string>{"g1-1", "g1-2", "g1-3", "g2-1"}));
}

TEST_F(FifoQueueTest, AGroupWithAMessageInFlightIsLockedUntilItIsDeletedOrVisibleAgain) {
  auto q = make();
  for (auto [body, group] : {std::pair{"a1", "a"}, {"a2", "a"}, {"b1", "b"}, {"b2", "b"}}) ASSERT_TRUE(q.send(msg(body, group)));
  auto first = q.receive(1, 30s);
  ASSERT_EQ(bodies(first), std::vector<std::string>{"a1"});
  EXPECT_EQ(bodies(q.receive(10, 30s)), (std::vector<std::string>{"b1", "b2"})) << "a is locked while a1 is in flight";
  EXPECT_TRUE(q.receive(10, 30s).messages.empty()) << "both groups locked";
  ASSERT_TRUE(q.send(msg("a3", "a")));
  EXPECT_TRUE(q.receive(10, 30s).messages.empty()) << "a send does not unlock its group";
  ASSERT_TRUE(q.delete_message(first.messages[0].receipt_handle));
  EXPECT_EQ(bodies(q.receive(10, 30s)), (std::vector<std::string>{"a2", "a3"})) << "deleting the head unlocks the group";
}

TEST_F(FifoQueueTest, AMessageBackFromATimeoutIsReceivedBeforeTheRestOfItsGroup) {
  auto q = make();
  ASSERT_TRUE(q.send(msg("1", "g")));
  ASSERT_TRUE(q.send(msg("2", "g")));
  auto first = q.receive(1, 10s);
  ASSERT_EQ(bodies(first), std::vector<std::string>{"1"});
  clock.advance(10s);
  auto again = q.receive(1, 10s);
  ASSERT_EQ(bodies(again), std::vector<std::string>{"1"});
  EXPECT_EQ(again.messages[0].receive_count, 2);
  // Its lapsed handle no longer deletes it (SQS: the receipt handle has expired).
  auto lapsed = q.delete_message(first.messages[0].receipt_handle);
  EXPECT_TRUE(lapsed) << "a handle of an earlier receive, once the message was received again, is stale: success";
  clock.advance(10s);
  auto expired = q.delete_message(again.messages[0].receipt_handle);
  ASSERT_FALSE(expired) << "a FIFO handle whose timeout ended";
  EXPECT_EQ(expired.error().code, Code::InvalidParameterValue);
  EXPECT_NE(expired.error().message.find("The receipt handle has expired."), std::string::npos);
}

TEST_F(FifoQueueTest, ExtendingOneMessageOfARunKeepsItAndTheRestOfTheGroupHidden) {
  auto q = make();
  for (auto body : {"1", "2", "3"}) ASSERT_TRUE(q.send(msg(body, "g")));
  auto run = q.receive(10, 10s);
  ASSERT_EQ(run.messages.size(), 3u);
  ASSERT_TRUE(q.change_visibility(run.messages[1].receipt_handle, 60s));
  clock.advance(10s);
  EXPECT_EQ(bodies(q.receive(10, 10s)), std::vector<std::string>{"1"}) << "2 is hidden, and 3 waits behind it";
}

TEST_F(FifoQueueTest, AnAttemptThatGotNothingIsNoAttempt) {
  auto q = make();
  EXPECT_TRUE(q.receive(10, 30s, "empty").messages.empty());
  ASSERT_TRUE(q.send(msg("late", "g")));
  EXPECT_EQ(bodies(q.receive(10, 30s, "empty")), std::vector<std::string>{"late"}) << "a retry of an empty receive receives anew";
}

TEST_F(FifoQueueTest, ASendWithinFiveMinutesOfTheSameDeduplicationIdIsAcknowledgedButNotStored) {
  auto q = make();
  auto first = q.send(msg("x", "g", "d"));
  ASSERT_TRUE(first);
  ASSERT_FALSE(first->sequence_number.empty());
  clock.advance(4min);
  auto dup = q.send(msg("other body", "g", "d"));
  ASSERT_TRUE(dup);
  EXPECT_EQ(dup->message_id, first->message_id);
  EXPECT_EQ(dup->sequence_number, first->sequence_number);
  EXPECT_EQ(q.visible_count(), 1u);
  auto got = q.receive(10, 30s);
  ASSERT_TRUE(q.delete_message(got.messages[0].receipt_handle));
  EXPECT_EQ(q.send(msg("x", "g", "d"))->message_id, first->message_id) << "deleting does not end the window";
  EXPECT_EQ(q.visible_count(), 0u);
  clock.advance(1min);
  auto later = q.send(msg("x", "g", "d"));
  ASSERT_TRUE(later);
  EXPECT_NE(later->message_id, first->message_id) << "five minutes on, the id is new again";
  EXPECT_GT(later->sequence_number, first->sequence_number);
  EXPECT_EQ(later->sequence_number.size(), 20u);
}

TEST_F(FifoQueueTest, ContentBasedDeduplicationHashesTheBodyAndScopeMayBeTheGroup) {
  auto q = make(FifoSettings{.content_based_deduplication = true, .deduplication_scope = DeduplicationScope::MessageGroup});
  OutgoingMessage a;
  a.body = "same";
  a.group_id = "g1";
  auto first = q.send(a);
  auto again = q.send(a);
  ASSERT_TRUE(first && again);
  EXPECT_EQ(again->message_id, first->message_id);
  a.group_id = "g2";
  auto other_group = q.send(a);
  ASSERT_TRUE(other_group);
  EXPECT_NE(other_group->message_id, first->message_id) << "deduplicated per group";
  auto got = q.receive(10, 30s);
  ASSERT_EQ(got.messages.size(), 2u);
  EXPECT_EQ(got.messages[0].deduplication_id, base::content_deduplication_id("same"));
  EXPECT_EQ(base::content_deduplication_id("hello"), "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
}

TEST_F(FifoQueueTest, SendsBreakingTheFifoRulesAreRefusedWithSqsErrors) {
  auto q = make();
  OutgoingMessage no_group;
  no_group.body = "x";
  no_group.deduplication_id = "d";
  auto r = q.send(no_group);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Code::MissingParameter);
  EXPECT_EQ(r.error().message, "The request must contain the parameter MessageGroupId.");

  OutgoingMessage no_dedup;
  no_dedup.body = "x";
  no_dedup.group_id = "g";
  r = q.send(no_dedup);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");

  auto delayed = msg("x", "g");
  delayed.delay = 5s;
  r = q.send(delayed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.");
  delayed.delay = 0s;
  EXPECT_TRUE(q.send(delayed)) << "0 is allowed: the queue's delay applies";

  r = q.send(msg("x", std::string(129, 'g')));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length."), std::string::npos);
  r = q.send(msg("x", "g", "has space"));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("for parameter MessageDeduplicationId is invalid."), std::string::npos);
}

TEST_F(FifoQueueTest, AStandardQueueTakesAGroupButNoDeduplicationId) {
  Queue q{"s", "arn:aws:sqs:us-east-1:000000000000:s", "http://h/000000000000/s", {}, clock, ids};
  auto fair = msg("x", "tenant-1");
  fair.deduplication_id.reset();
  auto sent = q.send(fair);
  ASSERT_TRUE(sent);
  EXPECT_TRUE(sent->sequence_number.empty());
  auto got = q.receive(1, 30s);
  ASSERT_EQ(got.messages.size(), 1u);
  EXPECT_EQ(got.messages[0].group_id, "tenant-1");
  auto r = q.send(msg("x", "g", "d"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "Value d for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.");
}

TEST_F(FifoQueueTest, ARetriedReceiveAttemptGetsTheSameMessagesAndHandles) {
  auto q = make();
  for (auto body : {"1", "2"}) ASSERT_TRUE(q.send(msg(body, "g")));
  auto first = q.receive(10, 30s, "attempt-1");
  ASSERT_EQ(first.messages.size(), 2u);
  clock.advance(20s);
  auto retry = q.receive(10, 30s, "attempt-1");
  ASSERT_EQ(retry.messages.size(), 2u);
  EXPECT_EQ(retry.messages[0].receipt_handle, first.messages[0].receipt_handle);
  EXPECT_EQ(retry.messages[1].receipt_handle, first.messages[1].receipt_handle);
  clock.advance(20s);
  EXPECT_TRUE(q.receive(10, 30s).messages.empty()) << "the retry started their visibility timeout again";
  ASSERT_TRUE(q.delete_message(first.messages[0].receipt_handle));
  EXPECT_TRUE(q.receive(10, 30s, "attempt-1").messages.empty()) << "a message of the attempt was deleted: a new receive, 2 in flight";
}

TEST_F(FifoQueueTest, AGroupHeadPastMaxReceiveCountGoesToTheDeadLetterQueueAndTheGroupGoesOn) {
  auto q = make({}, RedrivePolicy{"arn:aws:sqs:us-east-1:000000000000:dlq.fifo", 1});
  for (auto body : {"poison", "next"}) ASSERT_TRUE(q.send(msg(body, "g")));
  ASSERT_EQ(bodies(q.receive(1, 5s)), std::vector<std::string>{"poison"});
  clock.advance(5s);
  auto got = q.receive(10, 5s);
  ASSERT_EQ(got.dead_letters.size(), 1u);
  EXPECT_EQ(got.dead_letters[0].body, "poison");
  EXPECT_EQ(got.dead_letters[0].group_id, "g");
  EXPECT_EQ(bodies(got), std::vector<std::string>{"next"});
}

}  // namespace
}  // namespace localray::sqs::model
