#include "services/apigateway/model/mapping_host.hpp"

#include "base/base64.hpp"
#include "base/percent_encoding.hpp"

namespace localray::apigateway::model {

using nlohmann::json;
using tracing::Error;

namespace {


// UTF-8 to code points; a malformed byte stands for itself.
std::vector<char32_t> code_points(const std::string& s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    if (i + extra >= s.size() + (extra ? 0 : 1)) extra = 0, cp = c;
    for (int k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += 1 + extra;
  }
  return out;
}

std::string hex4(unsigned v) {
  static const char* digits = "0123456789ABCDEF";
  std::string out = "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += digits[(v >> shift) & 15];
  return out;
}

}  // namespace

std::string escape_javascript(const std::string& s) {
  std::string out;
  for (char32_t cp : code_points(s)) {
    switch (cp) {
      case '"': out += "\\\""; break;
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      case '/': out += "\\/"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (cp < 0x20 || cp > 0x7E) {
          if (cp > 0xFFFF) {  // UTF-16 surrogate pair, as Java's chars
            char32_t v = cp - 0x10000;
            out += hex4(0xD800 + (v >> 10));
            out += hex4(0xDC00 + (v & 0x3FF));
          } else {
            out += hex4(cp);
          }
        } else {
          out += static_cast<char>(cp);
        }
    }
  }
  return out;
}

tracing::Result<json> json_path(const json& document, const std::string& path) {
  if (path.empty() || path[0] != '$') return Error{"a JSONPath starts with '$': '" + path + "'"};
  const json* node = &document;
  std::size_t i = 1;
  while (i < path.size()) {
    std::string key;
    std::optional<std::size_t> index;
    if (path[i] == '.') {
      std::size_t end = path.find_first_of(".[", i + 1);
      key = path.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      i = end == std::string::npos ? path.size() : end;
      if (key.empty()) return Error{"the JSONPath '" + path + "' has an empty name"};
    } else if (path[i] == '[') {
      std::size_t end = path.find(']', i);
      if (end == std::string::npos) return Error{"the JSONPath '" + path + "' has '[' without ']'"};
      std::string inside = path.substr(i + 1, end - i - 1);
      i = end + 1;
      if (inside.size() >= 2 && (inside.front() == '\'' || inside.front() == '"')) key = inside.substr(1, inside.size() - 2);
      else if (!inside.empty() && inside.find_first_not_of("0123456789") == std::string::npos) index = std::stoul(inside);
      else return Error{"the JSONPath '" + path + "' uses '[" + inside + "]', which is not supported"};
    } else {
      return Error{"the JSONPath '" + path + "' is malformed"};
    }
    if (index) {
      if (!node->is_array() || *index >= node->size()) return ok(json(nullptr));
      node = &(*node)[*index];
    } else {
      if (!node->is_object()) return ok(json(nullptr));
      auto it = node->find(key);
      if (it == node->end()) return ok(json(nullptr));
      node = &*it;
    }
  }
  return ok(*node);
}

tracing::Result<json> MappingHost::call(const std::string& object, const std::string& method, const std::vector<json>& args, bool property) {
  auto text = [&](std::size_t i) { return i < args.size() ? velocity_string(args[i]) : std::string{}; };
  if (object == "input") {
    if (method == "body") return ok(json(input_.body));
    if (method == "json" || method == "path") {
      // A payload that is not JSON reads as an empty object, as API Gateway's does.
      json doc = json::parse(input_.body.empty() ? "{}" : input_.body, nullptr, false);
      if (doc.is_discarded()) doc = json::object();
      auto found = json_path(doc, args.empty() ? "$" : text(0));
      if (!found) return found;
      if (method == "json") return ok(json(found->dump()));
      return found;
    }
    if (method == "params") {
      if (args.empty()) {
        json all = json::object();
        for (const char* where : {"path", "querystring", "header"}) {
          all[where] = json::object();
          if (auto it = input_.params.find(where); it != input_.params.end())
            for (const auto& [k, v] : it->second) all[where][k] = v;
        }
        return ok(all);
      }
      // One name: path first, then the query string, then headers (case-insensitive there).
      std::string name = text(0);
      for (const char* where : {"path", "querystring"})
        if (auto it = input_.params.find(where); it != input_.params.end())
          if (auto v = it->second.find(name); v != it->second.end()) return ok(json(v->second));
      if (auto it = input_.params.find("header"); it != input_.params.end())
        for (const auto& [k, v] : it->second)
          if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
            return ok(json(v));
      return ok(json(""));
    }
    return Error{"$input has no " + std::string{property ? "member " : "method "} + method};
  }
  if (property) return Error{"$util." + method + " is a method: $util." + method + "(...)"};
  if (method == "escapeJavaScript") return ok(json(escape_javascript(text(0))));
  if (method == "urlEncode") return ok(json(base::form_encode(text(0))));
  if (method == "urlDecode") {
    auto decoded = base::percent_decode(text(0), true);
    if (!decoded) return Error{"$util.urlDecode: malformed escape in '" + text(0) + "'"};
    return ok(json(*decoded));
  }
  if (method == "base64Encode") return ok(json(base::base64_encode(text(0))));
  if (method == "base64Decode") {
    auto decoded = base::base64_decode(text(0));
    if (!decoded) return Error{"$util.base64Decode: not base64"};
    return ok(json(*decoded));
  }
  if (method == "parseJson") {
    json parsed = json::parse(text(0), nullptr, false);
    if (parsed.is_discarded()) return Error{"$util.parseJson: not JSON"};
    return ok(parsed);
  }
  return Error{"$util has no method " + method};
}

}  // namespace localray::apigateway::model
