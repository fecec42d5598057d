// CloudFormation and SAM templates (JSON or YAML) through the loader: parsing, the SAM transform,
// intrinsics and every resource type's compiler.
#include <string_view>

#include "config/cloudformation/stack_compiler.hpp"
#include "config/cloudformation/template_document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  namespace cf = localray::config::cloudformation;
  auto body = cf::parse_template(std::string_view{reinterpret_cast<const char*>(data), size}, "fuzz.yaml");
  if (!body) return 0;
  cf::StackInput in{"fuzz.yaml", *body, "fuzz", {}, "/nonexistent-localray-fuzz", {}};
  cf::Environment env{"us-east-1", "000000000000", "http://127.0.0.1:4566", 1};
  cf::Exports exports;
  localray::config::Topology topology;
  (void)cf::compile_stack(in, env, exports, topology);
  return 0;
}
