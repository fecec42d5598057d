#include "emulator/topology_resources.hpp"

#include <fstream>
#include <iterator>

#include "services/dynamodb/model/shortcuts.hpp"

namespace localray::emulator {

using tracing::Error;

tracing::Result<std::filesystem::path> function_code(const config::Function& f, const std::filesystem::path& base, const std::string& code_root) {
  namespace fs = std::filesystem;
  if (f.inline_code.empty()) return tracing::success((base / f.code).lexically_normal());
  fs::path dir = fs::path{code_root} / "inline" / f.name;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(dir, ec);
  if (ec) return Error{"cannot make " + dir.string() + ": " + ec.message()};
  const char* file = f.runtime.rfind("python", 0) == 0 ? "index.py" : f.runtime.rfind("nodejs", 0) == 0 ? "index.js" : nullptr;
  if (!file) return Error{"inline code (ZipFile) is for nodejs and python runtimes"};
  std::ofstream out{dir / file, std::ios::binary};
  out << f.inline_code;
  if (!out) return Error{"cannot write " + (dir / file).string()};
  return tracing::success(dir);
}

tracing::Result<lambda::model::LayerVersion> publish_layer(Region& home, const config::Layer& l) {
  namespace fs = std::filesystem;
  lambda::model::LayerVersion v;
  v.name = l.name;
  v.description = l.description;
  v.compatible_runtimes = l.compatible_runtimes;
  fs::path content = l.content;
  if (fs::is_directory(content)) return home.lambda->publish_layer_folder(std::move(v), content.string());
  if (!fs::is_regular_file(content)) return Error{"no folder or .zip file " + content.string()};
  std::ifstream in{content, std::ios::binary};
  std::string zip{std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
  auto r = home.lambda->publish_layer(std::move(v), zip);
  if (!r) return Error{r.error().message};
  return std::move(*r);
}

tracing::Result<lambda::model::LayerVersion> function_layer(Region& home, const std::map<std::string, lambda::model::LayerVersion>& published,
                                                            const std::string& layer) {
  if (auto it = published.find(layer); it != published.end()) return it->second;
  if (layer.rfind("arn:", 0) == 0) {
    auto found = home.lambda->resolve_layers({layer});
    if (!found) return Error{found.error().message};
    return std::move(found->front());
  }
  auto versions = home.lambda->layers().versions(layer);
  if (versions.empty()) return Error{"no such layer"};
  return std::move(versions.front());
}

tracing::Result<std::shared_ptr<apigateway::model::Integration>> mapped_integration(Services& s, const config::ApiIntegration& i,
                                                                                    const base::Scope& scope) {
  apigateway::model::MappingSpec spec;
  spec.request_templates = i.request_templates;
  spec.request_parameters = i.request_parameters;
  spec.passthrough = i.passthrough;
  for (const auto& r : i.responses) spec.responses.push_back({r.selection_pattern, r.status, r.templates, r.parameters});
  auto mapping = apigateway::model::IntegrationMapping::make(spec);
  if (!mapping) return mapping.error();
  if (i.type == "mock") return std::shared_ptr<apigateway::model::Integration>{std::make_shared<apigateway::model::MockIntegration>(std::move(*mapping))};
  apigateway::model::ServiceCall target;
  target.service = i.service;
  target.action = i.action;
  target.path = i.service_path;
  target.http_method = i.http_method;
  std::string resource;
  if (i.service == "lambda") {
    target.path = "2015-03-31/functions/arn:aws:lambda:" + scope.region + ":" + scope.account + ":function:" + i.function + "/invocations";
    resource = i.function;
  }
  auto caller = std::make_shared<EdgeServiceCaller>(s.dispatch, scope.region, scope.account, s.edge_url);
  return std::shared_ptr<apigateway::model::Integration>{
      std::make_shared<apigateway::model::ServiceIntegration>(std::move(target), std::move(*mapping), std::move(caller), std::move(resource))};
}

dynamodb::model::TableDefinition table_definition(const config::Table& tb) {
  auto definition = dynamodb::model::simple_table(tb.name, tb.hash_key.name, tb.hash_key.type, tb.range_key ? tb.range_key->name : "",
                                                  tb.range_key ? tb.range_key->type : "");
  auto typed = [](const config::KeyAttribute& k) { return dynamodb::model::simple_table("", k.name, k.type, "", "").key.hash; };
  for (const auto& a : tb.other_attributes) definition.attribute_definitions.push_back({a.name, typed(a).type});
  for (const auto& x : tb.indexes) {
    dynamodb::model::IndexDefinition index;
    index.name = x.name;
    index.key.hash = typed(x.hash_key);
    if (x.range_key) index.key.range = typed(*x.range_key);
    index.projection = x.projection == "KEYS_ONLY" ? dynamodb::model::ProjectionType::KeysOnly
                       : x.projection == "INCLUDE" ? dynamodb::model::ProjectionType::Include
                                                   : dynamodb::model::ProjectionType::All;
    index.non_key_attributes = x.non_key_attributes;
    (x.global ? definition.global_secondary_indexes : definition.local_secondary_indexes).push_back(std::move(index));
  }
  if (tb.provisioned) {
    definition.billing_mode = dynamodb::model::BillingMode::Provisioned;
    definition.provisioned_throughput = dynamodb::model::ProvisionedThroughput{tb.read_capacity, tb.write_capacity};
  }
  if (!tb.stream_view.empty()) definition.stream = dynamodb::model::view_type_of(tb.stream_view);
  return definition;
}

}  // namespace localray::emulator
