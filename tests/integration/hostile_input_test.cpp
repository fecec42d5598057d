// Malformed and hostile requests to every endpoint: each gets the error the AWS client expects,
// the process stays healthy, and a well-behaved client running alongside is served throughout.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <thread>

#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

// Sends raw bytes (optionally closing the sending side) and reads the answer until the server
// closes or a whole header has come; "" when the server closed without answering.
std::string raw_exchange(unsigned short port, const std::string& bytes, bool close_send = false) {
  asio::io_context io;
  tcp::socket s{io};
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  asio::write(s, asio::buffer(bytes), ec);
  if (close_send) s.shutdown(tcp::socket::shutdown_send, ec);
  std::string out;
  char buf[8192];
  ec = {};
  for (;;) {
    auto n = s.read_some(asio::buffer(buf), ec);
    out.append(buf, n);
    if (ec) break;
    auto end = out.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    auto cl = out.find("Content-Length: ");
    if (cl == std::string::npos) cl = out.find("content-length: ");
    if (cl != std::string::npos && cl < end) {
      std::size_t len = std::stoul(out.substr(cl + 16));
      if (out.size() >= end + 4 + len) break;
    }
  }
  return out;
}

std::string request(const std::string& method, const std::string& target, const std::string& body,
                    const std::vector<std::string>& headers, std::optional<std::size_t> content_length = std::nullopt) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  for (const auto& h : headers) r += h + "\r\n";
  r += "Content-Length: " + std::to_string(content_length.value_or(body.size())) + "\r\n\r\n" + body;
  return r;
}

struct Case {
  const char* name;
  std::string bytes;
  unsigned status;
  std::string contains;  // in the answer: the error code the client matches on
  bool close_send = false;
};

const std::vector<std::string> kDynamo(const char* op) {
  return {std::string{"X-Amz-Target: DynamoDB_20120810."} + op, "Content-Type: application/x-amz-json-1.0"};
}
const std::vector<std::string> kSqsJson(const char* op) {
  return {std::string{"X-Amz-Target: AmazonSQS."} + op, "Content-Type: application/x-amz-json-1.0"};
}
const std::vector<std::string> kForm{"Content-Type: application/x-www-form-urlencoded"};

