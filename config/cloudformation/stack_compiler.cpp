#include "config/cloudformation/stack_compiler.hpp"

#include <algorithm>
#include <set>

#include "config/cloudformation/compile_context.hpp"
#include "config/cloudformation/intrinsics.hpp"
#include "config/cloudformation/sam_transform.hpp"
#include "base/fnv1a.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;
using tracing::Error;
using base::fnv1a;

namespace {

std::string encode(std::uint64_t h, std::size_t length, const char* alphabet, std::size_t radix) {
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    out += alphabet[h % radix];
    h /= radix;
    if (h == 0) h = fnv1a(out);
  }
  return out;
}

// The part of the CDK's bootstrap that templates check: a version it accepts.
constexpr const char* kBootstrapVersion = "21";

class StackResolver final : public Resolver {
 public:
  StackResolver(CompileContext& ctx, const json& body, Exports& exports) : ctx_{ctx}, body_{body}, exports_{exports} {
    if (auto it = body.find("Mappings"); it != body.end() && it->is_object()) mappings_ = *it;
  }

  tracing::Result<json> ref(const std::string& name) const override {
    const auto& env = ctx_.env;
    if (name == "AWS::Region") return ok(json(env.region));
    if (name == "AWS::AccountId") return ok(json(env.account));
    if (name == "AWS::StackName") return ok(json(ctx_.stack.name));
    if (name == "AWS::StackId") return ok(json(ctx_.stack.id));
    if (name == "AWS::Partition") return ok(json("aws"));
    if (name == "AWS::URLSuffix") return ok(json("amazonaws.com"));
    if (name == "AWS::NotificationARNs") return ok(json::array());
    if (auto p = parameters.find(name); p != parameters.end()) return ok(p->second);
    if (auto r = ctx_.resources.find(name); r != ctx_.resources.end()) return ok(r->second.ref);
    if (skipped.count(name)) return Error{"resource '" + name + "' is not created: its Condition is false"};
    return Error{"Ref names unknown parameter or resource '" + name + "'"};
  }
  tracing::Result<json> get_att(const std::string& id, const std::string& attribute) const override {
    auto r = ctx_.resources.find(id);
    if (r == ctx_.resources.end()) {
      if (skipped.count(id)) return Error{"resource '" + id + "' is not created: its Condition is false"};
      return Error{"Fn::GetAtt names unknown resource '" + id + "'"};
    }
    auto a = r->second.attributes.find(attribute);
    if (a == r->second.attributes.end()) return Error{r->second.type + " '" + id + "' has no attribute '" + attribute + "' here"};
    return ok(a->second);
  }
  tracing::Result<bool> condition(const std::string& name) const override {
    if (auto known = conditions_.find(name); known != conditions_.end()) return known->second;
    auto section = body_.find("Conditions");
    if (section == body_.end() || !section->contains(name)) return Error{"no condition named '" + name + "'"};
    if (!evaluating_.insert(name).second) return Error{"condition '" + name + "' depends on itself"};
    auto value = evaluate_condition((*section)[name], *this, ctx_.input.file + ": Conditions." + name);
    evaluating_.erase(name);
    if (!value) return value;
    conditions_[name] = *value;
    return value;
  }
  tracing::Result<json> import_value(const std::string& name) const override {
    auto it = exports_.by_name.find(name);
    if (it == exports_.by_name.end()) return Error{"no stack exports '" + name + "'"};
    return ok(json(it->second.value));
  }
  const json& mappings() const override { return mappings_; }
  const std::string& region() const override { return ctx_.env.region; }

  std::map<std::string, json> parameters;
  std::set<std::string> skipped;  // resources whose Condition is false

 private:
  CompileContext& ctx_;
  const json& body_;
  Exports& exports_;
  json mappings_ = json::object();
  mutable std::map<std::string, bool> conditions_;
  mutable std::set<std::string> evaluating_;
};

