// The user's own functions, run by the real binary in worker processes: Node.js (CommonJS, ES
// modules, async and callback handlers), Python, and a custom runtime's bootstrap; warm reuse,
// concurrency, AWS's error shapes, a pool that recovers, and the segments of each run.
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>
#include <unistd.h>

#include "http/base64.hpp"
#include "tests/integration/localray_process.hpp"

namespace localray::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kNodeIndex = R"(
console.log('init line');
exports.handler = async (event, context) => {
  console.log('handling', JSON.stringify(event));
  return { event, pid: process.pid, trace: process.env._X_AMZN_TRACE_ID, name: context.functionName, client: context.clientContext,
           remaining: context.getRemainingTimeInMillis(), requestId: context.awsRequestId,
           env: { region: process.env.AWS_REGION, endpoint: process.env.AWS_ENDPOINT_URL, root: process.env.LAMBDA_TASK_ROOT,
                  handler: process.env._HANDLER, mine: process.env.MINE, exec: process.env.AWS_EXECUTION_ENV,
                  daemon: process.env.AWS_XRAY_DAEMON_ADDRESS } };
};
exports.callback = (event, context, callback) => { setTimeout(() => callback(null, { via: 'callback', n: event.n }), 20); };
exports.throws = async () => { const e = new TypeError('bad input'); throw e; };
exports.slow = async (event) => { await new Promise((r) => setTimeout(r, event.ms)); return { pid: process.pid }; };
exports.exits = async () => { process.exit(3); };
exports.notAFunction = 42;
exports.nested = { deeper: async () => 'nested ok' };
)";

// An ES module that imports the SDK the runtime provides, with no node_modules of its own.
constexpr const char* kNodeEsm = R"(
import { SQSClient, ListQueuesCommand } from '@aws-sdk/client-sqs';
const sqs = new SQSClient({});
export const handler = async (event) => {
  const listed = await sqs.send(new ListQueuesCommand({}));
  return { esm: true, n: event.n, sdk: Array.isArray(listed.QueueUrls ?? []) };
};
)";

constexpr const char* kPython = R"(
import os
print("python init")
def handler(event, context):
    print("python handling", event["n"])
    return {"n": event["n"], "pid": os.getpid(), "trace": os.environ.get("_X_AMZN_TRACE_ID"),
            "remaining": context.get_remaining_time_in_millis(), "request_id": context.aws_request_id}
def fails(event, context):
    raise ValueError("python says no")
)";

// A custom runtime as AWS's tutorial writes one: a shell loop over the Runtime API with curl.
constexpr const char* kBootstrap = R"SH(#!/bin/bash
set -euo pipefail
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
  ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  TRACE=$(grep -Fi Lambda-Runtime-Trace-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  rm -f "$HEADERS"
  echo "custom runtime got $ID"
  if [ "$EVENT" = '{"fail":true}' ]; then
    curl -sS -X POST -H 'Lambda-Runtime-Function-Error-Type: Function.Custom' "$API/invocation/$ID/error" \
      -d '{"errorMessage":"asked to fail","errorType":"Function.Custom"}' >/dev/null
  else
    curl -sS -X POST "$API/invocation/$ID/response" -d "{\"echo\":$EVENT,\"handler\":\"$_HANDLER\",\"trace\":\"$TRACE\"}" >/dev/null
  fi
done
)SH";

class UserFunctionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("localray-user-fns-" + std::to_string(::getpid()));
    write_file(dir_ / "node" / "index.js", kNodeIndex);
    write_file(dir_ / "esm" / "app.mjs", kNodeEsm);
    write_file(dir_ / "py" / "app.py", kPython);
    write_file(dir_ / "custom" / "bootstrap", kBootstrap);
    // A package as `zip` or a build tool leaves it, made with Python's zipfile.
    std::string zip = (dir_ / "packaged.zip").string();
    std::string make_zip = "/usr/bin/python3 -c \"import zipfile; z = zipfile.ZipFile('" + zip +
                           "', 'w'); z.writestr('lib/handler.py', 'def run(event, context):\\n    return {\\'packaged\\': True}\\n'); z.close()\"";
    if (std::system(make_zip.c_str()) != 0) ADD_FAILURE() << make_zip;
    fs::permissions(dir_ / "custom" / "bootstrap", fs::perms::owner_all);
    json fn = json::array();
    auto node = [&](const char* name, const char* handler, int timeout = 3, int concurrency = 10) {
      fn.push_back({{"name", name}, {"runtime", "nodejs20.x"}, {"code", "node"}, {"handler", handler}, {"timeout", timeout},
                    {"concurrency", concurrency}, {"environment", {{"MINE", "${function:" + std::string{name} + "}"}}}});
    };
    node("node_async", "index.handler");
    node("node_callback", "index.callback");
    node("node_throws", "index.throws");
    node("node_slow", "index.slow", 1, 2);
    node("node_exits", "index.exits");
    node("node_missing_module", "nothere.handler");
    node("node_not_exported", "index.absent");
    node("node_not_a_function", "index.notAFunction");
    node("node_nested", "index.nested.deeper");
    node("node_concurrent", "index.slow", 3, 10);
    fn.push_back({{"name", "node_esm"}, {"runtime", "nodejs22.x"}, {"code", "esm"}, {"handler", "app.handler"}});
    fn.push_back({{"name", "py"}, {"runtime", "python3.11"}, {"code", "py"}, {"handler", "app.handler"}});
    fn.push_back({{"name", "py_fails"}, {"runtime", "python3.12"}, {"code", "py"}, {"handler", "app.fails"}});
    fn.push_back({{"name", "py_missing"}, {"runtime", "python3.12"}, {"code", "py"}, {"handler", "nope.handler"}});
    fn.push_back({{"name", "custom"}, {"runtime", "provided.al2023"}, {"code", "custom"}, {"handler", "my.handler"}});
    fn.push_back({{"name", "packaged"}, {"runtime", "python3.12"}, {"code", "packaged.zip"}, {"handler", "lib/handler.run"}});
    write_file(dir_ / "topology.json", json{{"functions", fn}}.dump());
    lr_ = new LocalrayProcess({"--db", ":memory:", "--config", (dir_ / "topology.json").string()});
  }
  static void TearDownTestSuite() {
    delete lr_;
    fs::remove_all(dir_);
  }

  struct Invoked {
    HttpResult http;
    json body;
    std::string log;  // decoded X-Amz-Log-Result
  };
  static Invoked invoke(const std::string& fn, const json& payload, std::map<std::string, std::string> headers = {}) {
    headers["X-Amz-Log-Type"] = "Tail";
    Invoked out;
    out.http = http_request(lr_->port(), "POST", "/2015-03-31/functions/" + fn + "/invocations", payload.dump(), headers);
    out.body = json::parse(out.http.body, nullptr, false);
    if (auto it = out.http.headers.find("x-amz-log-result"); it != out.http.headers.end())
      out.log = http::base64_decode(it->second).value_or("");
    return out;
  }
  // The stored documents of a trace, once `count` of them are there.
  static std::vector<json> documents(const std::string& trace_id, std::size_t count) {
    std::vector<json> docs;
    eventually([&] {
      docs.clear();
      auto r = lr_->xray("/Traces", {{"TraceIds", {trace_id}}});
      for (const auto& t : r.at("Traces"))
        for (const auto& s : t.at("Segments")) docs.push_back(json::parse(s.at("Document").get<std::string>()));
      return docs.size() >= count;
    }, 5s);
    return docs;
  }
  static json with_origin(const std::vector<json>& docs, const std::string& origin) {
    for (const auto& d : docs)
      if (d.value("origin", "") == origin) return d;
    return nullptr;
  }
  static std::vector<std::string> subsegment_names(const json& doc) {
    std::vector<std::string> names;
    for (const auto& s : doc.value("subsegments", json::array())) names.push_back(s.at("name"));
    return names;
  }

  static LocalrayProcess* lr_;
  static fs::path dir_;
};

LocalrayProcess* UserFunctionsTest::lr_ = nullptr;
fs::path UserFunctionsTest::dir_;

