// The stack lifecycle over a deployer that records what it is asked: create, update, change sets
// as `aws cloudformation deploy` uses them, rollback on a failed deploy, delete.
#include <gtest/gtest.h>

#include "services/cloudformation/model/stacks.hpp"
#include "tests/support/await.hpp"
#include "tracing/ids.hpp"

namespace localray::cloudformation::model {
namespace {

using localray::testing::await;

// A template is "Resources: A,B" (logical ids); "fail" makes deploy fail.
class FakeDeployer final : public Deployer {
 public:
  Result<TemplateSummary> summarize(const std::string& body) override {
    if (body.empty()) return Error{Code::ValidationError, "Template format error: empty"};
    TemplateSummary t;
    for (std::size_t pos = 0; pos < body.size();) {
      auto comma = body.find(',', pos);
      std::string id = body.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      t.resources[id] = id;
      t.resource_types[id] = id == "Role" ? "AWS::IAM::Role" : "AWS::SQS::Queue";
      if (id == "Role") t.capabilities_needed = {"CAPABILITY_IAM"};
      pos = comma == std::string::npos ? body.size() : comma + 1;
    }
    return t;
  }
  boost::asio::awaitable<Result<Deployed>> deploy(std::string name, std::string, std::string body, std::vector<Parameter> parameters) override {
    calls.push_back("deploy " + name + " " + body);
    if (body.find("fail") != std::string::npos) co_return Error{Code::ValidationError, "Resources.fail: cannot be made"};
    Deployed d;
    d.parameters = parameters;
    d.outputs = {{"Body", body, "", "exported-" + name}};
    d.resources = {{"Q", "queue-" + name, "AWS::SQS::Queue", "CREATE_COMPLETE", "", {}}};
    co_return d;
  }
  boost::asio::awaitable<Result<Deployed>> update(std::string name, std::string id, std::string body, std::vector<Parameter> parameters) override {
    calls.push_back("update " + name + " " + body);
    if (body.find("fail") != std::string::npos) co_return Error{Code::ValidationError, "Resources.fail: cannot be made"};
    Deployed d;
    d.parameters = parameters;
    d.outputs = {{"Body", body, "", "exported-" + name}};
    co_return d;
  }
  boost::asio::awaitable<Result<void>> remove(std::string name) override {
    calls.push_back("remove " + name);
    co_return Result<void>{};
  }
  std::vector<std::string> calls;
};

class StacksTest : public ::testing::Test {
 protected:
  boost::asio::io_context io;
  tracing::ManualClock clock;
  tracing::Rng rng{7};
  tracing::IdGenerator ids{clock, rng.fork("ids")};
  FakeDeployer deployer;
  Stacks stacks{clock, ids, "us-east-1", "000000000000", deployer};

  StackRequest request(std::string name, std::string body, std::vector<std::string> capabilities = {}) {
    return StackRequest{std::move(name), std::move(body), {{"Env", "dev"}}, {}, std::move(capabilities), {}};
  }
};

TEST_F(StacksTest, CreateUpdateDelete) {
  auto created = await(io, stacks.create_stack(request("app", "A")));
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_EQ(created->status, "CREATE_COMPLETE");
  EXPECT_EQ(created->id.rfind("arn:aws:cloudformation:us-east-1:000000000000:stack/app/", 0), 0u);
  EXPECT_EQ(created->outputs.at(0).value, "A");
  auto again = await(io, stacks.create_stack(request("app", "A")));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Code::AlreadyExists);