tracing::Result<void> read_parameters(const StackInput& in, StackResolver& resolver) {
  auto section = in.body.find("Parameters");
  if (section == in.body.end()) return {};
  if (!section->is_object()) return Error{in.file + ": Parameters must be a mapping"};
  for (const auto& [name, spec] : section->items()) {
    const std::string at = in.file + ": Parameters." + name;
    std::string type = spec.value("Type", "String");
    std::optional<std::string> value;
    if (auto o = in.parameters.find(name); o != in.parameters.end()) value = o->second;
    else if (auto d = spec.find("Default"); d != spec.end()) {
      auto s = scalar_string(*d, at + ".Default");
      if (!s) return s.error();
      value = *s;
    }
    if (type.rfind("AWS::SSM::Parameter::Value<", 0) == 0 && !in.parameters.count(name)) {
      // No Parameter Store here: the CDK's bootstrap version is known, anything else must be given.
      if (value && value->rfind("/cdk-bootstrap/", 0) == 0 && value->size() > 8 && value->substr(value->size() - 8) == "/version")
        value = kBootstrapVersion;
      else
        return Error{at + ": an SSM parameter (" + value.value_or("no default") + ") has no store here: pass --parameter " + name + "=VALUE"};
    }
    if (!value) return Error{at + ": no value: the parameter has no Default (pass --parameter " + name + "=VALUE)"};
    if (auto allowed = spec.find("AllowedValues"); allowed != spec.end() && allowed->is_array()) {
      bool ok = std::any_of(allowed->begin(), allowed->end(), [&](const json& a) {
        auto s = scalar_string(a, at);
        return s && *s == *value;
      });
      if (!ok) return Error{at + ": '" + *value + "' is not one of its AllowedValues " + allowed->dump()};
    }
    if (type.rfind("List<", 0) == 0 || type == "CommaDelimitedList") {
      json list = json::array();
      std::size_t pos = 0;
      while (true) {
        auto comma = value->find(',', pos);
        std::string item = value->substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        list.push_back(item);
        if (comma == std::string::npos) break;
        pos = comma + 1;
      }
      resolver.parameters[name] = list;
    } else {
      resolver.parameters[name] = *value;
    }
  }
  return {};
}

// Resources in an order where each comes after what it names; a cycle is an error naming it.
tracing::Result<std::vector<std::string>> dependency_order(const StackInput& in, const json& resources) {
  std::map<std::string, std::set<std::string>> needs;
  for (const auto& [id, r] : resources.items()) {
    std::set<std::string> refs;
    if (auto p = r.find("Properties"); p != r.end()) collect_references(*p, refs);
    if (auto d = r.find("DependsOn"); d != r.end()) {
      json list = d->is_array() ? *d : json::array({*d});
      for (const auto& x : list) {
        if (!x.is_string() || !resources.contains(x.get<std::string>()))
          return Error{in.file + ": Resources." + id + ".DependsOn: no resource named " + x.dump()};
        refs.insert(x.get<std::string>());
      }
    }
    auto& mine = needs[id];
    for (const auto& name : refs)
      if (resources.contains(name) && name != id) mine.insert(name);
      else if (name == id) return Error{in.file + ": Resources." + id + ": refers to itself"};
  }
  std::vector<std::string> order;
  std::set<std::string> done;
  while (order.size() < needs.size()) {
    bool progressed = false;
    for (const auto& [id, deps] : needs) {
      if (done.count(id)) continue;
      if (std::all_of(deps.begin(), deps.end(), [&](const std::string& d) { return done.count(d) > 0; })) {
        order.push_back(id);
        done.insert(id);
        progressed = true;
      }
    }
    if (!progressed) {
      std::string cycle;
      for (const auto& [id, deps] : needs)
        if (!done.count(id)) cycle += (cycle.empty() ? "" : ", ") + id;
      return Error{in.file + ": Resources: circular dependency between " + cycle};
    }
  }
  return order;
}

const ResourceType* find_type(const std::string& type) {
  for (const auto* list : {&messaging_types(), &lambda_types(), &dynamodb_types(), &apigateway_types(), &accepted_types()})
    for (const auto& t : *list)
      if (type == t.type) return &t;
  return nullptr;
}

// A type localray does not emulate still answers Ref and Arn, so templates that wire it in load.
ResourceValues stand_in_values(const CompileContext& ctx, const std::string& id, const std::string& type) {
  std::string name = ctx.physical_name(id, 64);
  std::string service = type.size() > 5 ? type.substr(5, type.find("::", 5) - 5) : "unknown";
  std::transform(service.begin(), service.end(), service.begin(), [](unsigned char c) { return std::tolower(c); });
  ResourceValues v{type, name, {}};
  v.attributes["Arn"] = ctx.arn(service, name);
  return v;
}

}  // namespace

tracing::Error CompileContext::error(const std::string& logical_id, const std::string& property, const std::string& what) const {
  return Error{input.file + ": Resources." + logical_id + (property.empty() ? "" : ".Properties." + property) + ": " + what};
}

std::string CompileContext::physical_name(const std::string& logical_id, std::size_t max_length) const {
  std::uint64_t h = fnv1a(stack.name + "/" + logical_id, fnv1a(std::to_string(env.seed)));
  std::string suffix = encode(h, 13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36);
  std::string logical = logical_id.substr(0, std::min<std::size_t>(logical_id.size(), 24));
  std::size_t room = max_length > logical.size() + suffix.size() + 2 ? max_length - logical.size() - suffix.size() - 2 : 0;
  return stack.name.substr(0, room) + "-" + logical + "-" + suffix;
}

std::string CompileContext::short_id(const std::string& key) const {
  return encode(fnv1a(stack.name + "/" + key), 10, "abcdefghijklmnopqrstuvwxyz0123456789", 36);
}