TEST_F(UserFunctionsTest, NodeAsyncHandlerSeesTheEventContextAndLambdasEnvironment) {
  auto r = invoke("node_async", {{"hello", "world"}}, {{"X-Amz-Client-Context", "eyJjdXN0b20iOnsiayI6InYifX0="}});
  ASSERT_EQ(r.http.status, 200u) << r.http.body;
  EXPECT_FALSE(r.http.headers.contains("x-amz-function-error"));
  EXPECT_EQ(r.body.at("event"), (json{{"hello", "world"}}));
  EXPECT_EQ(r.body.at("name"), "node_async");
  EXPECT_EQ(r.body.at("client"), (json{{"custom", {{"k", "v"}}}})) << "Invoke's client context, decoded";
  EXPECT_GT(r.body.at("remaining").get<int>(), 2000);
  EXPECT_LE(r.body.at("remaining").get<int>(), 3000);
  const auto& env = r.body.at("env");
  EXPECT_EQ(env.at("region"), "us-east-1");
  EXPECT_EQ(env.at("endpoint"), "http://127.0.0.1:" + std::to_string(lr_->port()));
  EXPECT_EQ(env.at("root"), (dir_ / "node").string());
  EXPECT_EQ(env.at("handler"), "index.handler");
  EXPECT_EQ(env.at("exec"), "AWS_Lambda_nodejs20.x");
  EXPECT_EQ(env.at("mine"), "arn:aws:lambda:us-east-1:000000000000:function:node_async") << "placeholders resolved";
  EXPECT_EQ(env.at("daemon"), "127.0.0.1:" + std::to_string(lr_->udp_port()));
  // The full header, or the X-Ray SDKs drop their subsegments.
  std::string trace = r.body.at("trace");
  EXPECT_TRUE(trace.starts_with("Root=1-")) << trace;
  EXPECT_NE(trace.find(";Parent="), std::string::npos) << trace;
  EXPECT_NE(trace.find(";Sampled=1"), std::string::npos) << trace;
  // The run's own lines, with its request id, between START and REPORT.
  EXPECT_NE(r.log.find("START RequestId: " + r.body.at("requestId").get<std::string>()), std::string::npos) << r.log;
  EXPECT_NE(r.log.find("\tINFO\thandling {\"hello\":\"world\"}"), std::string::npos) << r.log;
  EXPECT_NE(r.log.find("REPORT RequestId: "), std::string::npos) << r.log;

  // The same run's log at /_localray/logs, with its trace id.
  std::string request_id = r.body.at("requestId");
  auto logs = http_request(lr_->port(), "GET", "/_localray/logs?function=node_async&request_id=" + request_id);
  ASSERT_EQ(logs.status, 200u);
  auto runs = json::parse(logs.body).at("runs");
  ASSERT_EQ(runs.size(), 1u) << logs.body;
  EXPECT_EQ(runs[0].at("trace_id"), trace.substr(5, trace.find(';') - 5));
  EXPECT_NE(runs[0].at("log").get<std::string>().find("\tINFO\thandling {\"hello\":\"world\"}"), std::string::npos);
  EXPECT_FALSE(runs[0].at("failed"));
  EXPECT_EQ(http_request(lr_->port(), "GET", "/_localray/logs").status, 400u);
}