  auto same = await(io, stacks.update_stack(request("app", "A")));
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().message, "No updates are to be performed.");
  StackRequest previous = request("app", "A,B");
  previous.parameters.clear();
  previous.use_previous = {"Env"};
  auto updated = await(io, stacks.update_stack(previous));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->status, "UPDATE_COMPLETE");
  EXPECT_EQ(updated->parameters.at(0).value, "dev");
  EXPECT_EQ(deployer.calls, (std::vector<std::string>{"deploy app A", "update app A,B"}));

  ASSERT_TRUE(await(io, stacks.delete_stack("app")));
  auto gone = stacks.describe("app");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().message, "Stack with id app does not exist");
  auto by_id = stacks.describe(created->id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->front().status, "DELETE_COMPLETE");
  EXPECT_TRUE(await(io, stacks.delete_stack("app"))) << "deleting what is gone succeeds";
}

TEST_F(StacksTest, ChangeSetsAsDeployUsesThem) {
  auto cs = await(io, stacks.create_change_set(request("svc", "A,Role", {"CAPABILITY_IAM"}), "deploy-1", "CREATE", ""));
  ASSERT_TRUE(cs) << cs.error().message;
  EXPECT_EQ(cs->status, "CREATE_COMPLETE");
  EXPECT_EQ(cs->changes.size(), 2u);
  EXPECT_EQ(stacks.describe("svc")->front().status, "REVIEW_IN_PROGRESS");
  ASSERT_TRUE(await(io, stacks.execute_change_set(cs->id, "svc")));
  EXPECT_EQ(stacks.describe("svc")->front().status, "CREATE_COMPLETE");
  EXPECT_EQ(stacks.describe_change_set(cs->id, "")->execution_status, "EXECUTE_COMPLETE");
  auto twice = await(io, stacks.execute_change_set(cs->id, "svc"));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Code::InvalidChangeSetStatus);

  auto empty = await(io, stacks.create_change_set(request("svc", "A,Role", {"CAPABILITY_IAM"}), "deploy-2", "UPDATE", ""));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, "FAILED");
  EXPECT_EQ(empty->execution_status, "UNAVAILABLE");
  EXPECT_EQ(empty->status_reason, "The submitted information didn't contain changes. Submit different information to create a change set.");

  auto changed = await(io, stacks.create_change_set(request("svc", "B,Role", {"CAPABILITY_IAM"}), "deploy-3", "UPDATE", ""));
  ASSERT_TRUE(changed);
  std::vector<std::string> actions;
  for (const auto& c : changed->changes) actions.push_back(c.action + " " + c.logical_id);
  EXPECT_EQ(actions, (std::vector<std::string>{"Add B", "Remove A"}));

  auto no_caps = await(io, stacks.create_change_set(request("other", "Role"), "deploy-1", "CREATE", ""));
  ASSERT_FALSE(no_caps);
  EXPECT_EQ(no_caps.error().code, Code::InsufficientCapabilities);
  EXPECT_EQ(no_caps.error().message, "Requires capabilities : [CAPABILITY_IAM]");
  EXPECT_EQ(stacks.describe_change_set("nope", "svc").error().code, Code::ChangeSetNotFound);
}

TEST_F(StacksTest, AFailedDeployRollsBack) {
  auto created = await(io, stacks.create_stack(request("bad", "fail")));
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, "ROLLBACK_COMPLETE");
  EXPECT_EQ(created->status_reason, "Resources.fail: cannot be made");
  auto update = await(io, stacks.update_stack(request("bad", "A")));
  ASSERT_FALSE(update);
  EXPECT_NE(update.error().message.find("is in ROLLBACK_COMPLETE state and can not be updated."), std::string::npos);

  ASSERT_TRUE(await(io, stacks.create_stack(request("good", "A"))));
  auto failed_update = await(io, stacks.update_stack(request("good", "A,fail")));
  ASSERT_TRUE(failed_update);
  EXPECT_EQ(failed_update->status, "UPDATE_ROLLBACK_COMPLETE");
  EXPECT_EQ(deployer.calls.back(), "update good A") << "the stack is updated back to the old template";
  auto bad_name = await(io, stacks.create_stack(request("1st", "A")));
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().code, Code::ValidationError);
}

}  // namespace
}  // namespace localray::cloudformation::model
