#include "web/live_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "http/event_stream.hpp"

namespace localray::web {
namespace {

namespace asio = boost::asio;

// Runs the stream's next() to completion on `io`.
std::optional<std::string> next_chunk(asio::io_context& io, http::EventStream& stream) {
  auto future = asio::co_spawn(io, stream.next(), asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

TEST(LiveEventsTest, ACommitReachesEverySubscriberAsOneTracesEvent) {
  asio::io_context io;
  LiveEvents live;
  auto a = live.subscribe(io.get_executor());
  auto b = live.subscribe(io.get_executor());
  EXPECT_EQ(a.headers.get("Content-Type"), "text/event-stream; charset=utf-8");
  ASSERT_TRUE(a.stream && b.stream);
  EXPECT_EQ(live.subscribers(), 2u);
  EXPECT_EQ(next_chunk(io, *a.stream), "retry: 2000\n\n");
  live.publish({"1-5759e988-bd862e3fe1be46a994272793", "1-5759e988-bd862e3fe1be46a994272794"});
  EXPECT_EQ(next_chunk(io, *a.stream),
            "event: traces\ndata: {\"count\":2,\"traceIds\":[\"1-5759e988-bd862e3fe1be46a994272793\",\"1-5759e988-bd862e3fe1be46a994272794\"]}\n\n");
  EXPECT_EQ(next_chunk(io, *b.stream), "retry: 2000\n\n");
  EXPECT_NE(next_chunk(io, *b.stream)->find("bd862e3fe1be46a994272794"), std::string::npos);
}

TEST(LiveEventsTest, CloseEndsOpenStreamsAndRefusesNewOnes) {
  asio::io_context io;
  LiveEvents live;
  auto s = live.subscribe(io.get_executor());
  EXPECT_EQ(next_chunk(io, *s.stream), "retry: 2000\n\n");
  live.close();
  EXPECT_EQ(next_chunk(io, *s.stream), std::nullopt);
  auto late = live.subscribe(io.get_executor());
  EXPECT_EQ(next_chunk(io, *late.stream), "retry: 2000\n\n");
  EXPECT_EQ(next_chunk(io, *late.stream), std::nullopt);
}

TEST(LiveEventsTest, AGoneClientIsForgotten) {
  asio::io_context io;
  LiveEvents live;
  { auto s = live.subscribe(io.get_executor()); }
  io.run();  // the handlers it had queued hold it until they ran
  EXPECT_EQ(live.subscribers(), 0u);
  live.publish({"1-5759e988-bd862e3fe1be46a994272793"});  // nobody to tell: no effect, no crash
}

TEST(LiveEventsTest, AnEventNamesAtMostFiftyTracesAndCountsThemAll) {
  std::vector<std::string> ids;
  for (int i = 0; i < 120; ++i) ids.push_back("1-5759e988-" + std::to_string(100000 + i));
  std::string event = traces_event(ids);
  ASSERT_EQ(event.rfind("event: traces\ndata: ", 0), 0u);
  auto data = nlohmann::json::parse(event.substr(20, event.size() - 22));
  EXPECT_EQ(data["count"], 120);
  EXPECT_EQ(data["traceIds"].size(), 50u);
}

}  // namespace
}  // namespace localray::web