TEST_F(UserFunctionsTest, ColdStartIsTheInitializationSubsegmentAndOnlyTheFirstRunHasOne) {
  auto first = invoke("node_nested", json::object());
  ASSERT_EQ(first.http.status, 200u) << first.http.body;
  EXPECT_EQ(first.body, "nested ok");
  EXPECT_NE(first.log.find("Init Duration: "), std::string::npos) << first.log;
  auto second = invoke("node_nested", json::object());
  EXPECT_EQ(second.log.find("Init Duration: "), std::string::npos) << second.log;

  // The function segments of node_nested's runs, once both runs are stored.
  std::vector<json> segments;
  eventually([&] {
    segments.clear();
    auto traces = lr_->xray("/TraceSummaries", {{"StartTime", std::time(nullptr) - 60}, {"EndTime", std::time(nullptr) + 5},
                                                {"FilterExpression", "service(\"node_nested\")"}});
    for (const auto& summary : traces.at("TraceSummaries")) {
      auto docs = documents(summary.at("Id"), 2);
      auto fn = with_origin(docs, "AWS::Lambda::Function");
      if (!fn.is_null() && !with_origin(docs, "AWS::Lambda").is_null()) segments.push_back(fn);
    }
    return segments.size() == 2;
  }, 5s);
  std::vector<std::vector<std::string>> shapes;
  for (const auto& fn : segments) {
    auto names = subsegment_names(fn);
    shapes.push_back(names);
    if (names.front() == "Initialization") {
      const auto& init = fn.at("subsegments")[0];
      const auto& invocation = fn.at("subsegments")[1];
      EXPECT_GT(init.at("end_time").get<double>() - init.at("start_time").get<double>(), 0.005) << "a real process start";
      EXPECT_GE(invocation.at("start_time").get<double>(), init.at("end_time").get<double>());
    }
  }
  ASSERT_EQ(shapes.size(), 2u);
  std::multiset<std::vector<std::string>> got(shapes.begin(), shapes.end());
  EXPECT_EQ(got, (std::multiset<std::vector<std::string>>{{"Initialization", "Invocation", "Overhead"}, {"Invocation", "Overhead"}}));
}

TEST_F(UserFunctionsTest, CallbackHandlersAndEsModulesAnswer) {
  auto cb = invoke("node_callback", {{"n", 7}});
  ASSERT_EQ(cb.http.status, 200u);
  EXPECT_EQ(cb.body, (json{{"via", "callback"}, {"n", 7}}));
  auto esm = invoke("node_esm", {{"n", 8}});
  ASSERT_EQ(esm.http.status, 200u) << esm.http.body;
  EXPECT_EQ(esm.body, (json{{"esm", true}, {"n", 8}, {"sdk", true}}));
}

TEST_F(UserFunctionsTest, PythonHandlerRunsWithContextAndPrintsIntoItsLog) {
  auto r = invoke("py", {{"n", 5}});
  ASSERT_EQ(r.http.status, 200u) << r.http.body;
  EXPECT_EQ(r.body.at("n"), 5);
  EXPECT_GT(r.body.at("remaining").get<int>(), 2000);
  EXPECT_TRUE(r.body.at("trace").get<std::string>().starts_with("Root=1-"));
  EXPECT_NE(r.log.find("python handling 5"), std::string::npos) << r.log;
  EXPECT_NE(r.log.find("python init"), std::string::npos) << "the cold start's own lines come with its first run: " << r.log;

  auto failed = invoke("py_fails", {{"n", 1}});
  EXPECT_EQ(failed.http.headers["x-amz-function-error"], "Unhandled");
  EXPECT_EQ(failed.body.at("errorType"), "ValueError");
  EXPECT_EQ(failed.body.at("errorMessage"), "python says no");
  EXPECT_FALSE(failed.body.at("stackTrace").empty());

  auto missing = invoke("py_missing", {{"n", 1}});
  EXPECT_EQ(missing.body.at("errorType"), "Runtime.ImportModuleError");
  EXPECT_EQ(missing.body.at("errorMessage"), "Unable to import module 'nope': No module named 'nope'");
}

TEST_F(UserFunctionsTest, CodeFromAZipPackageInTheTopology) {
  auto r = invoke("packaged", json::object());
  ASSERT_EQ(r.http.status, 200u) << r.http.body;
  EXPECT_EQ(r.body, (json{{"packaged", true}})) << "handler lib/handler.run from the unpacked zip";
  auto config = http_request(lr_->port(), "GET", "/2015-03-31/functions/packaged/configuration");
  EXPECT_FALSE(json::parse(config.body).at("CodeSha256").get<std::string>().empty());
}

