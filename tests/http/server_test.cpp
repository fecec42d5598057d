// The edge's HTTP server under clients that misbehave: too many at once, silent, malformed.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <thread>

namespace localray::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class ServerTest : public ::testing::Test {
 protected:
  void start(std::size_t max_body, std::size_t max_sessions) {
    auto log = std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>());
    server_ = std::make_unique<Server>(
        io_.get_executor(),
        [](Request r) -> asio::awaitable<Response> {
          auto res = Response::json(200, R"({"path":")" + r.path + "\"}");
          if (r.path == "/bye") res.headers.set("Connection", "close");
          co_return res;
        },
        log, max_body, max_sessions);
    port_ = server_->listen("127.0.0.1", 0).value();
    thread_ = std::thread{[this] { io_.run(); }};
  }
  void TearDown() override {
    server_->stop();
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  tcp::socket connect() {
    tcp::socket s{client_io_};
    s.connect({asio::ip::make_address("127.0.0.1"), port_});
    return s;
  }
  // Sends `raw` and reads until the server closes or `limit` bytes came.
  std::string exchange(tcp::socket& s, const std::string& raw) {
    if (!raw.empty()) asio::write(s, asio::buffer(raw));
    std::string out;
    char buf[4096];
    boost::system::error_code ec;
    while (!ec && out.find("\r\n\r\n") == std::string::npos) out.append(buf, s.read_some(asio::buffer(buf), ec));
    return out;
  }

  asio::io_context io_, client_io_;
  std::unique_ptr<Server> server_;
  unsigned short port_ = 0;
  std::thread thread_;
};

TEST_F(ServerTest, ConnectionsPastTheBoundAreAnswered503AndTheOthersStillServed) {
  start(kMaxRequestBodyBytes, 2);
  auto a = connect(), b = connect();  // two silent clients hold both sessions
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  auto c = connect();
  EXPECT_EQ(exchange(c, "").rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u);
  EXPECT_EQ(server_->turned_away(), 1u);
  // The silent ones are still served once they speak.
  EXPECT_EQ(exchange(a, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u);
  a.close();
  b.close();
  std::this_thread::sleep_for(std::chrono::milliseconds{50});
  auto d = connect();
  EXPECT_EQ(exchange(d, "GET /d HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u) << "room again once sessions end";
}

TEST_F(ServerTest, AHandlerAnsweringConnectionCloseEndsTheConnection) {
  start(kMaxRequestBodyBytes, 100);
  auto s = connect();
  auto bye = exchange(s, "GET /bye HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(bye.rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_NE(bye.find("Connection: close"), std::string::npos) << bye;
  char buf[256];
  boost::system::error_code ec;
  while (!ec) s.read_some(asio::buffer(buf), ec);
  EXPECT_EQ(ec, asio::error::eof) << "the server closed the connection after its answer";
}

TEST_F(ServerTest, MalformedAndOversizeRequestsGetAnErrorAnswerNotASilentClose) {
  start(16, 100);
  auto a = connect();
  EXPECT_EQ(exchange(a, "NONSENSE\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
  auto b = connect();
  EXPECT_EQ(exchange(b, "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'x')).rfind("HTTP/1.1 413", 0), 0u);
  auto c = connect();
  std::string huge_header = "GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n";
  EXPECT_EQ(exchange(c, huge_header).rfind("HTTP/1.1 400", 0), 0u);
}

TEST_F(ServerTest, AClientSendingAByteAtATimeHoldsNobodyElseUp) {
  start(kMaxRequestBodyBytes, 100);
  auto slow = connect();
  asio::write(slow, asio::buffer(std::string{"G"}));
  auto fast = connect();
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(exchange(fast, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds{5});
  EXPECT_EQ(exchange(slow, "ET /slow HTTP/1.1\r\nHost: x\r\n\r\n").rfind("HTTP/1.1 200", 0), 0u);
}

}  // namespace
}  // namespace localray::http
