#include "services/xray/model/groups.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "tracing/store.hpp"

namespace localray::xray::model {
namespace {

class GroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("localray-xray-groups-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store_ = std::move(*tracing::Store::open((dir_ / "traces.db").string()));
    settings_ = std::move(*tracing::SettingsStore::open(store_->uri()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<Groups> load(const std::string& region = "us-east-1") {
    return std::move(*Groups::load(*settings_, base::Scope{"000000000000", region}, ids_));
  }
  std::filesystem::path dir_;
  std::unique_ptr<tracing::Store> store_;
  std::unique_ptr<tracing::SettingsStore> settings_;
  tracing::ManualClock clock_;
  tracing::IdGenerator ids_{clock_, tracing::Rng{4}};
};

TEST_F(GroupsTest, GroupsSurviveAReloadAndAreFoundByNameOrArn) {
  ASSERT_TRUE(load()->create({"errors", "", "fault", true, false}));
  auto groups = load();
  auto g = groups->get("errors");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_expression, "fault");
  EXPECT_TRUE(g->insights_enabled);
  EXPECT_EQ(g->arn.rfind("arn:aws:xray:us-east-1:000000000000:group/errors/", 0), 0u) << g->arn;
  EXPECT_TRUE(groups->get(g->arn)) << "found by ARN too";
}

TEST_F(GroupsTest, EachRegionHasGroupsOfItsOwn) {
  ASSERT_TRUE(load("eu-west-1")->create({"errors", "", "fault", false, false}));
  EXPECT_FALSE(load("us-east-1")->get("errors"));
  auto g = load("eu-west-1")->get("errors");
  ASSERT_TRUE(g);
  EXPECT_NE(g->arn.find(":eu-west-1:"), std::string::npos);
}

TEST_F(GroupsTest, DefaultGroupIsImplicitAndReadOnly) {
  auto groups = load();
  auto all = groups->list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "Default");
  EXPECT_FALSE(groups->remove("Default"));
  EXPECT_FALSE(groups->create({"Default", "", "", false, false}));
  EXPECT_FALSE(groups->update("Default", std::string{"fault"}, std::nullopt, std::nullopt));
}

TEST_F(GroupsTest, RejectsDuplicatesBadNamesBadFiltersAndUnknownGroups) {
  auto groups = load();
  ASSERT_TRUE(groups->create({"g", "", "", false, false}));
  auto dup = groups->create({"g", "", "", false, false});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Code::AlreadyExists);
  EXPECT_FALSE(groups->create({"has space", "", "", false, false}));
  EXPECT_FALSE(groups->create({std::string(33, 'a'), "", "", false, false}));
  auto bad = groups->create({"h", "", "duration >", false, false});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Code::Invalid);
  EXPECT_NE(bad.error().message.find("column"), std::string::npos) << bad.error().message;
  auto missing = groups->update("nope", std::string{"ok"}, std::nullopt, std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Code::NotFound);
}

TEST_F(GroupsTest, UpdateAndRemoveAreSaved) {
  {
    auto groups = load();
    ASSERT_TRUE(groups->create({"g", "", "ok", false, false}));
    ASSERT_TRUE(groups->update("g", std::string{"fault"}, std::nullopt, true));
    ASSERT_TRUE(groups->create({"h", "", "", false, false}));
    ASSERT_TRUE(groups->remove("h"));
  }
  auto groups = load();
  auto g = groups->get("g");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_expression, "fault");
  EXPECT_TRUE(g->notifications_enabled);
  EXPECT_FALSE(groups->get("h"));
}

}  // namespace
}  // namespace localray::xray::model
