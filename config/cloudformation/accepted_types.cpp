// Types that change nothing locally and are accepted as they are: IAM (localray does not enforce
// permissions), resource policies and permissions, API Gateway's account settings, log groups and
// the CDK's metadata. They answer Ref and their ARNs so that templates wiring them in load.
#include "config/cloudformation/compile_context.hpp"

namespace localray::config::cloudformation {

using nlohmann::json;

namespace {

tracing::Result<ResourceValues> role(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto name = p.optional_string("RoleName");
  if (!name) return name.error();
  std::string role_name = name->value_or(ctx.physical_name(id, 64));
  std::string arn = "arn:aws:iam::" + ctx.env.account + ":role/" + role_name;
  return ResourceValues{"AWS::IAM::Role", role_name, {{"Arn", arn}, {"RoleId", "AROA" + ctx.short_id(id + "/role")}}};
}

tracing::Result<ResourceValues> managed_policy(CompileContext& ctx, const std::string& id, const json& props) {
  std::string arn = "arn:aws:iam::" + ctx.env.account + ":policy/" + ctx.physical_name(id, 128);
  return ResourceValues{"AWS::IAM::ManagedPolicy", arn, {{"PolicyArn", arn}}};
}

tracing::Result<ResourceValues> log_group(CompileContext& ctx, const std::string& id, const json& props) {
  Properties p{ctx, id, props};
  auto name = p.optional_string("LogGroupName");
  if (!name) return name.error();
  std::string group = name->value_or(ctx.physical_name(id, 512));
  return ResourceValues{"AWS::Logs::LogGroup", group, {{"Arn", ctx.arn("logs", "log-group:" + group + ":*")}}};
}

tracing::Result<ResourceValues> plain(CompileContext& ctx, const std::string& id, const json& props) {
  return ResourceValues{"", ctx.physical_name(id, 64), {}};
}

}  // namespace

const std::vector<ResourceType>& accepted_types() {
  static const std::vector<ResourceType> types{
      {"AWS::IAM::Role", "accepted", role},
      {"AWS::IAM::Policy", "accepted", plain},
      {"AWS::IAM::ManagedPolicy", "accepted", managed_policy},
      {"AWS::Lambda::Permission", "accepted", plain},
      {"AWS::SNS::TopicPolicy", "accepted", plain},
      {"AWS::SQS::QueuePolicy", "accepted", plain},
      {"AWS::ApiGateway::Account", "accepted", plain},
      {"AWS::Logs::LogGroup", "accepted", log_group},
      {"AWS::CDK::Metadata", "accepted", plain},
  };
  return types;
}

}  // namespace localray::config::cloudformation
