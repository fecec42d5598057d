#pragma once
// A CDK cloud assembly (the cdk.out folder `cdk synth` writes): its manifest's stacks, in
// dependency order, each with its template and a locator for the assets its template names.
#include <string>
#include <vector>

#include "config/cloudformation/stack_compiler.hpp"

namespace localray::config::cloudformation {

tracing::Result<std::vector<StackInput>> read_cloud_assembly(const std::string& directory);

}  // namespace localray::config::cloudformation