std::vector<Case> cases(const std::string& invoke_path) {
  std::string nested_json = std::string(100000, '[') + std::string(100000, ']');
  std::string nested_expr = std::string(20000, '(') + "a = :v" + std::string(20000, ')');
  std::string long_update = "SET a = a";
  for (int i = 0; i < 20000; ++i) long_update += " + a";
  std::string queue_url = "http://127.0.0.1/000000000000/sqsFlowQueue";
  return {
      {"dynamodb truncated JSON", request("POST", "/", R"({"TableName":)", kDynamo("GetItem")), 400, "SerializationException"},
      {"dynamodb nested JSON", request("POST", "/", nested_json, kDynamo("GetItem")), 400, "Nesting Levels have exceeded supported limits"},
      {"dynamodb member of the wrong type", request("POST", "/", R"({"TableName":7,"Key":{}})", kDynamo("GetItem")), 400, "Exception"},
      {"dynamodb absurd number", request("POST", "/", R"({"TableName":"xray-tracer","Item":{"id":{"S":"a"},"n":{"N":"1e999999"}}})", kDynamo("PutItem")), 400,
       "ValidationException"},
      {"dynamodb nested condition", request("POST", "/", R"({"TableName":"xray-tracer","Item":{"id":{"S":"a"}},"ConditionExpression":")" + nested_expr +
                                                             R"(","ExpressionAttributeValues":{":v":{"S":"x"}}})",
                                            kDynamo("PutItem")),
       400, "ValidationException"},
      {"dynamodb endless update", request("POST", "/", R"({"TableName":"xray-tracer","Key":{"id":{"S":"a"}},"UpdateExpression":")" + long_update + R"("})",
                                          kDynamo("UpdateItem")),
       400, "ValidationException"},
      {"dynamodb unknown operation", request("POST", "/", "{}", kDynamo("Bogus")), 400, "UnknownOperationException"},
      {"sqs json invalid UTF-8", request("POST", "/", "{\"QueueUrl\":\"" + queue_url + "\",\"MessageBody\":\"\xff\xfe\"}", kSqsJson("SendMessage")), 400, ""},
      {"sqs query invalid UTF-8", request("POST", "/", "Action=SendMessage&Version=2012-11-05&QueueUrl=" + queue_url + "&MessageBody=%FF%FE", kForm), 400,
       "InvalidMessageContents"},
      {"sqs absurd number", request("POST", "/", "Action=ReceiveMessage&Version=2012-11-05&QueueUrl=" + queue_url + "&MaxNumberOfMessages=99999999999999999999999", kForm), 400,
       "InvalidParameterValue"},
      {"sns unknown action", request("POST", "/", "Action=Bogus&Version=2010-03-31", kForm), 400, "InvalidAction"},
      {"sns truncated form", request("POST", "/", "Action=Publish&Version=2010-03-31&TopicArn=%",
                                     {kForm[0], "Authorization: AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0"}),
       400, "MalformedQueryString"},
      {"cloudformation nested template", request("POST", "/", "Action=ValidateTemplate&Version=2010-05-15&TemplateBody=" + std::string(50000, '['), kForm), 400,
       "ValidationError"},
      {"lambda payload over 6 MB", request("POST", "/2015-03-31/functions/sns_subscribe/invocations", std::string(7 * 1024 * 1024, 'x'), {}), 413, ""},
      {"lambda garbage zip", request("POST", "/2015-03-31/functions", R"({"FunctionName":"z","Runtime":"python3.12","Handler":"a.b","Role":"r","Code":{"ZipFile":"bm90IGEgemlw"}})", {}),
       400, "InvalidParameterValueException"},
      {"xray wrong content type", request("POST", "/TraceSegments", "not json at all", {"Content-Type: text/plain"}), 400, "InvalidRequestException"},
      {"xray nested documents", request("POST", "/TraceSegments", "{\"TraceSegmentDocuments\":[\"" + std::string(100000, '[') + "\"]}", {}), 200,
       "InvalidSegment"},
      {"path traversal", request("GET", "/_localray/../../../../etc/passwd", "", {}), 404, ""},
      {"encoded path traversal", request("GET", "/_localray/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "", {}), 404, ""},
      {"console asset traversal", request("GET", "/_localray/assets/..%2f..%2f..%2fetc%2fpasswd", "", {}), 404, ""},
      {"garbage trace header", request("POST", invoke_path + "/x", "{}", {"X-Amzn-Trace-Id: Root=;;;;Parent=" + std::string(5000, 'z') + ";Sampled=9"}), 200, ""},
      {"lying content length", request("POST", "/", R"({"TableName":"x"})", kDynamo("GetItem"), 1000), 400, "", true},
      {"body over the edge's limit", request("POST", "/", "", kDynamo("GetItem"), 9 * 1024 * 1024), 413, "RequestEntityTooLarge"},
      {"header over the edge's limit", request("GET", "/_localray/health", "", {"X-Big: " + std::string(70 * 1024, 'a')}), 400, ""},
      {"not HTTP", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello\r\n\r\n", 400, ""},
  };
}

TEST(HostileInputTest, EveryBadRequestGetsItsErrorAndNobodyElseNotices) {
  LocalrayProcess lr{{"--db", ":memory:", "--seed", "4", "--log-level", "error"}};
  auto invoke = lr.invoke_path();
  // A well-behaved client alongside, and a slow one sending a byte a second.
  std::atomic<bool> done{false};
  std::atomic<int> good = 0, bad = 0;
  std::thread steady([&] {
    while (!done) {
      try {
        auto r = lr.post_json(invoke + "/steady", {{"status", "ok"}});
        (r.status == 200 ? good : bad)++;
      } catch (const std::exception&) {
        ++bad;
      }
      std::this_thread::sleep_for(20ms);
    }
  });
  std::string slow_answer;
  std::thread slow([&] {
    asio::io_context io;
    tcp::socket s{io};
    s.connect({asio::ip::make_address("127.0.0.1"), lr.port()});
    std::string req = "GET /_localray/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    for (std::size_t i = 0; i < req.size(); ++i) {
      asio::write(s, asio::buffer(req.data() + i, 1));
      if (i < 4) std::this_thread::sleep_for(1s);  // a byte a second for a while, then the rest
    }
    boost::system::error_code ec;
    char buf[4096];
    while (!ec) slow_answer.append(buf, s.read_some(asio::buffer(buf), ec));
  });

  for (const auto& c : cases(invoke)) {
    std::string answer = raw_exchange(lr.port(), c.bytes, c.close_send);
    std::string want = "HTTP/1.1 " + std::to_string(c.status);
    EXPECT_EQ(answer.rfind(want, 0), 0u) << c.name << ": " << answer.substr(0, 300);
    if (!c.contains.empty()) EXPECT_NE(answer.find(c.contains), std::string::npos) << c.name << ": " << answer.substr(0, 400);
    EXPECT_EQ(answer.find("root:x:0:0"), std::string::npos) << c.name;
    auto health = http_request(lr.port(), "GET", "/_localray/health");
    EXPECT_EQ(health.status, 200u) << "after " << c.name;
  }
  slow.join();
  done = true;
  steady.join();
  EXPECT_EQ(slow_answer.rfind("HTTP/1.1 200", 0), 0u) << slow_answer.substr(0, 200);
  EXPECT_GT(good.load(), 10);
  EXPECT_EQ(bad.load(), 0) << "the well-behaved client was always served";
}

}  // namespace
}  // namespace localray::testing
