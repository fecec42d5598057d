#include "config/cloudformation/intrinsics.hpp"

#include "base/base64.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;
using tracing::Error;

namespace {

json no_value() { return json(json::value_t::discarded); }

bool is_intrinsic(const json& v) {
  if (!v.is_object() || v.size() != 1) return false;
  const auto& key = v.begin().key();
  return key == "Ref" || key.rfind("Fn::", 0) == 0;
}

Error at(const std::string& path, const std::string& what) { return Error{path + ": " + what}; }

tracing::Result<json> list_of(const json& value, const Resolver& r, const std::string& path, const char* fn) {
  auto v = evaluate(value, r, path);
  if (!v) return v;
  if (!v->is_array()) return at(path, std::string{fn} + " needs a list here");
  return v;
}

tracing::Result<json> sub(const json& args, const Resolver& r, const std::string& path) {
  std::string text;
  json vars = json::object();
  if (args.is_string()) {
    text = args.get<std::string>();
  } else if (args.is_array() && args.size() == 2 && args[0].is_string() && args[1].is_object()) {
    text = args[0].get<std::string>();
    for (const auto& [name, value] : args[1].items()) {
      auto v = evaluate(value, r, path + ".Fn::Sub[1]." + name);
      if (!v) return v;
      vars[name] = std::move(*v);
    }
  } else {
    return at(path, "Fn::Sub needs a string or [string, {variables}]");
  }
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find("${", pos);
    if (open == std::string::npos) {
      out += text.substr(pos);
      break;
    }
    out += text.substr(pos, open - pos);
    auto close = text.find('}', open);
    if (close == std::string::npos) return at(path, "Fn::Sub: '${' without '}' in '" + text + "'");
    std::string name = text.substr(open + 2, close - open - 2);
    pos = close + 1;
    if (!name.empty() && name[0] == '!') {  // ${!Literal}
      out += "${" + name.substr(1) + "}";
      continue;
    }
    tracing::Result<json> value = Error{};
    if (auto it = vars.find(name); it != vars.end()) value = ok(*it);
    else if (auto dot = name.find('.'); dot != std::string::npos && name.rfind("AWS::", 0) != 0)
      value = r.get_att(name.substr(0, dot), name.substr(dot + 1));
    else
      value = r.ref(name);
    if (!value) return at(path, "Fn::Sub ${" + name + "}: " + value.error().message);
    auto s = scalar_string(*value, path);
    if (!s) return at(path, "Fn::Sub ${" + name + "} is not a string");
    out += *s;
  }
  return ok(json(out));
}

