#pragma once
// Routes one edge request: localray's own endpoints, API Gateway invoke URLs, then the AWS APIs.
#include <memory>

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json_fwd.hpp>
#include <spdlog/fwd.h>

#include "emulator/request_log.hpp"
#include "emulator/service_routing.hpp"
#include "services/apigateway/protocol/invoke.hpp"
#include "emulator/wiring.hpp"
#include "http/message.hpp"

namespace localray::emulator {

struct Endpoints {
  std::string edge_url;
  std::string udp_address;
};

class Router {
 public:
  Router(Services& services, Endpoints endpoints, std::shared_ptr<spdlog::logger> log);
  boost::asio::awaitable<http::Response> route(http::Request request);

  // Every resource as it stands now.
  boost::asio::awaitable<http::Response> resources() const;

 private:
  boost::asio::awaitable<http::Response> localray_endpoint(const http::Request& request) const;
  nlohmann::json stacks_json() const;
  http::Response function_logs(const http::Request& request) const;
  http::Response sns_deliveries(const http::Request& request) const;
  http::Response sns_opt_out(const http::Request& request) const;
  // Lambda's REST API, when the request is one of its calls.
  boost::asio::awaitable<std::optional<http::Response>> lambda_call(const http::Request& request, const http::CallContext& call);
  boost::asio::awaitable<http::Response> call_service(const http::Request& request, const Routed& routed, const http::CallContext& call);

  Services& s_;
  Endpoints endpoints_;
  apigateway::protocol::FindApi find_api_;
  std::shared_ptr<spdlog::logger> log_;
  RequestLog requests_log_;
};

}  // namespace localray::emulator
