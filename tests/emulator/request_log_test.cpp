#include "emulator/request_log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <thread>

namespace localray::emulator {
namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(RequestLog, BeyondTheLinesOfASecondRequestsAreCountedAndToldInOneLine) {
  std::ostringstream out;
  auto log = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  log->set_pattern("%v");
  RequestLog requests{log, 3};
  for (int i = 0; i < 10; ++i) requests.answered("1-abc", "POST", "/", i == 7 ? 404 : 200, 0.1);
  requests.answered("", "POST", "/", 503, 0.1);
  std::string first = out.str();
  EXPECT_EQ(count_of(first, " -> 200 "), 3u) << first;
  EXPECT_EQ(count_of(first, " -> 503 "), 1u) << "a server fault is always told: " << first;
  EXPECT_EQ(first.find("without a line"), std::string::npos);
  std::this_thread::sleep_for(std::chrono::milliseconds{1050});
  requests.answered("1-abc", "GET", "/x", 200, 0.1);
  std::string then = out.str().substr(first.size());
  EXPECT_NE(then.find("7 requests answered without a line of their own (over 3 a second): 6 below 400, 1 4xx, 0 5xx"), std::string::npos) << then;
  EXPECT_EQ(count_of(then, "[1-abc] GET /x -> 200"), 1u) << "a new second logs again: " << then;
}

TEST(RequestLog, NothingIsCountedWhenInfoIsNotLogged) {
  std::ostringstream out;
  auto log = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::ostream_sink_st>(out));
  log->set_level(spdlog::level::warn);
  RequestLog requests{log, 1};
  for (int i = 0; i < 5; ++i) requests.answered("", "GET", "/", 200, 0.1);
  std::this_thread::sleep_for(std::chrono::milliseconds{1050});
  requests.answered("", "GET", "/", 200, 0.1);
  EXPECT_TRUE(out.str().empty()) << out.str();
}

}  // namespace
}  // namespace localray::emulator