std::optional<std::size_t> CompileContext::api_index(const std::string& api_id) const {
  for (std::size_t i = 0; i < topology.apis.size(); ++i)
    if (topology.apis[i].id == api_id) return i;
  return std::nullopt;
}

std::string arn_name(const std::string& arn, char separator) { return arn.substr(arn.rfind(separator) + 1); }

const json* Properties::find(const char* name) const {
  auto it = props_.find(name);
  return it == props_.end() || it->is_null() ? nullptr : &*it;
}

tracing::Result<std::string> Properties::string(const char* name) const {
  auto v = optional_string(name);
  if (!v) return v.error();
  if (!*v || (*v)->empty()) return error(name, "is required");
  return tracing::success(**v);
}

tracing::Result<std::optional<std::string>> Properties::optional_string(const char* name) const {
  const json* v = find(name);
  if (!v) return std::optional<std::string>{};
  auto s = scalar_string(*v, "");
  if (!s) return error(name, "must be a string");
  return std::optional<std::string>{*s};
}

tracing::Result<std::optional<long long>> Properties::integer(const char* name, long long min, long long max) const {
  const json* v = find(name);
  if (!v) return std::optional<long long>{};
  long long n = 0;
  if (v->is_number_integer()) n = v->get<long long>();
  else if (v->is_string()) {
    try {
      std::size_t used = 0;
      n = std::stoll(v->get<std::string>(), &used);
      if (used != v->get<std::string>().size()) return error(name, "must be an integer");
    } catch (const std::exception&) {
      return error(name, "must be an integer");
    }
  } else {
    return error(name, "must be an integer");
  }
  if (n < min || n > max) return error(name, "must be from " + std::to_string(min) + " to " + std::to_string(max));
  return std::optional<long long>{n};
}

tracing::Result<std::optional<bool>> Properties::boolean(const char* name) const {
  const json* v = find(name);
  if (!v) return std::optional<bool>{};
  if (v->is_boolean()) return std::optional<bool>{v->get<bool>()};
  if (*v == "true" || *v == "false") return std::optional<bool>{*v == "true"};
  return error(name, "must be true or false");
}

tracing::Result<std::map<std::string, std::string>> Properties::string_map(const json* value, const std::string& property) const {
  std::map<std::string, std::string> out;
  if (!value) return out;
  if (!value->is_object()) return error(property, "must be a mapping of strings");
  for (const auto& [k, v] : value->items()) {
    auto s = scalar_string(v, "");
    if (!s) return error(property + "." + k, "must be a string");
    out[k] = *s;
  }
  return out;
}

namespace {

// The shapes every later step relies on, checked once with the resource named: each resource a
// mapping with a string Type, its Properties (when there are any) a mapping.
tracing::Result<void> check_shape(const json& body, const std::string& file) {
  for (const char* section : {"Resources", "Parameters", "Conditions", "Outputs", "Mappings", "Globals"})
    if (auto it = body.find(section); it != body.end() && !it->is_object()) return Error{file + ": " + section + " must be a mapping"};
  auto resources = body.find("Resources");
  if (resources == body.end()) return {};
  for (const auto& [id, r] : resources->items()) {
    if (!r.is_object()) return Error{file + ": Resources." + id + ": a resource must be a mapping with a Type"};
    auto type = r.find("Type");
    if (type == r.end() || !type->is_string()) return Error{file + ": Resources." + id + ".Type: must be a string"};
    if (auto p = r.find("Properties"); p != r.end() && !p->is_object() && !p->is_null())
      return Error{file + ": Resources." + id + ".Properties: must be a mapping"};
  }
  return {};
}

tracing::Result<void> compile_checked(const StackInput& input, const Environment& env, Exports& exports, Topology& into);

}  // namespace

tracing::Result<void> compile_stack(const StackInput& input, const Environment& env, Exports& exports, Topology& into) {
  if (!input.body.is_object()) return Error{input.file + ": a template must be a JSON object or YAML mapping"};
  if (auto shape = check_shape(input.body, input.file); !shape) return shape;
  // A value of an unexpected JSON type deeper down is the template's error, never the process's:
  // the fuzz target (tests/fuzz/template_loader.cpp) keeps finding them.
  try {
    return compile_checked(input, env, exports, into);
  } catch (const json::exception& e) {
    return Error{input.file + ": a value of the wrong type (" + std::string{e.what()} + ")"};
  }
}

