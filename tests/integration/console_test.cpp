// The console's server side through the real binary: the page, the live event stream, and the
// retention flags.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

using namespace std::chrono_literals;

std::string segment_document(const std::string& trace_id, const std::string& id, double start) {
  return nlohmann::json{{"name", "probe"}, {"id", id}, {"trace_id", trace_id}, {"start_time", start}, {"end_time", start + 0.01}}.dump();
}

std::string trace_id(int n, double start) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "1-%08x-%024x", static_cast<unsigned>(start), n);
  return buf;
}

double now() { return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(); }

// A raw connection that reads the event stream as it comes.
class EventStreamClient {
 public:
  explicit EventStreamClient(unsigned short port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect");
    std::string request = "GET /_localray/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n";
    if (::send(fd_, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) throw std::runtime_error("send");
  }
  ~EventStreamClient() { ::close(fd_); }
  // Reads until `needle` has arrived or the time is up; returns everything read so far.
  const std::string& read_until(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (received_.find(needle) == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) break;
      received_.append(buf, static_cast<std::size_t>(n));
    }
    return received_;
  }

 private:
  int fd_ = -1;
  std::string received_;
};

TEST(ConsoleIntegrationTest, ThePageIsServedAtTheUrlPrintedOnStart) {
  LocalrayProcess p{{"--db", ":memory:"}};
  ASSERT_TRUE(p.ready().contains("console_url"));
  std::string url = p.ready()["console_url"];
  EXPECT_EQ(url, "http://127.0.0.1:" + std::to_string(p.port()) + "/_localray/");
  auto page = http_request(p.port(), "GET", "/_localray/", {}, {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(page.status, 200u);
  EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
  EXPECT_EQ(page.headers["content-encoding"], "gzip");
  auto missing = http_request(p.port(), "GET", "/_localray/no-such-file.js");
  EXPECT_EQ(missing.status, 404u);
}

TEST(ConsoleIntegrationTest, HealthReportsEachPartWithWhatItHolds) {
  LocalrayProcess p{{"--db", ":memory:"}};
  auto r = http_request(p.port(), "GET", "/_localray/health");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto health = nlohmann::json::parse(r.body);
  EXPECT_EQ(health["status"], "running");
  for (const char* part : {"store", "apigateway", "sns", "sqs", "dynamodb", "lambda", "event_source_mappings", "xray", "xray_daemon"})
    EXPECT_EQ(health["services"][part]["status"], "running") << part << ": " << health["services"][part].dump();
  EXPECT_EQ(health["services"]["lambda"]["detail"], "6 functions");
  EXPECT_EQ(health["services"]["sns"]["detail"], "2 topics");
  EXPECT_NE(health["services"]["store"]["detail"].get<std::string>().find("segments stored"), std::string::npos);
  EXPECT_NE(health["services"]["xray_daemon"]["detail"].get<std::string>().find(std::to_string(p.udp_port())), std::string::npos);
}

TEST(ConsoleIntegrationTest, ResourcesListThePatternAndWhatTheApisCreated) {
  LocalrayProcess p{{"--db", ":memory:"}};
  auto names = [](const nlohmann::json& list) {
    std::vector<std::string> out;
    for (const auto& r : list) out.push_back(r["name"]);
    return out;
  };
  auto before = nlohmann::json::parse(http_request(p.port(), "GET", "/_localray/resources").body);
  EXPECT_EQ(names(before["tables"]), std::vector<std::string>{"hits"});
  EXPECT_EQ(names(before["queues"]), std::vector<std::string>{"sqsFlowQueue"});
  EXPECT_EQ(before["apis"].size(), 1u);
  EXPECT_EQ(before["functions"].size(), 6u);
  EXPECT_EQ(before["topics"].size(), 2u);
  nlohmann::json create = {{"TableName", "orders"},
                           {"AttributeDefinitions", {{{"AttributeName", "id"}, {"AttributeType", "S"}}}},
                           {"KeySchema", {{{"AttributeName", "id"}, {"KeyType", "HASH"}}}},
                           {"BillingMode", "PAY_PER_REQUEST"}};
  auto made = http_request(p.port(), "POST", "/", create.dump(),
                           {{"X-Amz-Target", "DynamoDB_20120810.CreateTable"}, {"Content-Type", "application/x-amz-json-1.0"}});
  ASSERT_EQ(made.status, 200u) << made.body;
  auto after = nlohmann::json::parse(http_request(p.port(), "GET", "/_localray/resources").body);
  EXPECT_EQ(names(after["tables"]), (std::vector<std::string>{"hits", "orders"}));
  EXPECT_EQ(after["tables"][1]["arn"], "arn:aws:dynamodb:us-east-1:000000000000:table/orders");
}

TEST(ConsoleIntegrationTest, EachStoredTraceIsAnnouncedOnTheEventStream) {
  LocalrayProcess p{{"--db", ":memory:"}};
  EventStreamClient events{p.port()};
  const std::string& head = events.read_until("retry: 2000", 5s);
  ASSERT_NE(head.find("HTTP/1.1 200"), std::string::npos) << head;
  EXPECT_NE(head.find("text/event-stream"), std::string::npos);
  double t = now();
  std::string id = trace_id(1, t);
  p.xray("/TraceSegments", {{"TraceSegmentDocuments", {segment_document(id, "70de5b6f19ff9a0a", t)}}});
  const std::string& all = events.read_until(id, 10s);
  EXPECT_NE(all.find("event: traces\ndata: "), std::string::npos) << all;
  EXPECT_NE(all.find(id), std::string::npos) << all;
}

TEST(ConsoleIntegrationTest, RetentionKeepsTheNewestTraces) {
  LocalrayProcess p{{"--db", ":memory:", "--retention-traces", "3"}};
  double t = now() - 100;
  std::vector<std::string> docs;
  for (int i = 0; i < 6; ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016x", 0x1000 + i);
    docs.push_back(segment_document(trace_id(i + 1, t + i), id, t + i));
  }
  p.xray("/TraceSegments", {{"TraceSegmentDocuments", docs}});
  std::vector<std::string> kept;
  bool pruned = eventually(
      [&] {
        auto page = p.xray("/TraceSummaries", {{"StartTime", t - 10}, {"EndTime", t + 100}});
        kept.clear();
        for (const auto& s : page["TraceSummaries"]) kept.push_back(s["Id"]);
        return kept.size() == 3;
      },
      10s);
  ASSERT_TRUE(pruned) << kept.size() << " traces left";
  EXPECT_EQ(kept, (std::vector<std::string>{trace_id(6, t + 5), trace_id(5, t + 4), trace_id(4, t + 3)}));
}

}  // namespace
}  // namespace localray::testing
