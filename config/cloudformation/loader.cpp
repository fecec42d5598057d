#include "config/cloudformation/loader.hpp"

#include <filesystem>
#include <set>

#include "config/cloudformation/cloud_assembly.hpp"
#include "config/cloudformation/template_document.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;
using tracing::Error;
namespace fs = std::filesystem;

std::string stack_name_for(const std::string& file) {
  std::string stem = fs::path{file}.filename().string();
  stem = stem.substr(0, stem.find('.'));
  // SAM's and most projects' template is template.yaml: the project's folder names the app.
  if (stem == "template") stem = fs::absolute(file).parent_path().filename().string();
  std::string out;
  for (char c : stem) {
    bool ok = std::isalnum(static_cast<unsigned char>(c));
    if (ok) out += c;
    else if (!out.empty() && out.back() != '-') out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty() || !std::isalpha(static_cast<unsigned char>(out[0]))) out = "stack-" + out;
  return out.substr(0, 128);
}

namespace {

bool declares(const json& body, const std::string& parameter) {
  auto p = body.find("Parameters");
  return p != body.end() && p->is_object() && p->contains(parameter);
}

}  // namespace

tracing::Result<Topology> load_app(const Sources& sources, const Environment& env) {
  std::vector<StackInput> stacks;
  if (sources.cdk_out) {
    auto assembly = read_cloud_assembly(*sources.cdk_out);
    if (!assembly) return assembly.error();
    stacks = std::move(*assembly);
  }
  for (const auto& file : sources.templates) {
    auto body = read_template(file);
    if (!body) return body.error();
    StackInput in;
    in.file = file;
    in.body = std::move(*body);
    in.stack_name = stack_name_for(file);
    in.base_dir = fs::absolute(file).parent_path();
    stacks.push_back(std::move(in));
  }
  std::set<std::string> names;
  for (const auto& s : stacks)
    if (!names.insert(s.stack_name).second) return Error{s.file + ": a second stack named " + s.stack_name};
  for (const auto& [key, value] : sources.parameters) {
    bool used = false;
    for (auto& s : stacks)
      if (declares(s.body, key)) {
        s.parameters[key] = value;
        used = true;
      }
    if (!used) return Error{"--parameter " + key + ": no stack declares this parameter"};
  }
  Topology t;
  t.region = env.region;
  t.account = env.account;
  Exports exports;
  for (const auto& s : stacks)
    if (auto r = compile_stack(s, env, exports, t); !r) return r.error();
  std::string described;
  for (const auto& s : t.stacks) described += (described.empty() ? "" : ", ") + s.name;
  t.description = "CloudFormation stacks " + described;
  return t;
}

}  // namespace localray::config::cloudformation
