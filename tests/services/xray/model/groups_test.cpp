#include "services/xray/model/groups.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

namespace localray::xray::model {
namespace {

class XrayConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("localray-xray-config-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store_ = std::move(*tracing::Store::open((dir_ / "traces.db").string()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<XrayConfig> open() {
    return std::move(*XrayConfig::open(store_->uri(), "us-east-1", "000000000000", ids_, clock_));
  }
  std::filesystem::path dir_;
  std::unique_ptr<tracing::Store> store_;
  tracing::ManualClock clock_;
  tracing::IdGenerator ids_{clock_, tracing::Rng{4}};
};

TEST_F(XrayConfigTest, GroupsAndRulesSurviveAReopen) {
  {
    auto config = open();
    ASSERT_TRUE(config->create_group({"errors", "", "fault", true, false}));
    ASSERT_TRUE(config->create_sampling_rule({{"RuleName", "api"}, {"ResourceARN", "*"}, {"ServiceName", "*"}, {"ServiceType", "*"},
                                              {"Host", "*"}, {"HTTPMethod", "*"}, {"URLPath", "/api/*"}, {"Priority", 1},
                                              {"FixedRate", 0.5}, {"ReservoirSize", 2}}));
  }
  auto config = open();
  auto g = config->group("errors");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->filter_expression, "fault");
  EXPECT_TRUE(g->insights_enabled);
  EXPECT_TRUE(config->group(g->arn)) << "found by ARN too";
  auto rules = config->sampling_rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].rule["RuleName"], "api");
  EXPECT_EQ(rules[1].rule["RuleName"], "Default");
}

TEST_F(XrayConfigTest, DefaultGroupIsImplicitAndReadOnly) {
  auto config = open();
  auto all = config->groups();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].name, "Default");
  EXPECT_FALSE(config->delete_group("Default"));
  EXPECT_FALSE(config->create_group({"Default", "", "", false, false}));
}

TEST_F(XrayConfigTest, RejectsDuplicatesBadNamesAndUnknownGroups) {
  auto config = open();
  ASSERT_TRUE(config->create_group({"g", "", "", false, false}));
  auto dup = config->create_group({"g", "", "", false, false});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, GroupError::AlreadyExists);
  EXPECT_FALSE(config->create_group({"has space", "", "", false, false}));
  EXPECT_FALSE(config->create_group({std::string(33, 'a'), "", "", false, false}));
  auto missing = config->update_group("nope", std::string{"ok"}, std::nullopt, std::nullopt);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, GroupError::NotFound);
}

TEST_F(XrayConfigTest, FilterValidationRejectsBadExpressions) {
  auto config = open();
  config->validate_filter = [](const std::string& e) -> std::optional<std::string> {
    if (e == "bad (") return "Invalid filter expression at column 5";
    return std::nullopt;
  };
  auto r = config->create_group({"g", "", "bad (", false, false});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, GroupError::Invalid);
  EXPECT_TRUE(config->create_group({"g", "", "fault", false, false}));
}

}  // namespace
}  // namespace localray::xray::model
