#pragma once
// Loads an app described for CloudFormation: templates given one by one (--template), or a CDK
// cloud assembly (--cdk-out) whose manifest lists the stacks, their order and their assets.
// Stacks are compiled in dependency order into one topology, their exports shared.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/cloudformation/stack_compiler.hpp"
#include "config/topology.hpp"

namespace localray::config::cloudformation {

struct Sources {
  std::vector<std::string> templates;
  std::optional<std::string> cdk_out;
  std::map<std::string, std::string> parameters;  // --parameter KEY=VALUE, for every stack that declares KEY
};

tracing::Result<Topology> load_app(const Sources& sources, const Environment& env);

// A stack name from a file name, as CloudFormation allows them: letters, digits and hyphens,
// starting with a letter ("xray-tracer.template.yaml" -> "xray-tracer").
std::string stack_name_for(const std::string& file);

}  // namespace localray::config::cloudformation
