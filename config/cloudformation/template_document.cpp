#include <algorithm>
#include <optional>
#include <vector>
#include "config/cloudformation/template_document.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "config/cloudformation/json_result.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;
using tracing::Error;

namespace {

// A plain (unquoted) scalar is typed as YAML 1.1 would type the values templates use: integers,
// booleans and null. Everything else, `2010-09-09` included, stays a string; intrinsics and
// properties coerce as CloudFormation does.
json plain_scalar(const std::string& s) {
  static const std::regex integer{"-?(0|[1-9][0-9]{0,17})"};
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (std::regex_match(s, integer)) return std::stoll(s);
  return s;
}

tracing::Result<json> to_json(const YAML::Node& node, const std::string& name);

// `!Ref X`, `!GetAtt A.B`, `!Condition C` and `!Fn a` as the long form.
tracing::Result<json> tagged(const std::string& tag, const YAML::Node& node, const std::string& name) {
  std::string fn = tag.substr(1);
  YAML::Node untagged = node;
  untagged.SetTag("?");
  auto value = to_json(untagged, name);
  if (!value) return value;
  if (node.IsScalar() && node.Tag() != "!" && value->is_null()) value = ok(std::string{});
  if (fn == "Ref") return ok(json{{"Ref", std::move(*value)}});
  if (fn == "Condition") return ok(json{{"Condition", std::move(*value)}});
  if (fn == "GetAtt" && value->is_string()) {
    // Split at the first dot: the attribute itself may hold dots (Outputs.Name).
    auto s = value->get<std::string>();
    auto dot = s.find('.');
    if (dot == std::string::npos) {
      auto mark = node.Mark();
      return Error{name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": !GetAtt '" + s +
                   "' must be LogicalId.Attribute"};
    }
    return ok(json{{"Fn::GetAtt", json::array({s.substr(0, dot), s.substr(dot + 1)})}});
  }
  return ok(json{{"Fn::" + fn, std::move(*value)}});
}

tracing::Result<json> to_json(const YAML::Node& node, const std::string& name) {
  const std::string& tag = node.Tag();
  if (!tag.empty() && tag != "?" && tag != "!" && tag[0] == '!' && tag.rfind("!!", 0) != 0) return tagged(tag, node, name);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return ok(json(nullptr));
    case YAML::NodeType::Scalar:
      // A quoted scalar ("!" tag) is always a string.
      if (tag == "!" || tag == "tag:yaml.org,2002:str") return ok(json(node.Scalar()));
      return ok(plain_scalar(node.Scalar()));
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) {
        auto v = to_json(item, name);
        if (!v) return v;
        out.push_back(std::move(*v));
      }
      return ok(std::move(out));
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) {
        if (!item.first.IsScalar()) {
          auto mark = item.first.Mark();
          return Error{name + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": a key must be a scalar"};
        }
        auto v = to_json(item.second, name);
        if (!v) return v;
        out[item.first.Scalar()] = std::move(*v);
      }
      return ok(std::move(out));
    }
  }
  return ok(json(nullptr));
}

}  // namespace

namespace {

// The offset of the first byte that is not part of well-formed UTF-8, if any: CloudFormation takes
// UTF-8 templates, and JSON values must be valid UTF-8 to be written out again.
std::optional<std::size_t> invalid_utf8_at(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return i;
    std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 2) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return i;
    i += len;
  }
  return std::nullopt;
}

// How deep the document nests, walked without recursion (a hostile template may nest thousands
// deep, and every later step recurses over it).
std::size_t depth_of(const json& root) {
  std::size_t deepest = 0;
  std::vector<std::pair<const json*, std::size_t>> todo{{&root, 1}};
  while (!todo.empty()) {
    auto [j, d] = todo.back();
    todo.pop_back();
    deepest = std::max(deepest, d);
    if (j->is_structured())
      for (const auto& child : *j) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

constexpr std::size_t kMaxDepth = 64;

tracing::Result<json> checked_depth(tracing::Result<json> parsed, const std::string& name) {
  if (parsed && depth_of(*parsed) > kMaxDepth) return Error{name + ": nested more than " + std::to_string(kMaxDepth) + " levels deep"};
  return parsed;
}

tracing::Result<json> parse_text(std::string_view text, const std::string& name);

}  // namespace

tracing::Result<json> parse_template(std::string_view text, const std::string& name) { return checked_depth(parse_text(text, name), name); }

namespace {

tracing::Result<json> parse_text(std::string_view text, const std::string& name) {
  if (auto bad = invalid_utf8_at(text)) return Error{name + ": not UTF-8 text (byte " + std::to_string(*bad) + ")"};
  auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    try {
      return ok(json::parse(text));
    } catch (const json::exception& e) {  // parse errors, and numbers out of range
      return Error{name + ": not valid JSON: " + e.what()};
    }
  }
  try {
    YAML::Node root = YAML::Load(std::string{text});
    auto out = to_json(root, name);
    if (out && !out->is_object()) return Error{name + ": a template must be a mapping of sections"};
    return out;
  } catch (const YAML::Exception& e) {
    return Error{name + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": not valid YAML: " + e.msg};
  } catch (const json::exception& e) {
    return Error{name + ": not a template: " + e.what()};
  }
}

}  // namespace

tracing::Result<json> read_template(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) return Error{path + ": cannot read the template"};
  std::ostringstream s;
  s << in.rdbuf();
  return parse_template(s.str(), path);
}

}  // namespace localray::config::cloudformation
