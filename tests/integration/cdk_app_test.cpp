// The seed's app as a CDK app (functions/examples/xray-tracer-cdk: five stacks, TypeScript,
// aws-cdk-lib), synthesized offline by the real `cdk` CLI and run with --cdk-out: driven through its
// own API Gateway, it gives the built-in pattern's service graph, its Node.js handlers running as
// the user's code.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/integration/localray_process.hpp"
#include "tests/support/pattern_graph.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr int kRequests = 6;

double now_seconds() { return static_cast<double>(std::time(nullptr)); }

// A port free now, so that the app's TargetUrl parameter can name it before localray starts.
unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string read_all(const fs::path& p) {
  std::ifstream in{p};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class CdkAppTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fs::path app = fs::path{LOCALRAY_SOURCE_DIR} / "functions" / "examples" / "xray-tracer-cdk";
    out_ = fs::temp_directory_path() / ("localray-cdk-" + std::to_string(::getpid()));
    fs::remove_all(out_);
    fs::create_directories(out_);
    // Offline: no version check, no notices, no telemetry.
    std::string command = "cd '" + app.string() + "' && ./node_modules/.bin/tsc && CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=true "
                          "./node_modules/.bin/cdk synth --quiet --no-notices -o '" + (out_ / "cdk.out").string() + "' > '" +
                          (out_ / "synth.log").string() + "' 2>&1";
    int status = std::system(command.c_str());
    ASSERT_EQ(status, 0) << "cdk synth failed:\n" << read_all(out_ / "synth.log");
    unsigned short port = free_port();
    lr_ = new LocalrayProcess({"--db", ":memory:", "--port", std::to_string(port), "--cdk-out", (out_ / "cdk.out").string(), "--parameter",
                               "TargetUrl=http://127.0.0.1:" + std::to_string(port) + "/_localray/stand-in/todos/1", "--parameter",
                               "SslFailureRate=0"});
  }
  static void TearDownTestSuite() {
    delete lr_;
    fs::remove_all(out_);
  }

  static LocalrayProcess* lr_;
  static fs::path out_;
};

LocalrayProcess* CdkAppTest::lr_ = nullptr;
fs::path CdkAppTest::out_;

TEST_F(CdkAppTest, StacksLoadInDependencyOrderWithTheirExports) {
  ASSERT_NE(lr_, nullptr);
  auto resources = json::parse(http_request(lr_->port(), "GET", "/_localray/resources").body);
  const json& stacks = resources.at("stacks");
  ASSERT_EQ(stacks.size(), 5u);
  EXPECT_EQ(stacks[0].at("name"), "the-xray-tracer") << "the flows depend on it";
  std::set<std::string> names;
  for (const auto& s : stacks) names.insert(s.at("name").get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"the-xray-tracer", "the-http-flow-stack", "the-dynamo-flow-stack", "the-sns-flow-stack",
                                          "the-sqs-flow-stack"}));
  // The topic's ARN crosses stacks as an export.
  bool exported = false;
  for (const auto& o : stacks[0].at("outputs"))
    exported |= o.contains("export") && o.at("value") == "arn:aws:sns:us-east-1:000000000000:xrayTracerTopic";
  EXPECT_TRUE(exported) << stacks[0].dump();
  // Each function's code is the synthesized asset folder; IAM and the CDK's metadata are accepted.
  std::map<std::string, std::string> status;
  for (const auto& s : stacks)
    for (const auto& r : s.at("resources")) status[r.at("type").get<std::string>()] = r.at("status").get<std::string>();
  EXPECT_EQ(status["AWS::Lambda::Function"], "emulated");
  EXPECT_EQ(status["AWS::ApiGateway::Method"], "emulated");
  EXPECT_EQ(status["AWS::IAM::Role"], "accepted");
  EXPECT_EQ(status["AWS::CDK::Metadata"], "accepted");
  std::set<std::string> functions;
  for (const auto& f : resources.at("functions")) functions.insert(f.at("name").get<std::string>());
  EXPECT_EQ(functions, std::set<std::string>(pattern_functions().begin(), pattern_functions().end()));
}

TEST_F(CdkAppTest, DrivenThroughItsOwnApiItDrawsThePatternsServiceGraph) {
  ASSERT_NE(lr_, nullptr);
  for (int i = 0; i < kRequests; ++i) {
    auto r = lr_->post_json(lr_->invoke_path() + "/cdk/" + std::to_string(i), {{"status", "ok"}});
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(json::parse(r.body), (json{{"message", "message added to topic"}}));
  }
  std::set<std::string> nodes, edges;
  bool complete = eventually([&] {
    auto g = lr_->xray("/ServiceGraph", {{"StartTime", now_seconds() - 600}, {"EndTime", now_seconds() + 60}});
    auto sets = graph_sets(g);
    nodes = std::move(sets.nodes);
    edges = std::move(sets.edges);
    return nodes == pattern_nodes() && edges == pattern_edges();
  }, 30s);
  EXPECT_TRUE(complete);
  EXPECT_EQ(nodes, pattern_nodes());
  EXPECT_EQ(edges, pattern_edges());
}

}  // namespace
}  // namespace localray::testing
