#pragma once
// A segment or subsegment as X-Ray models it. Fields we interpret are typed; the free-form parts
// (http, aws, cause, metadata) stay JSON because X-Ray itself leaves them open, and `extra`
// keeps any field we do not know so that a document sent by an SDK comes back as it was sent.
#include <list>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace localray::tracing {

using AnnotationValue = std::variant<std::string, double, bool>;

struct Segment {
  std::string name;
  std::string id;
  std::string trace_id;   // always set on segments; on subsegments only when sent on their own
  std::string parent_id;  // empty: none
  double start_time = 0;
  double end_time = 0;
  bool in_progress = false;
  std::string type;        // "subsegment" when sent on its own
  std::string origin;      // segments: AWS::Lambda, AWS::ApiGateway::Stage, ...
  std::string namespace_;  // subsegments: "aws", "remote" or empty
  std::string resource_arn;
  bool error = false;
  bool throttle = false;
  bool fault = false;
  bool inferred = false;
  nlohmann::json http;         // {request:{...}, response:{...}} or null
  nlohmann::json aws;          // object or null
  nlohmann::json cause;        // object, exception id string, or null
  nlohmann::json metadata;     // namespace -> key -> value, or null
  nlohmann::json links;        // array or null
  std::map<std::string, AnnotationValue> annotations;
  std::list<Segment> subsegments;  // a list: handlers hold references to open children
  nlohmann::json extra = nlohmann::json::object();

  // Open a child; the reference stays valid while this segment lives.
  Segment& add_subsegment(std::string child_name, std::string child_id, double start) {
    auto& c = subsegments.emplace_back();
    c.name = std::move(child_name);
    c.id = std::move(child_id);
    c.start_time = start;
    return c;
  }
  void set_fault(std::string message, std::string exception_type, std::string exception_id);
  double duration() const { return end_time - start_time; }
};

}  // namespace localray::tracing
