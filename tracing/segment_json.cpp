#include "tracing/segment_json.hpp"

#include <cmath>
#include <type_traits>

#include "tracing/trace_header.hpp"

namespace localray::tracing {

using nlohmann::json;

void Segment::set_fault(std::string message, std::string exception_type, std::string exception_id) {
  fault = true;
  json ex = {{"id", std::move(exception_id)}, {"message", std::move(message)}, {"type", std::move(exception_type)}};
  if (!cause.is_object()) cause = json{{"working_directory", "/var/task"}, {"exceptions", json::array()}};
  cause["exceptions"].push_back(std::move(ex));
}

namespace {

bool valid_name(std::string_view n) {
  if (n.empty() || n.size() > 200) return false;
  for (unsigned char c : n) {
    if (c >= 0x80) continue;  // X-Ray accepts Unicode letters
    if (std::isalnum(c) || c == ' ' || std::string_view{"_.:/%&#=+\\-@"}.find(static_cast<char>(c)) != std::string_view::npos)
      continue;
    return false;
  }
  return true;
}

Error bad(std::string what) { return Error{std::move(what)}; }

}  // namespace

namespace {

// One body for the copying and the moving form: Member is `const json&` or `json&&`.
template <typename S>
json segment_to_json(S&& s) {
  constexpr bool moving = !std::is_lvalue_reference_v<S>;
  auto take = [](auto& member) -> decltype(auto) {
    if constexpr (moving) return std::move(member);
    else return static_cast<const std::remove_reference_t<decltype(member)>&>(member);
  };
  json j = s.extra.is_object() ? json(take(s.extra)) : json::object();
  j["name"] = take(s.name);
  j["id"] = take(s.id);
  if (!s.trace_id.empty()) j["trace_id"] = take(s.trace_id);
  if (!s.parent_id.empty()) j["parent_id"] = take(s.parent_id);
  j["start_time"] = s.start_time;
  if (s.in_progress) j["in_progress"] = true;
  else j["end_time"] = s.end_time;
  if (!s.type.empty()) j["type"] = take(s.type);
  if (!s.origin.empty()) j["origin"] = take(s.origin);
  if (!s.namespace_.empty()) j["namespace"] = take(s.namespace_);
  if (!s.resource_arn.empty()) j["resource_arn"] = take(s.resource_arn);
  if (s.error) j["error"] = true;
  if (s.throttle) j["throttle"] = true;
  if (s.fault) j["fault"] = true;
  if (s.inferred) j["inferred"] = true;
  if (!s.http.is_null()) j["http"] = take(s.http);
  if (!s.aws.is_null()) j["aws"] = take(s.aws);
  if (!s.cause.is_null()) j["cause"] = take(s.cause);
  if (!s.metadata.is_null()) j["metadata"] = take(s.metadata);
  if (!s.links.is_null()) j["links"] = take(s.links);
  if (!s.annotations.empty()) {
    json a = json::object();
    for (const auto& entry : s.annotations) std::visit([&](const auto& x) { a[entry.first] = x; }, entry.second);
    j["annotations"] = std::move(a);
  }
  if (!s.subsegments.empty()) {
    json subs = json::array();
    for (auto& c : s.subsegments) subs.push_back(segment_to_json(take(c)));
    j["subsegments"] = std::move(subs);
  }
  return j;
}

}  // namespace

json to_json(const Segment& s) { return segment_to_json(s); }
json to_json(Segment&& s) { return segment_to_json(std::move(s)); }

Result<Segment> segment_from_json(const json& doc, bool top_level) { return segment_from_json(json(doc), top_level); }

Result<Segment> segment_from_json(json&& doc, bool top_level) {
  if (!doc.is_object()) return bad("segment document must be a JSON object");
  Segment s;
  json rest = std::move(doc);
  auto take_string = [&](const char* key, std::string& out, bool required) -> bool {
    auto it = rest.find(key);
    if (it == rest.end()) return !required;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    rest.erase(it);
    return true;
  };
  auto take_bool = [&](const char* key, bool& out) -> bool {
    auto it = rest.find(key);
    if (it == rest.end()) return true;
    if (!it->is_boolean()) return false;
    out = it->get<bool>();
    rest.erase(it);
    return true;
  };
  auto take_json = [&](const char* key, json& out) {
    auto it = rest.find(key);
    if (it == rest.end()) return;
    out = std::move(*it);
    rest.erase(it);
  };

  if (!take_string("name", s.name, true) || !valid_name(s.name)) return bad("missing or invalid 'name'");
  if (!take_string("id", s.id, true) || !is_valid_segment_id(s.id)) return bad("missing or invalid 'id' (16 hex digits)");
  if (!take_string("type", s.type, false)) return bad("'type' must be a string");
  bool standalone = top_level;
  if (!take_string("trace_id", s.trace_id, standalone)) return bad("missing 'trace_id'");
  if (standalone && !is_valid_trace_id(s.trace_id)) return bad("invalid 'trace_id'");
  if (!take_string("parent_id", s.parent_id, false)) return bad("'parent_id' must be a string");
  if (s.type == "subsegment" && s.parent_id.empty()) return bad("a subsegment sent on its own needs 'parent_id'");
  auto st = rest.find("start_time");
  if (st == rest.end() || !st->is_number() || !std::isfinite(st->get<double>())) return bad("missing or invalid 'start_time'");
  s.start_time = st->get<double>();
  rest.erase(st);
  if (!take_bool("in_progress", s.in_progress)) return bad("'in_progress' must be a boolean");
  auto et = rest.find("end_time");
  if (et != rest.end()) {
    if (!et->is_number()) return bad("'end_time' must be a number");
    s.end_time = et->get<double>();
    rest.erase(et);
  } else if (!s.in_progress) {
    return bad("'end_time' or 'in_progress' is required");
  }
  if (!take_string("origin", s.origin, false) || !take_string("namespace", s.namespace_, false) ||
      !take_string("resource_arn", s.resource_arn, false))
    return bad("'origin', 'namespace' and 'resource_arn' must be strings");
  if (!take_bool("error", s.error) || !take_bool("throttle", s.throttle) || !take_bool("fault", s.fault) ||
      !take_bool("inferred", s.inferred))
    return bad("'error', 'throttle', 'fault' must be booleans");
  take_json("http", s.http);
  take_json("aws", s.aws);
  take_json("cause", s.cause);
  take_json("metadata", s.metadata);
  take_json("links", s.links);
  if (auto it = rest.find("annotations"); it != rest.end()) {
    if (!it->is_object()) return bad("'annotations' must be an object");
    for (const auto& [k, v] : it->items()) {
      if (v.is_string()) s.annotations[k] = v.get<std::string>();
      else if (v.is_boolean()) s.annotations[k] = v.get<bool>();
      else if (v.is_number()) s.annotations[k] = v.get<double>();
      else return bad("annotation '" + k + "' must be a string, number or boolean");
    }
    rest.erase(it);
  }
  if (auto it = rest.find("subsegments"); it != rest.end()) {
    if (!it->is_array()) return bad("'subsegments' must be an array");
    for (auto& c : *it) {
      auto child = segment_from_json(std::move(c), false);
      if (!child) return child.error();
      s.subsegments.push_back(std::move(*child));
    }
    rest.erase(it);
  }
  s.extra = std::move(rest);
  return s;
}

Result<Segment> parse_segment_document(std::string_view text) {
  if (text.size() > kMaxDocumentBytes) return bad("segment document exceeds 64 KB");
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bad("segment document is not valid JSON");
  return segment_from_json(std::move(doc), true);
}

}  // namespace localray::tracing
