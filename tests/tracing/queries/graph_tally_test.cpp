#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

#include "tests/tracing/queries/pattern_trace.hpp"
#include "tracing/service_graph.hpp"

namespace localray::tracing {
namespace {

using testing::pattern_trace;

// Everything a graph says, node by node and edge by edge; times only when asked, since a tally
// that had a trace taken out keeps the wider span.
std::string describe(const ServiceGraph& g, bool with_times = true) {
  std::ostringstream out;
  auto stats = [&](const Statistics& s) {
    out << " ok=" << s.ok_count << " err=" << s.error.other_count << "/" << s.error.throttle_count << " fault=" << s.fault.total_count
        << " total=" << s.total_count << " rt=" << s.total_response_time;
  };
  auto histogram = [&](const std::vector<HistogramEntry>& h) {
    for (const auto& e : h) out << " " << e.value << "x" << e.count;
  };
  for (const auto& n : g.services) {
    out << n.reference_id << " " << n.type << ":" << n.name << " root=" << n.root << " state=" << n.state;
    if (with_times) out << " [" << n.start_time << "," << n.end_time << "]";
    stats(n.summary);
    histogram(n.response_time_histogram);
    out << "\n";
    for (const auto& e : n.edges) {
      out << "  -> " << e.reference_id << " " << e.edge_type;
      if (with_times) out << " [" << e.start_time << "," << e.end_time << "]";
      stats(e.summary);
      histogram(e.response_time_histogram);
      out << "\n";
    }
  }
  return out.str();
}

GraphTally tally_of(const Trace& t) {
  TraceIndex index{t};
  GraphTally tally;
  tally.add_trace(index);
  return tally;
}

TEST(GraphTallyTest, MergedTalliesDrawTheGraphOfAllTheirTraces) {
  Trace a = pattern_trace(1, true), b = pattern_trace(2, false);
  GraphTally total = tally_of(a);
  total.merge(tally_of(b));
  EXPECT_EQ(describe(total.finish()), describe(build_service_graph({a, b})));
}

TEST(GraphTallyTest, TakingATraceOutLeavesTheGraphOfTheOthers) {
  Trace a = pattern_trace(1, true), b = pattern_trace(2, false), c = pattern_trace(3, true);
  GraphTally total = tally_of(a);
  total.merge(tally_of(b));
  total.merge(tally_of(c));
  total.merge(tally_of(b), -1);
  total.compact();
  EXPECT_EQ(describe(total.finish(), false), describe(build_service_graph({a, c}), false));
  total.merge(tally_of(a), -1);
  total.merge(tally_of(c), -1);
  total.compact();
  EXPECT_TRUE(total.empty());
}

TEST(GraphTallyTest, JsonKeepsEveryCountHistogramAndSpan) {
  GraphTally total = tally_of(pattern_trace(1, true));
  total.merge(tally_of(pattern_trace(2, false)));
  std::string text = total.to_json().dump();
  GraphTally back = GraphTally::from_json(nlohmann::json::parse(text));
  EXPECT_EQ(describe(back.finish()), describe(total.finish()));
  EXPECT_EQ(back.to_json().dump(), text);
}

// A change made of "take the old trace out, put the new one in" cancels on every node both
// versions share; what only the new version has must survive that (the SQS consumer arriving
// late adds one edge to nodes that were already there).
TEST(GraphTallyTest, ChangeThatCancelsOnSharedNodesKeepsWhatIsNew) {
  Trace before = pattern_trace(1, false);
  Trace after = before;
  Segment extra = testing::make_segment(after.id, "late", testing::make_id(1, 50), "AWS::Lambda", testing::make_id(1, 7), 0.2, 0.25);
  after.segments.push_back(extra);
  GraphTally stored = tally_of(before);
  GraphTally change;
  change.merge(tally_of(before), -1);
  change.merge(tally_of(after), 1);
  stored.merge(change, 1);
  stored.compact();
  EXPECT_EQ(describe(stored.finish()), describe(build_service_graph({after})));
}

}  // namespace
}  // namespace localray::tracing
