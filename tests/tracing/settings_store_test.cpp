#include "tracing/settings_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <unistd.h>

#include "tracing/sqlite.hpp"
#include "tracing/store.hpp"

namespace localray::tracing {
namespace {

const base::Scope kEu{"000000000000", "eu-west-1"};
const base::Scope kUs{"000000000000", "us-east-1"};

class SettingsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("localray-settings-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store_ = std::move(*Store::open((dir_ / "traces.db").string()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(SettingsStoreTest, RulesKeepEveryTypedMemberPerRegion) {
  auto settings = SettingsStore::open(store_->uri());
  ASSERT_TRUE(settings) << settings.error().message;
  SamplingRuleRecord r;
  r.rule.name = "api";
  r.rule.arn = "arn:aws:xray:eu-west-1:000000000000:sampling-rule/api";
  r.rule.priority = 7;
  r.rule.fixed_rate = 0.25;
  r.rule.reservoir_size = 3;
  r.rule.url_path = "/api/*";
  r.rule.attributes = {{"tier", "gold"}};
  r.created_at = 10;
  r.modified_at = 20;
  ASSERT_TRUE((*settings)->put_sampling_rule(kEu, r));
  auto eu = (*settings)->sampling_rules(kEu);
  ASSERT_TRUE(eu);
  ASSERT_EQ(eu->size(), 1u);
  EXPECT_EQ((*eu)[0].rule, r.rule);
  EXPECT_EQ((*eu)[0].modified_at, 20);
  EXPECT_TRUE((*settings)->sampling_rules(kUs)->empty());
  ASSERT_TRUE((*settings)->remove_sampling_rule(kEu, "api"));
  EXPECT_TRUE((*settings)->sampling_rules(kEu)->empty());
}

TEST_F(SettingsStoreTest, TheFirstLayoutIsMovedOverOnOpen) {
  {
    auto c = Connection::open(store_->uri(), false);
    ASSERT_TRUE(c);
    ASSERT_TRUE((*c)->exec(R"sql(
      CREATE TABLE xray_groups(name TEXT PRIMARY KEY, arn TEXT NOT NULL, filter_expression TEXT NOT NULL,
        insights_enabled INTEGER NOT NULL, notifications_enabled INTEGER NOT NULL);
      CREATE TABLE xray_sampling_rules(name TEXT PRIMARY KEY, rule TEXT NOT NULL, created_at REAL NOT NULL, modified_at REAL NOT NULL);
      INSERT INTO xray_groups VALUES('errors','arn:aws:xray:eu-west-1:000000000000:group/errors/abc','fault',1,0);
      INSERT INTO xray_sampling_rules VALUES('api','{"RuleName":"api","RuleARN":"arn:aws:xray:us-east-1:000000000000:sampling-rule/api",
        "ResourceARN":"*","Priority":3,"FixedRate":0.5,"ReservoirSize":2,"ServiceName":"svc","ServiceType":"*","Host":"*",
        "HTTPMethod":"GET","URLPath":"*","Version":1,"Attributes":{"k":"v"}}',5,6);
    )sql"));
  }
  auto settings = SettingsStore::open(store_->uri());
  ASSERT_TRUE(settings) << settings.error().message;
  auto groups = (*settings)->groups(kEu);
  ASSERT_TRUE(groups);
  ASSERT_EQ(groups->size(), 1u);
  EXPECT_EQ((*groups)[0].filter_expression, "fault");
  EXPECT_TRUE((*groups)[0].insights_enabled);
  auto rules = (*settings)->sampling_rules(kUs);
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].rule.service_name, "svc");
  EXPECT_EQ((*rules)[0].rule.http_method, "GET");
  EXPECT_EQ((*rules)[0].rule.reservoir_size, 2);
  EXPECT_EQ((*rules)[0].rule.attributes.at("k"), "v");
  EXPECT_EQ((*rules)[0].created_at, 5);
  // Moved, not copied: opening again finds the same rows once.
  auto again = SettingsStore::open(store_->uri());
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->sampling_rules(kUs)->size(), 1u);
  EXPECT_EQ((*again)->scopes().value(), (std::vector<base::Scope>{kEu, kUs})) << "the scopes the ARNs named";
}

// `--db :memory:` shares one cache between the store's connections, where a write meets
// SQLITE_LOCKED at once while another connection's transaction is open: it waits it out instead.
TEST(SettingsStoreMemoryTest, AWriteWaitsForTheTraceWritersTransaction) {
  auto store = Store::open(":memory:");
  ASSERT_TRUE(store) << store.error().message;
  auto settings = SettingsStore::open((*store)->uri());
  ASSERT_TRUE(settings) << settings.error().message;
  auto writer = Connection::open((*store)->uri(), false);
  ASSERT_TRUE(writer);
  ASSERT_TRUE((*writer)->exec("CREATE TABLE held(x)"));
  ASSERT_TRUE((*writer)->exec("BEGIN IMMEDIATE"));
  ASSERT_TRUE((*writer)->exec("INSERT INTO held VALUES(1)"));
  std::thread commit([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    EXPECT_TRUE((*writer)->exec("COMMIT"));
  });
  StoredGroup g{"api", "arn:aws:xray:us-east-1:000000000000:group/api/1", "ok", false, false};
  auto put = (*settings)->put_group(kUs, g);
  commit.join();
  ASSERT_TRUE(put) << put.error().message;
  auto groups = (*settings)->groups(kUs);
  ASSERT_TRUE(groups);
  ASSERT_EQ(groups->size(), 1u);
}

}  // namespace
}  // namespace localray::tracing
