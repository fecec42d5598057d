#include "tracing/segment_json.hpp"

#include <gtest/gtest.h>

namespace localray::tracing {
namespace {

using nlohmann::json;

const char* kSdkDocument = R"({
  "name": "sqs_subscribe", "id": "70de5b6f19ff9a0a", "trace_id": "1-581cf771-a006649127e371903a2de979",
  "start_time": 1.478293361271E9, "end_time": 1.478293361449E9, "origin": "AWS::Lambda::Function",
  "annotations": {"path": "/prod/hello", "n": 3, "ok": true},
  "metadata": {"default": {"event": {"a": [1, 2]}}},
  "service": {"version": "1.2"},
  "subsegments": [{"name": "DynamoDB", "id": "53995c3f42cd8ad8", "start_time": 1.478293361272E9,
                   "end_time": 1.478293361300E9, "namespace": "aws", "aws": {"table_name": "hits"}, "fault": true}]
})";

TEST(SegmentJsonTest, RoundTripKeepsEveryFieldIncludingUnknownOnes) {
  auto seg = parse_segment_document(kSdkDocument);
  ASSERT_TRUE(seg) << seg.error().message;
  EXPECT_EQ(seg->origin, "AWS::Lambda::Function");
  ASSERT_EQ(seg->subsegments.size(), 1u);
  EXPECT_TRUE(seg->subsegments.front().fault);
  EXPECT_EQ(std::get<double>(seg->annotations.at("n")), 3.0);
  EXPECT_EQ(to_json(*seg), json::parse(kSdkDocument));
}

TEST(SegmentJsonTest, InProgressSegmentNeedsNoEndTime) {
  auto seg = parse_segment_document(
      R"({"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"in_progress":true})");
  ASSERT_TRUE(seg);
  EXPECT_TRUE(seg->in_progress);
  EXPECT_FALSE(to_json(*seg).contains("end_time"));
}

TEST(SegmentJsonTest, RejectsDocumentsMissingWhatXRayRequires) {
  const char* base = R"({"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2})";
  ASSERT_TRUE(parse_segment_document(base));
  for (const char* key : {"name", "id", "trace_id", "start_time", "end_time"}) {
    json j = json::parse(base);
    j.erase(key);
    EXPECT_FALSE(parse_segment_document(j.dump())) << "without " << key;
  }
  json bad_name = json::parse(base);
  bad_name["name"] = "<img src=x>";
  EXPECT_FALSE(parse_segment_document(bad_name.dump()));
  EXPECT_FALSE(parse_segment_document("{not json"));
  json sub = json::parse(base);
  sub["type"] = "subsegment";
  EXPECT_FALSE(parse_segment_document(sub.dump())) << "a standalone subsegment needs parent_id";
}

TEST(SegmentJsonTest, RejectsDocumentsOver64KB) {
  json j = json::parse(R"({"name":"a","id":"70de5b6f19ff9a0a","trace_id":"1-581cf771-a006649127e371903a2de979","start_time":1,"end_time":2})");
  j["metadata"]["default"]["big"] = std::string(70 * 1024, 'x');
  auto r = parse_segment_document(j.dump());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "segment document exceeds 64 KB");
}

TEST(SegmentJsonTest, SetFaultAddsAnExceptionToTheCause) {
  Segment s;
  s.set_fault("SSL Cert Exception", "Error", "0123456789abcdef");
  EXPECT_TRUE(s.fault);
  EXPECT_EQ(s.cause["exceptions"][0]["message"], "SSL Cert Exception");
}

}  // namespace
}  // namespace localray::tracing

#include "tracing/udp_receiver.hpp"

namespace localray::tracing {
namespace {

// Found by the segment_document fuzz target: a header whose format is not a string threw out of
// the UDP receiver's loop.
TEST(DaemonDatagram, AHeaderOfTheWrongShapeIsRejectedNotThrown) {
  for (const char* bad : {"{\"format\":1,\"version\":1}\n{}", "{\"format\":null}\n{}", "[]\n{}", "{\"format\":\"json\",\"version\":\"1\"}\n{}"})
    EXPECT_FALSE(parse_daemon_datagram(bad)) << bad;
  EXPECT_TRUE(parse_daemon_datagram("{\"format\":\"JSON\",\"version\":1}\n{\"name\":\"s\",\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-581cf771-a006649127e371903a2de979\",\"start_time\":1,\"end_time\":2}"));
}

}  // namespace
}  // namespace localray::tracing
