#include "services/lambda/protocol/layer_operations.hpp"

#include "http/base64.hpp"
#include "services/lambda/protocol/shapes.hpp"

namespace localray::lambda::protocol {

using nlohmann::json;

namespace {

json layer_version_json(const model::LayerVersion& v) {
  json out{{"LayerArn", v.layer_arn},
           {"LayerVersionArn", v.version_arn},
           {"Version", v.version},
           {"Description", v.description},
           {"CreatedDate", v.created},
           {"Content", {{"CodeSha256", v.sha256}, {"CodeSize", v.size}, {"Location", "file://" + v.location}}},
           {"CompatibleRuntimes", v.compatible_runtimes}};
  if (!v.license.empty()) out["LicenseInfo"] = v.license;
  return out;
}

}  // namespace

std::optional<http::Response> layer_call(const http::Request& r, model::Runner& runner, const std::vector<std::string>& parts) {
  auto& layers = runner.layers();
  if (parts.size() == 2 && r.method == "GET") {
    json list = json::array();
    for (const auto& v : layers.latest())
      list.push_back({{"LayerName", v.name}, {"LayerArn", v.layer_arn}, {"LatestMatchingVersion", layer_version_json(v)}});
    return http::Response::json(200, json{{"Layers", list}}.dump());
  }
  if (parts.size() < 4 || parts[3] != "versions") return std::nullopt;
  const std::string& name = parts[2];
  if (parts.size() == 4 && r.method == "POST") {
    auto parsed = json_body(r);
    if (auto* res = std::get_if<http::Response>(&parsed)) return std::move(*res);
    const json& b = std::get<json>(parsed);
    auto content = b.value("Content", json{});
    if (!content.is_object() || !content.contains("ZipFile") || !content["ZipFile"].is_string())
      return error(model::Code::InvalidParameterValue, "Content needs ZipFile (localray has no S3)");
    auto zip = http::base64_decode(content["ZipFile"].get<std::string>());
    if (!zip) return error(model::Code::InvalidParameterValue, "Content.ZipFile is not valid base64");
    model::LayerVersion v;
    v.name = name;
    v.description = b.value("Description", "");
    v.license = b.value("LicenseInfo", "");
    if (auto rt = b.find("CompatibleRuntimes"); rt != b.end() && rt->is_array())
      for (const auto& x : *rt)
        if (x.is_string()) v.compatible_runtimes.push_back(x.get<std::string>());
    auto published = runner.publish_layer(std::move(v), *zip);
    if (!published) return error(published.error());
    return http::Response::json(201, layer_version_json(*published).dump());
  }
  if (parts.size() == 4 && r.method == "GET") {
    json list = json::array();
    for (const auto& v : layers.versions(name)) list.push_back(layer_version_json(v));
    return http::Response::json(200, json{{"LayerVersions", list}}.dump());
  }
  if (parts.size() == 5) {
    int version = 0;
    try {
      version = std::stoi(parts[4]);
    } catch (const std::exception&) {
      return error(model::Code::InvalidParameterValue, "Version must be a number");
    }
    if (r.method == "GET") {
      auto v = layers.get(name, version);
      return v ? http::Response::json(200, layer_version_json(*v).dump()) : error(v.error());
    }
    if (r.method == "DELETE") {
      runner.remove_layer_version(name, version);
      return no_content();
    }
  }
  return std::nullopt;
}

}  // namespace localray::lambda::protocol