TEST_F(UserFunctionsTest, CustomRuntimeBootstrapSpeaksTheRuntimeApi) {
  auto r = invoke("custom", {{"k", "v"}});
  ASSERT_EQ(r.http.status, 200u) << r.http.body;
  EXPECT_EQ(r.body.at("echo"), (json{{"k", "v"}}));
  EXPECT_EQ(r.body.at("handler"), "my.handler");
  EXPECT_TRUE(r.body.at("trace").get<std::string>().starts_with("Root=1-")) << r.body;
  EXPECT_NE(r.log.find("custom runtime got "), std::string::npos) << r.log;
  auto failed = invoke("custom", {{"fail", true}});
  EXPECT_EQ(failed.http.headers["x-amz-function-error"], "Unhandled");
  EXPECT_EQ(failed.body, (json{{"errorMessage", "asked to fail"}, {"errorType", "Function.Custom"}}));
}

TEST_F(UserFunctionsTest, HandlerErrorsComeBackInAwsShape) {
  auto thrown = invoke("node_throws", json::object());
  ASSERT_EQ(thrown.http.status, 200u);
  EXPECT_EQ(thrown.http.headers["x-amz-function-error"], "Unhandled");
  EXPECT_EQ(thrown.body.at("errorType"), "TypeError");
  EXPECT_EQ(thrown.body.at("errorMessage"), "bad input");
  EXPECT_EQ(thrown.body.at("trace")[0], "TypeError: bad input");

  auto missing = invoke("node_missing_module", json::object());
  EXPECT_EQ(missing.body.at("errorType"), "Runtime.ImportModuleError");
  EXPECT_TRUE(missing.body.at("errorMessage").get<std::string>().starts_with("Error: Cannot find module 'nothere'")) << missing.body;

  auto absent = invoke("node_not_exported", json::object());
  EXPECT_EQ(absent.body.at("errorType"), "Runtime.HandlerNotFound");
  EXPECT_EQ(absent.body.at("errorMessage"), "index.absent is undefined or not exported");
  auto not_fn = invoke("node_not_a_function", json::object());
  EXPECT_EQ(not_fn.body.at("errorMessage"), "index.notAFunction is not a function");

  // Each failure is in its trace as a fault with AWS's error type as the cause.
  EXPECT_TRUE(eventually([] {
    auto traces = lr_->xray("/TraceSummaries", {{"StartTime", std::time(nullptr) - 60}, {"EndTime", std::time(nullptr) + 5},
                                                {"FilterExpression", "service(\"node_throws\") { fault }"}});
    return !traces.at("TraceSummaries").empty();
  }, 5s));
}

TEST_F(UserFunctionsTest, TimeoutKillsTheWorkerAndTheNextRunGetsAFreshOne) {
  auto warm = invoke("node_slow", {{"ms", 1}});
  ASSERT_EQ(warm.http.status, 200u) << warm.http.body;
  int first_pid = warm.body.at("pid");
  auto start = std::chrono::steady_clock::now();
  auto slow = invoke("node_slow", {{"ms", 5000}});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(slow.http.headers["x-amz-function-error"], "Unhandled");
  EXPECT_EQ(slow.body.at("errorType"), "Sandbox.Timedout");
  EXPECT_NE(slow.body.at("errorMessage").get<std::string>().find("Task timed out after 1.00 seconds"), std::string::npos);
  EXPECT_LT(took, 4s) << "stopped at the function's 1 s timeout, not when the handler finished";
  auto after = invoke("node_slow", {{"ms", 1}});
  ASSERT_EQ(after.http.status, 200u);
  EXPECT_FALSE(after.http.headers.contains("x-amz-function-error")) << after.http.body;
  EXPECT_NE(after.body.at("pid").get<int>(), first_pid) << "the timed-out worker was replaced";
  EXPECT_NE(::kill(first_pid, 0), 0) << "and it is gone";
}

TEST_F(UserFunctionsTest, AWorkerThatExitsIsReportedAndReplaced) {
  auto r = invoke("node_exits", json::object());
  EXPECT_EQ(r.http.headers["x-amz-function-error"], "Unhandled");
  EXPECT_EQ(r.body.at("errorType"), "Runtime.ExitError");
  EXPECT_NE(r.body.at("errorMessage").get<std::string>().find("Runtime exited with error: exit status 3"), std::string::npos);
  auto again = invoke("node_exits", json::object());
  EXPECT_EQ(again.body.at("errorType"), "Runtime.ExitError") << "a new worker ran it again";
}

