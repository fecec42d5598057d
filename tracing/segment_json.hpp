#pragma once
// Segment <-> X-Ray segment document.
#include <string_view>

#include <nlohmann/json.hpp>

#include "tracing/error.hpp"
#include "tracing/segment.hpp"

namespace localray::tracing {

constexpr std::size_t kMaxDocumentBytes = 64 * 1024;  // X-Ray segment document limit

nlohmann::json to_json(const Segment& s);
// Moves the free-form members into the document instead of copying them.
nlohmann::json to_json(Segment&& s);
// Validates what X-Ray requires (name, id, trace_id on top-level documents, start_time, end_time
// or in_progress) and keeps unknown fields.
Result<Segment> segment_from_json(const nlohmann::json& doc, bool top_level = true);
Result<Segment> segment_from_json(nlohmann::json&& doc, bool top_level = true);
Result<Segment> parse_segment_document(std::string_view text);

}  // namespace localray::tracing
