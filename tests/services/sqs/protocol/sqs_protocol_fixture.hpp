#pragma once
// Drives sqs::protocol::handle() on an io_context with requests as the SDKs build them, in
// either wire protocol. The clock is manual: timestamps are exact and nothing sleeps.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/form.hpp"
#include "services/sqs/model/backend.hpp"
#include "services/sqs/protocol/dispatch.hpp"

namespace localray::sqs::protocol {

inline constexpr const char* kHello = "5d41402abc4b2a76b9719d911017c592";             // md5("hello")
inline constexpr const char* kStatusOkMd5 = "465059203729da81b6cb1c2fa939318a";       // {status: String "ok"}
inline constexpr const char* kTraceHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
inline constexpr const char* kTraceHeaderMd5 = "5ae4d5d7636402d80f4eb6d213245a88";  // {AWSTraceHeader: String kTraceHeader}
inline constexpr const char* kQueueUrl = "http://localhost:4566/queue/us-east-1/000000000000/orders";

using Fields = std::vector<std::pair<std::string, std::string>>;

class SqsProtocolTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  tracing::ManualClock clock;  // starts at 1'700'000'000 s
  tracing::IdGenerator ids{clock, tracing::Rng{7}};
  model::Backend backend{io.get_executor(), clock, ids, "us-east-1", "000000000000", "http://localhost:4566"};
  int requests = 0;
  Backends backends = [this](const base::Scope& scope, bool) -> model::Backend* {
    return scope == base::Scope{"000000000000", "us-east-1"} ? &backend : nullptr;
  };

  // What the edge reads of a request before the codec sees it.
  static http::CallContext context(const http::Request& request, std::string request_id) {
    http::CallContext c;
    c.request_id = std::move(request_id);
    c.trace = tracing::TraceHeader::parse(request.headers.get("X-Amzn-Trace-Id"));
    c.region = "us-east-1";
    c.account = "000000000000";
    return c;
  }

  // Runs one request to completion.
  http::Response call(const http::Request& request, WireProtocol protocol) {
    std::optional<http::Response> out;
    boost::asio::co_spawn(io, handle(request, protocol, backends, context(request, "req-" + std::to_string(++requests))),
                          [&](std::exception_ptr e, http::Response r) {
                            if (e) ADD_FAILURE() << "handle() threw";
                            else out = std::move(r);
                          });
    io.run();
    io.restart();
    if (!out) {
      ADD_FAILURE() << "no response";
      return http::Response{599, {}, {}};
    }
    return std::move(*out);
  }

  // ---- JSON protocol ----
  static http::Request json_request(const std::string& operation, const nlohmann::json& body) {
    http::Request r;
    r.method = "POST";
    r.target = r.path = "/";
    r.headers.add("Content-Type", "application/x-amz-json-1.0");
    r.headers.add("X-Amz-Target", "AmazonSQS." + operation);
    r.body = body.dump();
    return r;
  }
  http::Response json_raw(const std::string& operation, const nlohmann::json& body) {
    return call(json_request(operation, body), WireProtocol::Json);
  }
  // The parsed body of a 200 answer; fails the test otherwise.
  nlohmann::json json_ok(const std::string& operation, const nlohmann::json& body) {
    auto r = json_raw(operation, body);
    EXPECT_EQ(r.status, 200u) << operation << ": " << r.body;
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_TRUE(j.is_object()) << r.body;
    return j;
  }

  // ---- query protocol ----
  static http::Request query_request(const Fields& fields, std::string path = "/") {
    http::Request r;
    r.method = "POST";
    r.target = r.path = std::move(path);
    r.headers.add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    std::string body;
    for (const auto& [k, v] : fields) body += (body.empty() ? "" : "&") + http::form_encode(k) + "=" + http::form_encode(v);
    r.body = body + "&Version=2012-11-05";
    return r;
  }
  http::Response query_raw(const Fields& fields, std::string path = "/") {
    return call(query_request(fields, std::move(path)), WireProtocol::Query);
  }
  std::string query(const Fields& fields, std::string path = "/") {
    auto r = query_raw(fields, std::move(path));
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.body;
  }

  // Texts of every <tag>…</tag> in document order (no nesting of the same tag), unescaped once.
  static std::vector<std::string> xml_all(std::string_view xml, std::string_view tag) {
    std::vector<std::string> out;
    std::string open = "<" + std::string{tag} + ">", close = "</" + std::string{tag} + ">";
    for (auto pos = xml.find(open); pos != std::string_view::npos; pos = xml.find(open, pos)) {
      auto start = pos + open.size();
      auto end = xml.find(close, start);
      if (end == std::string_view::npos) break;
      out.push_back(unescape(xml.substr(start, end - start)));
      pos = end + close.size();
    }
    return out;
  }
  static std::string xml_first(std::string_view xml, std::string_view tag) {
    auto all = xml_all(xml, tag);
    return all.empty() ? std::string{"<absent>"} : all.front();
  }
  // Name -> Value of flattened <Attribute>/<MessageAttribute> maps, in order.
  static std::vector<std::pair<std::string, std::string>> xml_map(std::string_view xml, std::string_view element) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& entry : xml_all_raw(xml, element)) out.emplace_back(xml_first(entry, "Name"), xml_first(entry, "Value"));
    return out;
  }
  static std::vector<std::string> xml_all_raw(std::string_view xml, std::string_view tag) {
    std::vector<std::string> out;
    std::string open = "<" + std::string{tag} + ">", close = "</" + std::string{tag} + ">";
    for (auto pos = xml.find(open); pos != std::string_view::npos; pos = xml.find(open, pos)) {
      auto start = pos + open.size();
      auto end = xml.find(close, start);
      if (end == std::string_view::npos) break;
      out.emplace_back(xml.substr(start, end - start));
      pos = end + close.size();
    }
    return out;
  }
  static std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '&') {
        out += s[i];
        continue;
      }
      auto semi = s.find(';', i);
      auto entity = s.substr(i, semi - i + 1);
      if (entity == "&amp;") out += '&';
      else if (entity == "&lt;") out += '<';
      else if (entity == "&gt;") out += '>';
      else if (entity == "&quot;") out += '"';
      else if (entity == "&apos;") out += '\'';
      else if (entity == "&#xD;") out += '\r';
      else out += entity;
      i = semi;
    }
    return out;
  }

  // ---- long poll ----
  // Starts `receive`, waits (by yielding, not sleeping) until it is parked on the queue, then
  // runs `send`. Returns the receive's answer if it came before `limit`, far below its wait time.
  std::optional<http::Response> receive_woken_by_send(const http::Request& receive, const http::Request& send, WireProtocol protocol,
                                                      std::chrono::seconds limit, http::Response* send_answer) {
    namespace asio = boost::asio;
    std::optional<http::Response> received;
    asio::co_spawn(io, handle(receive, protocol, backends, context(receive, "poll")), [&](std::exception_ptr e, http::Response r) {
      if (!e) received = std::move(r);
    });
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto q = backend.find("orders");
      if (!q) co_return;
      for (int i = 0; i < 1000 && (*q)->waiters.empty(); ++i) co_await asio::post(io.get_executor(), asio::use_awaitable);
      EXPECT_FALSE((*q)->waiters.empty()) << "the receive never parked on the queue";
      EXPECT_FALSE(received) << "the receive answered before any message was sent";
      *send_answer = co_await handle(send, protocol, backends, context(send, "send"));
    }, asio::detached);
    io.run_for(limit);
    io.restart();
    return received;
  }
};

}  // namespace localray::sqs::protocol