TEST_F(UserFunctionsTest, SequentialRunsReuseOneWorkerAndConcurrentOnesAtMostTheConcurrency) {
  std::set<int> pids;
  for (int i = 0; i < 100; ++i) {
    auto r = invoke("node_concurrent", {{"ms", 0}});
    ASSERT_EQ(r.http.status, 200u) << r.http.body;
    pids.insert(r.body.at("pid").get<int>());
  }
  EXPECT_EQ(pids.size(), 1u) << "100 sequential runs, one warm worker";

  std::vector<std::future<Invoked>> runs;
  for (int i = 0; i < 12; ++i) runs.push_back(std::async(std::launch::async, [] { return invoke("node_concurrent", {{"ms", 300}}); }));
  std::set<int> concurrent;
  int throttled = 0;
  for (auto& f : runs) {
    auto r = f.get();
    if (r.http.status == 429) {
      ++throttled;
      EXPECT_EQ(r.http.headers["x-amzn-errortype"], "TooManyRequestsException");
      continue;
    }
    ASSERT_EQ(r.http.status, 200u) << r.http.body;
    concurrent.insert(r.body.at("pid").get<int>());
  }
  EXPECT_LE(concurrent.size(), 10u);
  EXPECT_GE(concurrent.size(), 2u) << "runs overlapped in several workers";
  EXPECT_EQ(throttled + static_cast<int>(concurrent.size()) >= 10, true);
}

}  // namespace
}  // namespace localray::testing

