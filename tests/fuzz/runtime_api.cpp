// The Lambda Runtime API as a worker reaches it: raw bytes parsed as one HTTP request with the
// limits the Runtime API's server applies, then routed and answered against an endpoint that keeps
// the environment's rules (one invocation at a time, answered once, payloads bounded). A worker
// is the user's code: nothing it sends may crash localray.
#include <boost/asio/io_context.hpp>

#include "functions/runtime/runtime_api.hpp"
#include "http/server.hpp"
#include "tests/support/await.hpp"

namespace {

using namespace localray;
namespace asio = boost::asio;
using functions::runtime::Ack;

struct OneInvocationEndpoint final : functions::runtime::RuntimeEndpoint {
  std::string current = "req-1";
  bool delivered = false, answered = false;
  asio::awaitable<std::optional<functions::runtime::NextInvocation>> next() override {
    if (answered) co_return std::nullopt;
    delivered = true;
    co_return functions::runtime::NextInvocation{current, "{}", 1700000003000, "arn:aws:lambda:us-east-1:000000000000:function:f", "", "", ""};
  }
  Ack settle(const std::string& id, std::size_t size) {
    if (id != current) return Ack::UnknownRequest;
    if (!delivered || answered) return Ack::NotNow;
    if (size > functions::runtime::kMaxResponseBytes) return Ack::TooLarge;
    answered = true;
    return Ack::Accepted;
  }
  asio::awaitable<Ack> respond(std::string id, std::string payload) override { co_return settle(id, payload.size()); }
  asio::awaitable<Ack> fail(std::string id, functions::runtime::RuntimeError e) override { co_return settle(id, e.body.size()); }
  asio::awaitable<Ack> fail_init(functions::runtime::RuntimeError e) override { co_return delivered ? Ack::NotNow : Ack::Accepted; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  // Several requests in a row on one endpoint, as a worker's keep-alive connection sends them.
  std::string_view rest{reinterpret_cast<const char*>(data), size};
  OneInvocationEndpoint endpoint;
  asio::io_context io;
  for (int i = 0; i < 4 && !rest.empty(); ++i) {
    auto parsed = http::parse_request(rest, functions::runtime::kMaxResponseBytes);
    if (!parsed) break;
    rest.remove_prefix(parsed->consumed);
    auto response = testing::await(io, functions::runtime::serve_runtime_api(std::move(parsed->request), endpoint));
    if (response.status < 200 || response.status > 599) __builtin_trap();
  }
  return 0;
}
