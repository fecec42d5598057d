#pragma once
// Drives sns::protocol::handle() on an io_context with form requests as the SDKs build them;
// subscribers are fakes that record each delivery and the trace header it carried.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/base64.hpp"
#include "http/form.hpp"
#include "services/sns/protocol/dispatch.hpp"
#include "tests/support/await.hpp"
#include "tests/support/recording_sink.hpp"

namespace localray::sns::protocol {

// ---- a tiny XML reader, enough for the flat answers SNS gives -----------------------------

inline std::string unescape(std::string_view s) {
  static const std::pair<std::string_view, char> entities[] = {{"&lt;", '<'},   {"&gt;", '>'},   {"&quot;", '"'},
                                                              {"&apos;", '\''}, {"&#xD;", '\r'}, {"&amp;", '&'}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool replaced = false;
    for (const auto& [entity, c] : entities)
      if (s.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size();
        replaced = true;
        break;
      }
    if (!replaced) out += s[i++];
  }
  return out;
}

// The raw content of every <tag>…</tag> (tags of one name never nest in SNS answers).
inline std::vector<std::string> contents(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (auto pos = xml.find(open); pos != std::string::npos; pos = xml.find(open, pos)) {
    auto end = xml.find(close, pos);
    if (end == std::string::npos) break;
    out.push_back(xml.substr(pos + open.size(), end - pos - open.size()));
    pos = end + close.size();
  }
  return out;
}

// The unescaped text of the first <tag>, or "<absent>".
inline std::string text(const std::string& xml, const std::string& tag) {
  auto all = contents(xml, tag);
  return all.empty() ? "<absent>" : unescape(all.front());
}

inline std::vector<std::string> texts(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  for (const auto& c : contents(xml, tag)) out.push_back(unescape(c));
  return out;
}

inline std::map<std::string, std::string> attributes(const std::string& xml) {
  std::map<std::string, std::string> out;
  for (const auto& entry : contents(xml, "entry")) out[text(entry, "key")] = text(entry, "value");
  return out;
}

// ---- fakes ----------------------------------------------------------------------------------

struct Delivery {
  model::Notification notification;
  model::Subscription subscription;
  tracing::TraceHeader ctx;
};

// A confirmation asked of an http/https endpoint: its type and message.
struct Confirmation {
  bool subscribe;
  model::Subscription subscription;
  model::ConfirmationMessage message;
};

class RecordingSubscriber final : public model::Subscriber {
 public:
  RecordingSubscriber(std::string protocol, std::vector<Delivery>& log, std::vector<Confirmation>* confirmations = nullptr)
      : protocol_{std::move(protocol)}, log_{log}, confirmations_{confirmations} {}
  bool needs_confirmation() const override { return protocol_.starts_with("http"); }
  void request_confirmation(const model::Subscription& s, const model::ConfirmationMessage& m) override {
    if (confirmations_) confirmations_->push_back({true, s, m});
  }
  void confirm_unsubscription(const model::Subscription& s, const model::ConfirmationMessage& m) override {
    if (confirmations_) confirmations_->push_back({false, s, m});
  }
  std::string deliver(const model::Notification& n, const model::Subscription& s, const tracing::TraceHeader& ctx) override {
    log_.push_back({n, s, ctx});
    return {};
  }
  std::string service() const override { return protocol_ == "lambda" ? "Lambda" : "SQS"; }
  std::string operation() const override { return protocol_ == "lambda" ? "Invoke" : "SendMessage"; }
  void describe_target(nlohmann::json& aws) const override { aws["protocol"] = protocol_; }

 private:
  std::string protocol_;
  std::vector<Delivery>& log_;
  std::vector<Confirmation>* confirmations_;
};

class FakeSubscriberFactory final : public model::SubscriberFactory {
 public:
  explicit FakeSubscriberFactory(std::vector<Delivery>& log) : log_{log} {}
  model::Result<std::shared_ptr<model::Subscriber>> make(const std::string& /*topic_arn*/, const std::string& protocol, const std::string& endpoint) override {
    made.emplace_back(protocol, endpoint);
    if (endpoint.ends_with(":missing")) return model::Error{model::Code::InvalidParameter, "Invalid parameter: Endpoint: no function missing"};
    return std::shared_ptr<model::Subscriber>{std::make_shared<RecordingSubscriber>(protocol, log_, &confirmations)};
  }
  std::vector<std::pair<std::string, std::string>> made;
  std::vector<Confirmation> confirmations;

 private:
  std::vector<Delivery>& log_;
};

using Params = std::vector<std::pair<std::string, std::string>>;

class DispatchTest : public ::testing::Test {
 protected:
  tracing::ManualClock clock;
  tracing::IdGenerator ids{clock, tracing::Rng{7}};
  testing::RecordingSink sink;
  tracing::Sampler sampler{clock, ids, tracing::Rng{11}};
  boost::asio::io_context io;
  model::Backend backend{io.get_executor(), tracing::Tracer{clock, ids, sampler, sink}, "us-east-1", "000000000000"};
  std::vector<Delivery> deliveries;
  FakeSubscriberFactory factory{deliveries};
  std::optional<tracing::TraceHeader> trace;
  int requests = 0;

  template <class T>
  T await(boost::asio::awaitable<T> work) {
    return testing::await(io, std::move(work));
  }

  http::CallContext context(std::string request_id) const {
    http::CallContext c;
    c.request_id = std::move(request_id);
    c.trace = trace;
    return c;
  }

  static constexpr const char* kFunction = "arn:aws:lambda:us-east-1:000000000000:function:worker";
  static constexpr const char* kQueue = "arn:aws:sqs:us-east-1:000000000000:jobs";

  // `signed_call`: with an Authorization header, as the SDKs send; without, as a GET of a
  // SubscribeURL or UnsubscribeURL arrives.
  http::Response call(const std::string& action, const Params& params = {}, bool signed_call = true) {
    http::Request r;
    r.method = "POST";
    r.target = r.path = "/";
    r.headers.set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    if (signed_call) r.headers.set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20261206/us-east-1/sns/aws4_request, SignedHeaders=host, Signature=0");
    r.body = "Action=" + http::form_encode(action) + "&Version=2010-03-31";
    for (const auto& [k, v] : params) r.body += "&" + http::form_encode(k) + "=" + http::form_encode(v);
    return await(handle(r, backend, factory, context("req-" + std::to_string(++requests))));
  }

  std::string create_topic(const std::string& name) {
    auto r = call("CreateTopic", {{"Name", name}});
    EXPECT_EQ(r.status, 200u) << r.body;
    return text(r.body, "TopicArn");
  }

  std::string subscribe(const std::string& topic, const std::string& protocol, const std::string& endpoint, const Params& extra = {}) {
    Params p{{"TopicArn", topic}, {"Protocol", protocol}, {"Endpoint", endpoint}};
    p.insert(p.end(), extra.begin(), extra.end());
    auto r = call("Subscribe", p);
    EXPECT_EQ(r.status, 200u) << r.body;
    return text(r.body, "SubscriptionArn");
  }

  // Asserts the AWS error shape and returns the message.
  static std::string expect_error(const http::Response& r, unsigned status, const std::string& code, const std::string& type = "Sender") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.headers.get("Content-Type"), "text/xml");
    EXPECT_EQ(r.body.rfind("<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error>", 0), 0u) << r.body;
    EXPECT_EQ(text(r.body, "Type"), type);
    EXPECT_EQ(text(r.body, "Code"), code);
    EXPECT_NE(text(r.body, "RequestId"), "<absent>");
    return text(r.body, "Message");
  }
};

}  // namespace localray::sns::protocol
