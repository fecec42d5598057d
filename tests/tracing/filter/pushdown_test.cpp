#include "tracing/filter/pushdown.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/tracing/filter/pattern_fixture.hpp"
#include "tracing/filter/filter.hpp"
#include "tracing/trace_digest.hpp"

namespace localray::tracing::filter {
namespace {

using fixture::find_segment;
using fixture::pattern_trace;

TermPlan plan(std::string_view text) {
  auto e = parse(text);
  EXPECT_TRUE(e) << text;
  return e ? plan_terms(*e) : TermPlan{};
}

// Whether a trace with these (sorted) terms passes the plan.
bool passes(const TermPlan& p, const std::vector<std::string>& terms) {
  switch (p.kind) {
    case TermPlan::Kind::Everything: return true;
    case TermPlan::Kind::Term: return std::binary_search(terms.begin(), terms.end(), p.term);
    case TermPlan::Kind::All:
      return std::all_of(p.operands.begin(), p.operands.end(), [&](const TermPlan& o) { return passes(o, terms); });
    case TermPlan::Kind::Any:
      return std::any_of(p.operands.begin(), p.operands.end(), [&](const TermPlan& o) { return passes(o, terms); });
  }
  return false;
}

TEST(PushdownTest, EqualitiesAndServicesBecomeTerms) {
  TermPlan p = plan(R"(annotation.path = "/prod/hello")");
  ASSERT_EQ(p.kind, TermPlan::Kind::Term);
  EXPECT_EQ(p.term, terms::annotation("path", std::string{"/prod/hello"}));
  EXPECT_EQ(plan("annotation.count = 3").term, terms::annotation("count", 3.0));
  EXPECT_EQ(plan("annotation.count > 3").term, terms::annotation_key("count")) << "a range still needs the key";
  EXPECT_EQ(plan(R"(service("dynamo"))").term, terms::service("dynamo"));
  EXPECT_EQ(plan("http.status = 502").term, terms::http_status(502));
  EXPECT_EQ(plan("fault").term, std::string{terms::kFault});
}

TEST(PushdownTest, AndNarrowsOrWidensNotAndRangesAskNothing) {
  TermPlan both_terms = plan(R"(fault AND service("http"))");
  ASSERT_EQ(both_terms.kind, TermPlan::Kind::All);
  EXPECT_EQ(both_terms.operands.size(), 2u);
  EXPECT_EQ(plan(R"(edge("dynamo", "hits"))").operands.size(), 2u);
  EXPECT_EQ(plan(R"(fault OR http.status = 429)").kind, TermPlan::Kind::Any);
  EXPECT_EQ(plan("!fault").kind, TermPlan::Kind::Everything);
  EXPECT_EQ(plan("fault OR responsetime > 1").kind, TermPlan::Kind::Everything) << "one open branch opens the OR";
  EXPECT_EQ(plan(R"(responsetime > 1 AND annotation.path = "/x")").kind, TermPlan::Kind::Term) << "AND keeps what it can";
  EXPECT_EQ(plan(R"(http.url CONTAINS "prod")").kind, TermPlan::Kind::Everything);
  EXPECT_EQ(plan(R"(rootcause.fault.service { name = "http" })").kind, TermPlan::Kind::Everything);
}

// The plan may let through traces the filter rejects, never the reverse: every expression that
// matches a trace must pass that trace's terms.
TEST(PushdownTest, NoMatchingTraceIsEverNarrowedAway) {
  Trace plain = pattern_trace();
  Trace failing = pattern_trace();
  Segment& stage = find_segment(failing, "xrayTracerAPI/prod", "AWS::ApiGateway::Stage");
  stage.http["response"]["status"] = 502;
  Trace throttled = pattern_trace();
  find_segment(throttled, "xrayTracerAPI/prod", "AWS::ApiGateway::Stage").http["response"]["status"] = 429;
  const char* expressions[] = {
      "fault", "error", "throttle", "ok", "http.status = 200", "http.status = 502", "http.status = 429",
      R"(annotation.path = "/prod/hello")", "annotation.count = 3", "annotation.sampled = true", "annotation.count >= 2",
      "annotation.path", R"(service("dynamo"))", R"(service("hits"))", R"(service(id(name: "http", type: "AWS::Lambda::Function")))",
      R"(service("http") { fault })", R"(edge("dynamo", "hits"))", R"(edge("xrayTracerAPI/prod", "xrayTracerTopic"))",
      R"(fault OR annotation.path = "/prod/hello")", R"(service("nope") OR fault)", R"(!service("nope"))",
      R"(service("dynamo") AND annotation.count = 3)", R"(user = "alice")", "responsetime > 0",
      R"((fault OR throttle) AND service("sns_subscribe"))"};
  int matched = 0;
  for (const Trace* t : {&plain, &failing, &throttled}) {
    auto digest = digest_trace(*t);
    for (const char* text : expressions) {
      auto e = parse(text);
      ASSERT_TRUE(e) << text;
      if (!matches(*e, *t)) continue;
      ++matched;
      EXPECT_TRUE(passes(plan_terms(*e), digest.terms)) << text << " matches trace " << t->id << " but its terms were narrowed away";
    }
  }
  EXPECT_GT(matched, 30) << "the check must exercise matching expressions";
}

}  // namespace
}  // namespace localray::tracing::filter
