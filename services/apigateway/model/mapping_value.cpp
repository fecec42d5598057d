#include "services/apigateway/model/mapping_value.hpp"

#include <nlohmann/json.hpp>

namespace localray::apigateway::model {

std::optional<MappingValue> MappingValue::parse(const std::string& expr) {
  MappingValue v;
  if (expr.empty() || expr[0] != '$') {
    v.text_ = expr;
    return v;
  }
  static const std::pair<const char*, Kind> kContext[] = {{"$context.path", Kind::ContextPath},
                                                         {"$context.resourcePath", Kind::ResourcePath},
                                                         {"$context.stage", Kind::Stage},
                                                         {"$context.httpMethod", Kind::Method},
                                                         {"$context.requestId", Kind::RequestId},
                                                         {"$input.body", Kind::Body}};
  for (const auto& [name, kind] : kContext)
    if (expr == name) {
      v.kind_ = kind;
      return v;
    }
  // $input.path('$.a.b')
  const std::string prefix = "$input.path('$", suffix = "')";
  if (expr.rfind(prefix, 0) == 0 && expr.size() >= prefix.size() + suffix.size() &&
      expr.compare(expr.size() - suffix.size(), suffix.size(), suffix) == 0) {
    std::string path = expr.substr(prefix.size(), expr.size() - prefix.size() - suffix.size());
    v.kind_ = Kind::JsonPath;
    std::size_t pos = 0;
    while (pos < path.size()) {
      if (path[pos] != '.') return std::nullopt;
      auto next = path.find('.', pos + 1);
      auto key = path.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
      if (key.empty()) return std::nullopt;
      v.path_.push_back(key);
      pos = next == std::string::npos ? path.size() : next;
    }
    return v;
  }
  return std::nullopt;
}

std::string MappingValue::evaluate(const Input& in) const {
  switch (kind_) {
    case Kind::Literal: return text_;
    case Kind::ContextPath: return in.path;
    case Kind::ResourcePath: return in.resource_path;
    case Kind::Stage: return in.stage;
    case Kind::Method: return in.method;
    case Kind::RequestId: return in.request_id;
    case Kind::Body: return in.body;
    case Kind::JsonPath: {
      // Like API Gateway: a missing path or a body that is not JSON gives an empty value.
      auto doc = nlohmann::json::parse(in.body, nullptr, false);
      const nlohmann::json* node = &doc;
      for (const auto& key : path_) {
        if (!node->is_object()) return {};
        auto it = node->find(key);
        if (it == node->end()) return {};
        node = &*it;
      }
      if (node->is_string()) return node->get<std::string>();
      if (node->is_null() || node->is_discarded()) return {};
      return node->dump();
    }
  }
  return {};
}

}  // namespace localray::apigateway::model