tracing::Result<json> call(const std::string& fn, const json& args, const Resolver& r, const std::string& path) {
  const std::string here = path + "." + fn;
  if (fn == "Ref") {
    if (!args.is_string()) return at(here, "Ref needs the name of a parameter or resource");
    auto name = args.get<std::string>();
    if (name == "AWS::NoValue") return ok(no_value());
    auto v = r.ref(name);
    if (!v) return at(path, v.error().message);
    return v;
  }
  if (fn == "Fn::GetAtt") {
    json parts = args;
    if (args.is_string()) {
      auto s = args.get<std::string>();
      auto dot = s.find('.');
      if (dot == std::string::npos) return at(here, "needs [LogicalId, Attribute] or 'LogicalId.Attribute'");
      parts = json::array({s.substr(0, dot), s.substr(dot + 1)});
    }
    if (!parts.is_array() || parts.size() != 2 || !parts[0].is_string()) return at(here, "needs [LogicalId, Attribute]");
    auto attribute = evaluate(parts[1], r, here + "[1]");
    if (!attribute) return attribute;
    if (!attribute->is_string()) return at(here, "the attribute name must be a string");
    auto v = r.get_att(parts[0].get<std::string>(), attribute->get<std::string>());
    if (!v) return at(here, v.error().message);
    return v;
  }
  if (fn == "Fn::Join") {
    if (!args.is_array() || args.size() != 2 || !args[0].is_string()) return at(here, "needs [delimiter, [values]]");
    auto items = evaluate(args[1], r, here + "[1]");
    if (!items) return items;
    // The CDK bootstrap template joins a plain string: a single value.
    if (items->is_string()) return items;
    if (!items->is_array()) return at(here, "the values to join must be a list");
    std::string out, delimiter = args[0].get<std::string>();
    for (std::size_t i = 0; i < items->size(); ++i) {
      auto s = scalar_string((*items)[i], here + "[1][" + std::to_string(i) + "]");
      if (!s) return s.error();
      if (i) out += delimiter;
      out += *s;
    }
    return ok(json(out));
  }
  if (fn == "Fn::Sub") return sub(args, r, here);
  if (fn == "Fn::Select") {
    if (!args.is_array() || args.size() != 2) return at(here, "needs [index, [values]]");
    auto index = evaluate(args[0], r, here + "[0]");
    if (!index) return index;
    long long i = -1;
    if (index->is_number_integer()) i = index->get<long long>();
    else if (index->is_string()) {
      try {
        std::size_t used = 0;
        i = std::stoll(index->get<std::string>(), &used);
        if (used != index->get<std::string>().size()) i = -1;
      } catch (const std::exception&) {
        i = -1;
      }
    }
    if (i < 0) return at(here, "the index must be a non-negative integer");
    auto items = list_of(args[1], r, here + "[1]", "Fn::Select");
    if (!items) return items;
    if (static_cast<std::size_t>(i) >= items->size())
      return at(here, "index " + std::to_string(i) + " is out of range for a list of " + std::to_string(items->size()));
    return ok((*items)[i]);
  }
  if (fn == "Fn::Split") {
    if (!args.is_array() || args.size() != 2 || !args[0].is_string() || args[0].get<std::string>().empty())
      return at(here, "needs [delimiter, string]");
    auto source = evaluate(args[1], r, here + "[1]");
    if (!source) return source;
    auto s = scalar_string(*source, here + "[1]");
    if (!s) return s.error();
    std::string delimiter = args[0].get<std::string>();
    json out = json::array();
    std::size_t pos = 0;
    for (;;) {
      auto next = s->find(delimiter, pos);
      out.push_back(s->substr(pos, next == std::string::npos ? std::string::npos : next - pos));
      if (next == std::string::npos) break;
      pos = next + delimiter.size();
    }
    return ok(std::move(out));
  }
  if (fn == "Fn::If") {
    if (!args.is_array() || args.size() != 3 || !args[0].is_string()) return at(here, "needs [ConditionName, valueIfTrue, valueIfFalse]");
    auto c = r.condition(args[0].get<std::string>());
    if (!c) return at(here, c.error().message);
    return evaluate(args[*c ? 1 : 2], r, here + (*c ? "[1]" : "[2]"));
  }
  if (fn == "Fn::FindInMap") {
    if (!args.is_array() || args.size() < 3) return at(here, "needs [MapName, TopLevelKey, SecondLevelKey]");
    std::string keys[3];
    for (int i = 0; i < 3; ++i) {
      auto v = evaluate(args[i], r, here + "[" + std::to_string(i) + "]");
      if (!v) return v;
      auto s = scalar_string(*v, here + "[" + std::to_string(i) + "]");
      if (!s) return s.error();
      keys[i] = *s;
    }
    const json& maps = r.mappings();
    auto map = maps.find(keys[0]);
    if (map == maps.end()) return at(here, "no mapping named '" + keys[0] + "'");
    auto top = map->find(keys[1]);
    if (top == map->end() || !top->is_object()) return at(here, "mapping '" + keys[0] + "' has no key '" + keys[1] + "'");
    auto second = top->find(keys[2]);
    if (second == top->end()) return at(here, "mapping '" + keys[0] + "." + keys[1] + "' has no key '" + keys[2] + "'");
    return ok(*second);
  }
  if (fn == "Fn::ImportValue") {
    auto name = evaluate(args, r, here);
    if (!name) return name;
    if (!name->is_string()) return at(here, "the export name must be a string");
    auto v = r.import_value(name->get<std::string>());
    if (!v) return at(here, v.error().message);
    return v;
  }
  if (fn == "Fn::GetAZs") {
    auto region = evaluate(args, r, here);
    if (!region) return region;
    std::string name = region->is_string() ? region->get<std::string>() : "";
    if (name.empty()) name = r.region();
    return ok(json::array({name + "a", name + "b", name + "c"}));
  }
  if (fn == "Fn::Base64") {
    auto v = evaluate(args, r, here);
    if (!v) return v;
    auto s = scalar_string(*v, here);
    if (!s) return s.error();
    return ok(json(base::base64_encode(*s)));
  }
  if (fn == "Fn::Equals" || fn == "Fn::And" || fn == "Fn::Or" || fn == "Fn::Not") {
    auto b = evaluate_condition(json{{fn, args}}, r, path);
    if (!b) return b.error();
    return ok(json(*b));
  }
  return at(path, fn + " is not supported");
}

}  // namespace

tracing::Result<std::string> scalar_string(const json& value, const std::string& path) {
  if (value.is_string()) return tracing::success(value.get<std::string>());
  if (value.is_boolean()) return tracing::success(std::string{value.get<bool>() ? "true" : "false"});
  if (value.is_number_integer()) return tracing::success(std::to_string(value.get<long long>()));
  if (value.is_number()) return tracing::success(value.dump());
  return at(path, "must be a string, not " + std::string{value.type_name()});
}

