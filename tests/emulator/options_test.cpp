#include "emulator/options.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace localray::emulator {
namespace {

std::variant<Options, Exit> parse(std::vector<std::string> args) {
  args.insert(args.begin(), "localray");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

TEST(OptionsTest, DefaultsMatchTheDesign) {
  auto o = std::get<Options>(parse({}));
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 4566);
  EXPECT_EQ(o.xray_udp_port, 2000);
  EXPECT_EQ(o.db, "./.localray/traces.db");
  EXPECT_DOUBLE_EQ(o.ssl_failure_rate, 0.4);
  EXPECT_FALSE(o.seed);
  EXPECT_FALSE(o.config_file);
  EXPECT_EQ(o.retention_traces, 100000u);
  EXPECT_DOUBLE_EQ(o.retention_hours, 72);
  EXPECT_EQ(o.otlp_port, 4318);
  EXPECT_FALSE(o.otlp_endpoint);
  EXPECT_EQ(o.stop_timeout, std::chrono::seconds{5});
}

TEST(OptionsTest, ParsesEveryFlagInBothSpellings) {
  auto o = std::get<Options>(parse({"--port", "0", "--xray-udp-port=0", "--db", ":memory:", "--seed", "42", "--ssl-failure-rate", "0.25",
                                    "--config", "app.json", "--host=0.0.0.0", "--log-level", "debug", "--http-target", "http://x/y",
                                    "--retention-traces", "500", "--retention-hours=0.5", "--otlp-port", "4319",
                                    "--otlp-endpoint=http://collector:4318", "--stop-timeout", "2.5"}));
  EXPECT_EQ(o.port, 0);
  EXPECT_EQ(o.otlp_port, 4319);
  EXPECT_EQ(o.otlp_endpoint, "http://collector:4318");
  EXPECT_EQ(o.xray_udp_port, 0);
  EXPECT_EQ(o.db, ":memory:");
  EXPECT_EQ(o.seed, 42u);
  EXPECT_DOUBLE_EQ(o.ssl_failure_rate, 0.25);
  EXPECT_EQ(o.config_file, "app.json");
  EXPECT_EQ(o.host, "0.0.0.0");
  EXPECT_EQ(o.log_level, "debug");
  EXPECT_EQ(o.http_target, "http://x/y");
  EXPECT_EQ(o.retention_traces, 500u);
  EXPECT_DOUBLE_EQ(o.retention_hours, 0.5);
  EXPECT_EQ(o.stop_timeout, std::chrono::milliseconds{2500});
  auto unbounded = std::get<Options>(parse({"--retention-traces", "0", "--retention-hours", "0"}));
  EXPECT_EQ(unbounded.retention_traces, 0u);
  EXPECT_DOUBLE_EQ(unbounded.retention_hours, 0);
}

TEST(OptionsTest, BadValuesExitWithStatus2AndSayWhy) {
  for (auto args : std::vector<std::vector<std::string>>{
           {"--port", "65536"}, {"--port"}, {"--ssl-failure-rate", "1.5"}, {"--seed", "-1"}, {"--log-level", "loud"}, {"--bogus"},
           {"--retention-traces", "-3"}, {"--retention-hours", "soon"}, {"--retention-hours", "-1"}, {"--otlp-port", "x"},
           {"--otlp-endpoint", "https://collector"}, {"--otlp-endpoint"}, {"--stop-timeout", "-1"}, {"--stop-timeout", "3601"},
           {"--stop-timeout", "soon"}}) {
    auto r = parse(args);
    ASSERT_TRUE(std::holds_alternative<Exit>(r)) << args[0];
    EXPECT_EQ(std::get<Exit>(r).code, 2);
    EXPECT_NE(std::get<Exit>(r).text.find("localray"), std::string::npos);
  }
}

TEST(OptionsTest, TemplatesCdkOutAndParameters) {
  auto o = std::get<Options>(parse({"--template", "a.yaml", "--template=b.json", "--parameter", "Stage=dev", "--parameter=Url=http://x?a=b"}));
  EXPECT_EQ(o.templates, (std::vector<std::string>{"a.yaml", "b.json"}));
  EXPECT_EQ(o.parameters.at("Stage"), "dev");
  EXPECT_EQ(o.parameters.at("Url"), "http://x?a=b");
  EXPECT_TRUE(from_templates(o));
  auto c = std::get<Options>(parse({"--cdk-out", "cdk.out"}));
  EXPECT_EQ(c.cdk_out, "cdk.out");
  EXPECT_TRUE(from_templates(c));
  for (auto bad : std::vector<std::vector<std::string>>{{"--config", "t.json", "--template", "a.yaml"},
                                                         {"--parameter", "A=1"},
                                                         {"--template", "a.yaml", "--parameter", "novalue"},
                                                         {"--cdk-out", "a", "--cdk-out", "b"}}) {
    auto r = parse(bad);
    ASSERT_TRUE(std::holds_alternative<Exit>(r)) << bad[0];
    EXPECT_EQ(std::get<Exit>(r).code, 2);
  }
}

TEST(OptionsTest, HelpAndVersionExitZero) {
  auto help = std::get<Exit>(parse({"--help"}));
  EXPECT_EQ(help.code, 0);
  EXPECT_NE(help.text.find("--xray-udp-port"), std::string::npos);
  EXPECT_NE(help.text.find("--retention-traces"), std::string::npos);
  auto version = std::get<Exit>(parse({"--version"}));
  EXPECT_EQ(version.code, 0);
  EXPECT_EQ(version.text.rfind("localray ", 0), 0u);
}

}  // namespace
}  // namespace localray::emulator
