// Platform applications and endpoints: CreatePlatformApplication, Get/SetPlatformApplicationAttributes,
// ListPlatformApplications, DeletePlatformApplication, CreatePlatformEndpoint,
// Get/SetEndpointAttributes, ListEndpointsByPlatformApplication, DeleteEndpoint.
#include "http/base64.hpp"
#include "services/sns/protocol/attribute_lists.hpp"
#include "services/sns/protocol/operations.hpp"
#include "services/sns/protocol/request_params.hpp"
#include "services/sns/protocol/xml_writer.hpp"

namespace localray::sns::protocol::ops {

namespace asio = boost::asio;

namespace {

constexpr int kApplicationSlashes = 2;  // app/<platform>/<name>
constexpr int kEndpointSlashes = 3;     // endpoint/<platform>/<app name>/<id>

// The ARN member `parameter`, present and shaped as SNS parses it.
model::Result<std::string> platform_arn(const QueryParams& p, std::string_view parameter, int slashes) {
  auto arn = required_arn(p, parameter);
  if (!arn) return arn.error();
  if (auto ok = model::check_platform_arn(*arn, parameter, slashes); !ok) return ok.error();
  return arn;
}

// Attributes a Set call must carry: none given is SNS's null member.
model::Result<model::StringMap> required_attributes(const QueryParams& p) {
  auto attributes = string_map(p, "Attributes");
  if (attributes.empty()) return missing_member("attributes");
  return attributes;
}

AttributeList listed(const model::StringMap& m) { return {m.begin(), m.end()}; }

// One page from `start` of what `write` writes per item, under `list`, and the next page's token.
template <class Items, class Write>
void write_page(XmlWriter& xml, const char* list, const Items& items, std::size_t start, Write write) {
  xml.open(list);
  for (std::size_t i = start; i < items.size() && i < start + kPageSize; ++i) {
    xml.open("member");
    write(items[i]);
    xml.close("member");
  }
  xml.close(list);
  if (start + kPageSize < items.size()) xml.element("NextToken", http::base64_encode(std::to_string(start + kPageSize)));
}

}  // namespace

asio::awaitable<Outcome> create_platform_application(const Call& c) {
  auto name = required(c.params, "Name", "name");
  if (!name) co_return name.error();
  auto platform = required(c.params, "Platform", "platform");
  if (!platform) co_return platform.error();
  auto attributes = required_attributes(c.params);
  if (!attributes) co_return attributes.error();
  auto arn = c.backend.platforms().create_application(*name, *platform, *attributes);
  if (!arn) co_return arn.error();
  co_return XmlWriter{}.element("PlatformApplicationArn", *arn).str();
}

asio::awaitable<Outcome> get_platform_application_attributes(const Call& c) {
  auto arn = platform_arn(c.params, "PlatformApplicationArn", kApplicationSlashes);
  if (!arn) co_return arn.error();
  auto attributes = c.backend.platforms().application_attributes(*arn);
  if (!attributes) co_return attributes.error();
  XmlWriter xml;
  write_attributes(xml, listed(*attributes));
  co_return xml.str();
}

asio::awaitable<Outcome> set_platform_application_attributes(const Call& c) {
  auto arn = platform_arn(c.params, "PlatformApplicationArn", kApplicationSlashes);
  if (!arn) co_return arn.error();
  auto attributes = required_attributes(c.params);
  if (!attributes) co_return attributes.error();
  if (auto ok = c.backend.platforms().set_application_attributes(*arn, *attributes); !ok) co_return ok.error();
  co_return std::string{};
}

asio::awaitable<Outcome> list_platform_applications(const Call& c) {
  auto start = page_start(c.params);
  if (!start) co_return start.error();
  auto& platforms = c.backend.platforms();
  auto apps = platforms.applications();
  XmlWriter xml;
  write_page(xml, "PlatformApplications", apps, *start, [&](const model::PlatformApplication& app) {
    xml.element("PlatformApplicationArn", app.arn);
    // Deleted since the list was taken: listed without attributes.
    auto attributes = platforms.application_attributes(app.arn);
    write_attributes(xml, attributes ? listed(*attributes) : AttributeList{});
  });
  co_return xml.str();
}

asio::awaitable<Outcome> delete_platform_application(const Call& c) {
  auto arn = platform_arn(c.params, "PlatformApplicationArn", kApplicationSlashes);
  if (!arn) co_return arn.error();
  c.backend.platforms().delete_application(*arn);
  co_return std::string{};
}

asio::awaitable<Outcome> create_platform_endpoint(const Call& c) {
  auto app = platform_arn(c.params, "PlatformApplicationArn", kApplicationSlashes);
  if (!app) co_return app.error();
  auto token = required(c.params, "Token", "token");
  if (!token) co_return token.error();
  std::optional<std::string> custom_user_data;
  if (auto data = c.params.get("CustomUserData")) custom_user_data = std::string{*data};
  auto id = c.backend.new_id();
  auto arn = c.backend.platforms().create_endpoint(*app, *token, std::move(custom_user_data), string_map(c.params, "Attributes"), id);
  if (!arn) co_return arn.error();
  co_return XmlWriter{}.element("EndpointArn", *arn).str();
}

asio::awaitable<Outcome> list_endpoints_by_platform_application(const Call& c) {
  auto app = platform_arn(c.params, "PlatformApplicationArn", kApplicationSlashes);
  if (!app) co_return app.error();
  auto start = page_start(c.params);
  if (!start) co_return start.error();
  auto endpoints = c.backend.platforms().endpoints_of(*app);
  if (!endpoints) co_return endpoints.error();
  XmlWriter xml;
  write_page(xml, "Endpoints", *endpoints, *start, [&](const model::PlatformEndpoint& e) {
    xml.element("EndpointArn", e.arn);
    write_attributes(xml, listed(e.attributes));
  });
  co_return xml.str();
}

asio::awaitable<Outcome> get_endpoint_attributes(const Call& c) {
  auto arn = platform_arn(c.params, "EndpointArn", kEndpointSlashes);
  if (!arn) co_return arn.error();
  auto endpoint = c.backend.platforms().endpoint(*arn);
  if (!endpoint) co_return model::Error{model::Code::NotFound, "Endpoint does not exist"};
  XmlWriter xml;
  write_attributes(xml, listed(endpoint->attributes));
  co_return xml.str();
}

asio::awaitable<Outcome> set_endpoint_attributes(const Call& c) {
  auto arn = platform_arn(c.params, "EndpointArn", kEndpointSlashes);
  if (!arn) co_return arn.error();
  auto attributes = required_attributes(c.params);
  if (!attributes) co_return attributes.error();
  if (auto ok = c.backend.platforms().set_endpoint_attributes(*arn, *attributes); !ok) co_return ok.error();
  co_return std::string{};
}

asio::awaitable<Outcome> delete_endpoint(const Call& c) {
  auto arn = platform_arn(c.params, "EndpointArn", kEndpointSlashes);
  if (!arn) co_return arn.error();
  c.backend.platforms().delete_endpoint(*arn);
  co_return std::string{};
}

}  // namespace localray::sns::protocol::ops
