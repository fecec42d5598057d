// Cloud assemblies as cdk synth writes them (the layouts of CDK v2 with a nested stage, and CDK
// v1's asset parameters): stacks in dependency order and each asset found by its S3 key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/cloudformation/cloud_assembly.hpp"
#include "config/cloudformation/loader.hpp"

namespace localray::config::cloudformation {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

void write(const fs::path& p, const json& j) {
  fs::create_directories(p.parent_path());
  std::ofstream{p} << j.dump(1);
}

fs::path fresh(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("localray-assembly-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

json function_template(const json& code) {
  return {{"Resources",
           {{"Fn", {{"Type", "AWS::Lambda::Function"},
                    {"Properties", {{"Runtime", "nodejs20.x"}, {"Handler", "index.handler"}, {"Code", code}}}}}}}};
}

TEST(CloudAssembly, V2StacksInOrderAssetsByObjectKeyAndNestedStages) {
  fs::path dir = fresh("v2");
  fs::create_directories(dir / "asset.abc123");
  write(dir / "Consumer.template.json",
        function_template({{"S3Bucket", {{"Fn::Sub", "cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}"}}}, {"S3Key", "abc123.zip"}}));
  write(dir / "Producer.template.json", json::parse(R"({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}})"));
  write(dir / "Consumer.assets.json", json::parse(R"({"version": "48.0.0", "files": {"abc123": {
    "source": {"path": "asset.abc123", "packaging": "zip"},
    "destinations": {"current_account-current_region": {"bucketName": "cdk-${AWS::AccountId}", "objectKey": "abc123.zip"}}}}})"));
  write(dir / "assembly-Dev" / "manifest.json", json::parse(R"({"version": "48.0.0", "artifacts": {"DevQueue": {
    "type": "aws:cloudformation:stack", "properties": {"templateFile": "DevQueue.template.json", "stackName": "dev-queue"}}}})"));
  write(dir / "assembly-Dev" / "DevQueue.template.json", json::parse(R"({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})"));
  write(dir / "manifest.json", json::parse(R"({"version": "48.0.0", "artifacts": {
    "Consumer.assets": {"type": "cdk:asset-manifest", "properties": {"file": "Consumer.assets.json"}},
    "Consumer": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Consumer.template.json"},
                 "dependencies": ["Consumer.assets", "Producer"]},
    "Producer": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Producer.template.json"}},
    "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
    "assembly-Dev": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Dev"}}}})"));
  auto stacks = read_cloud_assembly(dir.string());
  ASSERT_TRUE(stacks) << stacks.error().message;
  ASSERT_EQ(stacks->size(), 3u);
  std::vector<std::string> order;
  for (const auto& s : *stacks) order.push_back(s.stack_name);
  EXPECT_LT(std::find(order.begin(), order.end(), "Producer"), std::find(order.begin(), order.end(), "Consumer"));
  EXPECT_NE(std::find(order.begin(), order.end(), "dev-queue"), order.end());

  auto app = load_app(Sources{{}, dir.string(), {}}, Environment{"us-east-1", "000000000000", "http://127.0.0.1:1", 1});
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->functions.size(), 1u);
  EXPECT_EQ(fs::path{app->functions[0].code}, dir / "asset.abc123");
  EXPECT_EQ(app->queues.size(), 1u);
}

TEST(CloudAssembly, V1AssetParametersAreSupplied) {
  fs::path dir = fresh("v1");
  fs::create_directories(dir / "asset.f00d");
  // The S3 key as CDK v1 templates compute it from the "||"-joined version key parameter.
  json t = function_template(json::parse(R"({
    "S3Bucket": {"Ref": "AssetParametersf00dS3BucketAAAA"},
    "S3Key": {"Fn::Join": ["", [
      {"Fn::Select": [0, {"Fn::Split": ["||", {"Ref": "AssetParametersf00dS3VersionKeyBBBB"}]}]},
      {"Fn::Select": [1, {"Fn::Split": ["||", {"Ref": "AssetParametersf00dS3VersionKeyBBBB"}]}]}]]}})"));
  t["Parameters"] = {{"AssetParametersf00dS3BucketAAAA", {{"Type", "String"}}}, {"AssetParametersf00dS3VersionKeyBBBB", {{"Type", "String"}}},
                     {"AssetParametersf00dArtifactHashCCCC", {{"Type", "String"}}}};
  write(dir / "Old.template.json", t);
  write(dir / "manifest.json", json::parse(R"({"version": "16.0.0", "artifacts": {"Old": {
    "type": "aws:cloudformation:stack", "properties": {"templateFile": "Old.template.json"},
    "metadata": {"/Old": [{"type": "aws:cdk:logicalId", "data": "Fn"},
                          {"type": "aws:cdk:asset", "data": {"path": "asset.f00d", "id": "f00d", "sourceHash": "f00d", "packaging": "zip",
                                                             "s3BucketParameter": "AssetParametersf00dS3BucketAAAA",
                                                             "s3KeyParameter": "AssetParametersf00dS3VersionKeyBBBB",
                                                             "artifactHashParameter": "AssetParametersf00dArtifactHashCCCC"}}]}}}})"));
  auto app = load_app(Sources{{}, dir.string(), {}}, Environment{"us-east-1", "000000000000", "http://127.0.0.1:1", 1});
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->functions.size(), 1u);
  EXPECT_EQ(fs::path{app->functions[0].code}, dir / "asset.f00d");
}

TEST(CloudAssembly, ErrorsSayWhatIsWrong) {
  auto none = read_cloud_assembly((fresh("empty")).string());
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("is " + (fresh("empty")).string() + " the output of cdk synth?"), std::string::npos) << none.error().message;

  fs::path dir = fresh("cycle");
  write(dir / "manifest.json", json::parse(R"({"artifacts": {
    "A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "A.json"}, "dependencies": ["B"]},
    "B": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "B.json"}, "dependencies": ["A"]}}})"));
  auto cycle = read_cloud_assembly(dir.string());
  ASSERT_FALSE(cycle);
  EXPECT_NE(cycle.error().message.find("stacks depend on each other in a cycle: A, B"), std::string::npos);

  fs::path missing = fresh("missing-asset");
  write(missing / "S.template.json", function_template({{"S3Bucket", "b"}, {"S3Key", "feedface.zip"}}));
  write(missing / "manifest.json",
        json::parse(R"({"artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}})"));
  auto app = load_app(Sources{{}, missing.string(), {}}, Environment{"us-east-1", "000000000000", "http://127.0.0.1:1", 1});
  ASSERT_FALSE(app);
  EXPECT_EQ(app.error().message, (missing / "S.template.json").string() +
                                     ": Resources.Fn.Properties.Code.S3Key: s3://b/feedface.zip is not an asset of this cloud assembly; S3 is not "
                                     "emulated, so give the code as a local path");
}

}  // namespace
}  // namespace localray::config::cloudformation