namespace localray::testing {
namespace {

// --watch: an edit to the code folder reaches the next invocation, without a restart.
TEST(UserFunctionsWatchTest, AnEditedHandlerAnswersTheNextInvocation) {
  auto dir = fs::temp_directory_path() / ("localray-watch-" + std::to_string(::getpid()));
  write_file(dir / "code" / "index.js", "exports.handler = async () => ({ version: 1, pid: process.pid });\n");
  write_file(dir / "topology.json",
        json{{"functions", {{{"name", "watched"}, {"runtime", "nodejs20.x"}, {"code", "code"}, {"handler", "index.handler"}}}}}.dump());
  LocalrayProcess lr({"--db", ":memory:", "--watch", "--config", (dir / "topology.json").string()});
  auto invoke = [&] {
    auto r = http_request(lr.port(), "POST", "/2015-03-31/functions/watched/invocations", "{}");
    return json::parse(r.body, nullptr, false);
  };
  auto first = invoke();
  ASSERT_EQ(first.value("version", 0), 1) << first;
  EXPECT_EQ(invoke().at("pid"), first.at("pid")) << "warm until the code changes";
  write_file(dir / "code" / "index.js", "exports.handler = async () => ({ version: 2, pid: process.pid });\n");
  json after;
  EXPECT_TRUE(eventually([&] {
    after = invoke();
    return after.value("version", 0) == 2;
  }, 5s)) << after;
  EXPECT_NE(after.at("pid"), first.at("pid"));
  lr.stop();
  fs::remove_all(dir);
}

// Workers belong to localray: gone after a clean stop, and after a `kill -9` too.
bool gone(int pid) {
  if (::kill(pid, 0) != 0) return true;
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string line;
  std::getline(stat, line);
  auto close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';  // dead, not yet reaped by init
}

TEST(UserFunctionsOwnershipTest, WorkersEndWithLocalrayHoweverItEnds) {
  auto dir = fs::temp_directory_path() / ("localray-owned-" + std::to_string(::getpid()));
  // Busy in a long run, not waiting on the Runtime API: only its owner going away can end it.
  write_file(dir / "code" / "index.js",
             "const fs = require('fs');\n"
             "exports.handler = async (e) => { fs.writeFileSync(e.pidFile, String(process.pid)); await new Promise((r) => setTimeout(r, 60000)); };\n");
  write_file(dir / "topology.json", json{{"functions", {{{"name", "owned"}, {"runtime", "nodejs20.x"}, {"code", "code"},
                                                         {"handler", "index.handler"}, {"timeout", 120}}}}}.dump());
  for (bool hard : {false, true}) {
    auto pid_file = (dir / (hard ? "hard.pid" : "soft.pid")).string();
    LocalrayProcess lr({"--db", ":memory:", "--config", (dir / "topology.json").string()});
    auto r = http_request(lr.port(), "POST", "/2015-03-31/functions/owned/invocations", json{{"pidFile", pid_file}}.dump(),
                          {{"X-Amz-Invocation-Type", "Event"}});
    ASSERT_EQ(r.status, 202u);
    int pid = 0;
    ASSERT_TRUE(eventually([&] {
      std::ifstream in{pid_file};
      return static_cast<bool>(in >> pid);
    }, 5s));
    ASSERT_FALSE(gone(pid));
    if (hard) lr.kill_hard();
    else lr.stop();
    EXPECT_TRUE(eventually([pid] { return gone(pid); }, 3s)) << (hard ? "after kill -9" : "after SIGINT");
  }
  fs::remove_all(dir);
}

// A clean stop waits for a run in progress as long as --stop-timeout says, and no longer: a run
// shorter than the timeout ends and its result is kept, a longer one is cut when the time is up.
TEST(UserFunctionsOwnershipTest, ACleanStopWaitsForRunsUpToItsStopTimeout) {
  auto dir = fs::temp_directory_path() / ("localray-stop-timeout-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  write_file(dir / "code" / "index.js",
             "const fs = require('fs');\n"
             "exports.handler = async (e) => {\n"
             "  fs.writeFileSync(e.started, 'yes');\n"
             "  await new Promise((r) => setTimeout(r, e.ms));\n"
             "  fs.writeFileSync(e.done, 'yes');\n"
             "};\n");
  write_file(dir / "topology.json", json{{"functions", {{{"name", "slow"}, {"runtime", "nodejs20.x"}, {"code", "code"},
                                                         {"handler", "index.handler"}, {"timeout", 120}}}}}.dump());
  struct Case {
    const char* stop_timeout;
    int run_ms;
    bool finishes;
    bool signalled_twice = false;  // a second Ctrl-C cuts the wait short
  };
  // Either of the first two would go otherwise with the default 5 s: the 7 s run would be cut, the
  // stop would wait 5 s for the long one.
  for (auto c : {Case{"30", 7000, true}, Case{"0.5", 60000, false}, Case{"31", 60000, false, true}}) {
    auto started = (dir / (std::string{"started-"} + c.stop_timeout)).string();
    auto done = (dir / (std::string{"done-"} + c.stop_timeout)).string();
    LocalrayProcess lr({"--db", ":memory:", "--config", (dir / "topology.json").string(), "--stop-timeout", c.stop_timeout});
    auto r = http_request(lr.port(), "POST", "/2015-03-31/functions/slow/invocations",
                          json{{"started", started}, {"done", done}, {"ms", c.run_ms}}.dump(), {{"X-Amz-Invocation-Type", "Event"}});
    ASSERT_EQ(r.status, 202u);
    ASSERT_TRUE(eventually([&] { return fs::exists(started); }, 10s)) << "the run began";
    auto stopping = std::chrono::steady_clock::now();
    if (c.signalled_twice) {
      ::kill(lr.pid(), SIGINT);
      std::this_thread::sleep_for(500ms);
    }
    EXPECT_EQ(lr.stop(40s), 0) << "a clean stop exits 0 either way";
    auto took = std::chrono::steady_clock::now() - stopping;
    EXPECT_EQ(fs::exists(done), c.finishes) << "--stop-timeout " << c.stop_timeout << " and a run of " << c.run_ms << " ms";
    if (!c.finishes) {
      EXPECT_LT(took, 4s) << "the stop did not wait for the 60 s run (--stop-timeout " << c.stop_timeout << ", signalled "
                          << (c.signalled_twice ? "twice" : "once") << ")";
    }
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace localray::testing