namespace {

tracing::Result<void> compile_checked(const StackInput& input, const Environment& env, Exports& exports, Topology& into) {
  json body = input.body;
  if (auto expanded = expand_serverless(body, input.file, input.base_dir); !expanded) return expanded.error();
  auto resources = body.find("Resources");
  if (resources == body.end() || !resources->is_object() || resources->empty())
    return Error{input.file + ": Resources is required and must name at least one resource"};

  Stack stack;
  stack.name = input.stack_name;
  stack.file = input.file;
  stack.description = body.value("Description", "");
  std::uint64_t h = fnv1a(input.stack_name, fnv1a(std::to_string(env.seed)));
  std::string uuid = encode(h, 32, "0123456789abcdef", 16);
  stack.id = "arn:aws:cloudformation:" + env.region + ":" + env.account + ":stack/" + input.stack_name + "/" + uuid.substr(0, 8) + "-" +
             uuid.substr(8, 4) + "-" + uuid.substr(12, 4) + "-" + uuid.substr(16, 4) + "-" + uuid.substr(20, 12);
  CompileContext ctx{input, env, into, stack, {}, {}};
  StackResolver resolver{ctx, body, exports};
  if (auto r = read_parameters(input, resolver); !r) return r.error();
  for (const auto& [k, v] : resolver.parameters) stack.parameters[k] = v.is_array() ? v.dump() : v.get<std::string>();

  auto order = dependency_order(input, *resources);
  if (!order) return order.error();
  for (const auto& id : *order) {
    const json& r = (*resources)[id];
    if (!r.is_object() || !r.contains("Type") || !r["Type"].is_string())
      return Error{input.file + ": Resources." + id + ".Type: is required"};
    const std::string type = r["Type"].get<std::string>();
    if (auto c = r.find("Condition"); c != r.end()) {
      if (!c->is_string()) return Error{input.file + ": Resources." + id + ".Condition: must name a condition"};
      auto on = resolver.condition(c->get<std::string>());
      if (!on) return Error{input.file + ": Resources." + id + ".Condition: " + on.error().message};
      if (!*on) {
        resolver.skipped.insert(id);
        continue;
      }
    }
    const ResourceType* known = find_type(type);
    json props = json::object();
    if (auto p = r.find("Properties"); p != r.end()) {
      // A type not emulated is not evaluated: its properties may use what localray lacks.
      if (known) {
        auto evaluated = evaluate(*p, resolver, input.file + ": Resources." + id + ".Properties");
        if (!evaluated) return evaluated.error();
        props = evaluated->is_discarded() ? json::object() : std::move(*evaluated);
      }
    }
    StackResource listed{id, type, "", "", known ? known->status : "not emulated", ""};
    ResourceValues values;
    if (known) {
      auto made = known->compile(ctx, id, props);
      if (!made) return made.error();
      values = std::move(*made);
      values.type = type;
      if (!values.not_emulated.empty()) {
        listed.status = "not emulated";
        listed.note = values.not_emulated;
      }
    } else {
      values = stand_in_values(ctx, id, type);
      listed.note = "not emulated: nothing is created for it";
    }
    auto phys = scalar_string(values.ref, "");
    listed.physical_id = phys ? *phys : values.ref.dump();
    if (auto arn = values.attributes.find("Arn"); arn != values.attributes.end() && arn->second.is_string())
      listed.arn = arn->second.get<std::string>();
    stack.resources.push_back(std::move(listed));
    ctx.resources[id] = std::move(values);
  }

  if (auto outputs = body.find("Outputs"); outputs != body.end() && outputs->is_object()) {
    for (const auto& [key, o] : outputs->items()) {
      const std::string at = input.file + ": Outputs." + key;
      if (auto c = o.find("Condition"); c != o.end() && c->is_string()) {
        auto on = resolver.condition(c->get<std::string>());
        if (!on) return Error{at + ".Condition: " + on.error().message};
        if (!*on) continue;
      }
      if (!o.contains("Value")) return Error{at + ".Value: is required"};
      auto value = evaluate(o["Value"], resolver, at + ".Value");
      if (!value) return value.error();
      auto text = value->is_array() ? tracing::success(value->dump()) : scalar_string(*value, at + ".Value");
      if (!text) return text.error();
      StackOutput out{key, *text, o.value("Description", ""), ""};
      if (auto e = o.find("Export"); e != o.end()) {
        auto name = evaluate(e->value("Name", json()), resolver, at + ".Export.Name");
        if (!name) return name.error();
        if (!name->is_string() || name->get<std::string>().empty()) return Error{at + ".Export.Name: must be a string"};
        out.export_name = name->get<std::string>();
        if (auto prior = exports.by_name.find(out.export_name); prior != exports.by_name.end())
          return Error{at + ".Export.Name: '" + out.export_name + "' is already exported by stack " + prior->second.stack};
        exports.by_name[out.export_name] = {out.value, stack.name};
      }
      stack.outputs.push_back(std::move(out));
    }
  }
  into.stacks.push_back(std::move(stack));
  return {};
}

}  // namespace

}  // namespace localray::config::cloudformation
