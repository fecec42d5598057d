// AWS::ApiGateway::RestApi (with its methods, or an OpenAPI Body), Resource, Method, Deployment
// and Stage.
#include <regex>

#include "config/cloudformation/compile_context.hpp"
#include "config/cloudformation/openapi.hpp"
#include "config/cloudformation/template_document.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;

namespace {

tracing::Result<std::size_t> api_of(CompileContext& ctx, const Properties& p) {
  auto api_id = p.string("RestApiId");
  if (!api_id) return api_id.error();
  auto index = ctx.api_index(*api_id);
  if (!index) return p.error("RestApiId", "'" + *api_id + "' is not a REST API of these templates");
  return *index;
}

void add_stage(Api& api, const std::string& stage, std::map<std::string, std::string> variables = {}) {
  if (std::find(api.stages.begin(), api.stages.end(), stage) == api.stages.end()) api.stages.push_back(stage);
  if (!variables.empty()) api.stage_variables[stage] = std::move(variables);
}

tracing::Result<ResourceValues> rest_api(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  Api api;
  api.id = ctx.short_id(id);
  auto name = p.optional_string("Name");
  if (!name) return name.error();
  json body;
  if (const json* b = p.find("Body")) {
    body = b->is_string() ? json::parse(b->get<std::string>(), nullptr, false) : *b;
    if (!body.is_object()) return p.error("Body", "must be an OpenAPI document");
  } else if (const json* location = p.find("BodyS3Location")) {
    std::optional<std::filesystem::path> local;
    if (location->is_object() && ctx.input.assets && location->contains("Bucket") && location->contains("Key"))
      local = ctx.input.assets(location->value("Bucket", ""), location->value("Key", ""));
    if (!local) return p.error("BodyS3Location", "is not an asset of this cloud assembly; S3 is not emulated, so inline the Body");
    auto doc = read_template(local->string());
    if (!doc) return p.error("BodyS3Location", doc.error().message);
    body = std::move(*doc);
  }
  api.name = name->value_or(body.is_object() ? body.value("/info/title"_json_pointer, id) : id);
  std::string root = ctx.short_id(id + "/");
  std::size_t index = ctx.topology.apis.size();
  if (!body.is_null()) {
    auto routes = openapi_routes(body, ctx.topology, [&](const std::string& at, const std::string& what) { return p.error("Body" + at, what); });
    if (!routes) return routes.error();
    api.routes = std::move(*routes);
  }
  std::string unsupported;
  for (const auto& route : api.routes)
    if (route.integration.type == "unsupported") unsupported += (unsupported.empty() ? "" : "; ") + route.method + " " + route.path + ": " + route.integration.unsupported;
  ctx.topology.apis.push_back(std::move(api));
  ctx.api_paths[root] = ApiPath{index, "/"};
  std::string arn = "arn:aws:apigateway:" + ctx.env.region + "::/restapis/" + ctx.topology.apis[index].id;
  ResourceValues v{"AWS::ApiGateway::RestApi", ctx.topology.apis[index].id,
                   {{"RootResourceId", root}, {"RestApiId", ctx.topology.apis[index].id}, {"Arn", arn}}};
  if (!unsupported.empty()) v.not_emulated = "in part: " + unsupported + " (those methods answer 500)";
  return v;
}

tracing::Result<ResourceValues> resource(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto api = api_of(ctx, p);
  if (!api) return api.error();
  auto parent = p.string("ParentId");
  if (!parent) return parent.error();
  auto part = p.string("PathPart");
  if (!part) return part.error();
  auto it = ctx.api_paths.find(*parent);
  if (it == ctx.api_paths.end() || it->second.api != *api) return p.error("ParentId", "'" + *parent + "' is not a resource of this REST API");
  std::string path = (it->second.path == "/" ? "" : it->second.path) + "/" + *part;
  std::string resource_id = ctx.short_id(id);
  ctx.api_paths[resource_id] = ApiPath{*api, path};
  return ResourceValues{"AWS::ApiGateway::Resource", resource_id, {{"ResourceId", resource_id}}};
}

tracing::Result<ResourceValues> method(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto api = api_of(ctx, p);
  if (!api) return api.error();
  auto resource_id = p.string("ResourceId");
  if (!resource_id) return resource_id.error();
  auto it = ctx.api_paths.find(*resource_id);
  if (it == ctx.api_paths.end() || it->second.api != *api) return p.error("ResourceId", "'" + *resource_id + "' is not a resource of this REST API");
  auto http_method = p.string("HttpMethod");
  if (!http_method) return http_method.error();
  const json* integration = p.find("Integration");
  if (!integration) return p.error("Integration", "is required: a method without one cannot be called");
  auto made = method_integration(*integration, ctx.topology, [&](const std::string& at, const std::string& what) { return p.error("Integration" + at, what); });
  if (!made) return made.error();
  std::string upper = *http_method;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ResourceValues v{"AWS::ApiGateway::Method", ctx.short_id(id), {}};
  if (made->type == "unsupported") v.not_emulated = made->unsupported + ": the method answers 500";
  ctx.topology.apis[*api].routes.push_back(ApiRoute{it->second.path, upper, std::move(*made)});
  return v;
}

tracing::Result<ResourceValues> deployment(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto api = api_of(ctx, p);
  if (!api) return api.error();
  auto stage = p.optional_string("StageName");
  if (!stage) return stage.error();
  if (*stage && !(*stage)->empty()) add_stage(ctx.topology.apis[*api], **stage);
  std::string deployment_id = ctx.short_id(id);
  return ResourceValues{"AWS::ApiGateway::Deployment", deployment_id, {{"DeploymentId", deployment_id}}};
}

tracing::Result<ResourceValues> stage(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto api = api_of(ctx, p);
  if (!api) return api.error();
  auto name = p.string("StageName");
  if (!name) return name.error();
  auto variables = p.string_map(p.find("Variables"), "Variables");
  if (!variables) return variables.error();
  add_stage(ctx.topology.apis[*api], *name, std::move(*variables));
  return ResourceValues{"AWS::ApiGateway::Stage", *name, {}};
}

}  // namespace

const std::vector<ResourceType>& apigateway_types() {
  static const std::vector<ResourceType> types{
      {"AWS::ApiGateway::RestApi", "emulated", rest_api},   {"AWS::ApiGateway::Resource", "emulated", resource},
      {"AWS::ApiGateway::Method", "emulated", method},      {"AWS::ApiGateway::Deployment", "emulated", deployment},
      {"AWS::ApiGateway::Stage", "emulated", stage},
  };
  return types;
}

}  // namespace localray::config::cloudformation