tracing::Result<json> evaluate(const json& value, const Resolver& r, const std::string& path) {
  if (is_intrinsic(value)) return call(value.begin().key(), value.begin().value(), r, path);
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, member] : value.items()) {
      auto v = evaluate(member, r, path + "." + key);
      if (!v) return v;
      if (!v->is_discarded()) out[key] = std::move(*v);
    }
    return ok(std::move(out));
  }
  if (value.is_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < value.size(); ++i) {
      auto v = evaluate(value[i], r, path + "[" + std::to_string(i) + "]");
      if (!v) return v;
      if (!v->is_discarded()) out.push_back(std::move(*v));
    }
    return ok(std::move(out));
  }
  return ok(value);
}

tracing::Result<bool> evaluate_condition(const json& value, const Resolver& r, const std::string& path) {
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_string() && (value == "true" || value == "false")) return value == "true";
  if (!value.is_object() || value.size() != 1) return at(path, "a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition");
  const std::string& fn = value.begin().key();
  const json& args = value.begin().value();
  const std::string here = path + "." + fn;
  if (fn == "Condition") {
    if (!args.is_string()) return at(here, "needs a condition's name");
    auto c = r.condition(args.get<std::string>());
    if (!c) return at(here, c.error().message);
    return c;
  }
  if (fn == "Fn::Equals") {
    if (!args.is_array() || args.size() != 2) return at(here, "needs two values");
    auto a = evaluate(args[0], r, here + "[0]");
    if (!a) return a.error();
    auto b = evaluate(args[1], r, here + "[1]");
    if (!b) return b.error();
    auto as = scalar_string(*a, here), bs = scalar_string(*b, here);
    if (as && bs) return *as == *bs;
    return *a == *b;
  }
  if (fn == "Fn::Not") {
    if (!args.is_array() || args.size() != 1) return at(here, "needs one condition");
    auto c = evaluate_condition(args[0], r, here + "[0]");
    if (!c) return c;
    return !*c;
  }
  if (fn == "Fn::And" || fn == "Fn::Or") {
    if (!args.is_array() || args.size() < 2 || args.size() > 10) return at(here, "needs from 2 to 10 conditions");
    bool is_and = fn == "Fn::And";
    bool result = is_and;
    for (std::size_t i = 0; i < args.size(); ++i) {
      auto c = evaluate_condition(args[i], r, here + "[" + std::to_string(i) + "]");
      if (!c) return c;
      result = is_and ? (result && *c) : (result || *c);
    }
    return result;
  }
  if (fn == "Fn::Contains") {  // Rules only; kept for completeness of conditions found there
    if (!args.is_array() || args.size() != 2) return at(here, "needs [[values], value]");
    auto list = evaluate(args[0], r, here + "[0]");
    if (!list) return list.error();
    auto v = evaluate(args[1], r, here + "[1]");
    if (!v) return v.error();
    if (!list->is_array()) return at(here, "needs a list");
    for (const auto& item : *list)
      if (item == *v) return true;
    return false;
  }
  // A value that evaluates to a boolean (Fn::If yielding true/false, a Ref to a "true" parameter).
  auto v = evaluate(value, r, path);
  if (!v) return v.error();
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string() && (*v == "true" || *v == "false")) return *v == "true";
  return at(path, fn + " is not a condition function");
}

void collect_references(const json& value, std::set<std::string>& out) {
  if (value.is_array()) {
    for (const auto& v : value) collect_references(v, out);
    return;
  }
  if (!value.is_object()) return;
  if (value.size() == 1) {
    const std::string& key = value.begin().key();
    const json& args = value.begin().value();
    if (key == "Ref" && args.is_string()) {
      auto name = args.get<std::string>();
      if (name.rfind("AWS::", 0) != 0) out.insert(name);
      return;
    }
    if (key == "Fn::GetAtt") {
      if (args.is_array() && !args.empty() && args[0].is_string()) out.insert(args[0].get<std::string>());
      else if (args.is_string()) out.insert(args.get<std::string>().substr(0, args.get<std::string>().find('.')));
      if (args.is_array() && args.size() == 2) collect_references(args[1], out);
      return;
    }
    if (key == "Fn::Sub") {
      const json* text = args.is_string() ? &args : (args.is_array() && !args.empty() && args[0].is_string() ? &args[0] : nullptr);
      std::set<std::string> local;
      if (args.is_array() && args.size() == 2 && args[1].is_object()) {
        for (const auto& [name, v] : args[1].items()) {
          local.insert(name);
          collect_references(v, out);
        }
      }
      if (text) {
        const auto s = text->get<std::string>();
        for (std::size_t pos = s.find("${"); pos != std::string::npos; pos = s.find("${", pos + 2)) {
          auto close = s.find('}', pos);
          if (close == std::string::npos) break;
          std::string name = s.substr(pos + 2, close - pos - 2);
          if (name.empty() || name[0] == '!' || name.rfind("AWS::", 0) == 0 || local.count(name)) continue;
          out.insert(name.substr(0, name.find('.')));
        }
      }
      return;
    }
  }
  for (const auto& [key, v] : value.items()) collect_references(v, out);
}

}  // namespace localray::config::cloudformation
