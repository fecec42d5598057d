// The preparer's half of the store's writer: a batch's documents serialised and new traces
// digested off the writer's thread, so that the writer is left with SQLite and what a trace seen
// before needs.
#include <map>
#include <tuple>
#include <unordered_map>

#include "tracing/segment_json.hpp"
#include "tracing/store.hpp"
#include "tracing/trace_digest.hpp"

namespace localray::tracing {

PreparedBatch Store::prepare(std::vector<Segment>&& batch) {
  PreparedBatch out;
  out.documents.reserve(batch.size());
  std::map<std::string, std::vector<Segment>> by_trace;
  for (auto& s : batch) {
    PreparedBatch::Document d;
    d.trace_id = s.trace_id;
    d.id = s.id;
    d.parent_id = s.parent_id;
    d.name = s.name;
    d.origin = s.origin;
    d.standalone = s.type == "subsegment";
    d.start_time = s.start_time;
    d.end_time = s.in_progress ? s.start_time : s.end_time;
    by_trace[s.trace_id].push_back(digest_copy(s));
    // Replace, not throw: SDKs and headers can carry bytes that are not UTF-8.
    d.json = to_json(std::move(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out.documents.push_back(std::move(d));
  }
  for (auto& [id, fresh] : by_trace) {
    // What the trace is if this batch holds all of it; the writer adds the documents it remembers
    // or has stored when the trace was seen before.
    std::unordered_map<std::string, std::size_t> last;  // a later document with the same id replaces the earlier
    for (std::size_t i = 0; i < fresh.size(); ++i) last[fresh[i].id] = i;
    auto& update = out.traces[id];
    for (std::size_t i = 0; i < fresh.size(); ++i)
      if (last[fresh[i].id] == i) update.documents.push_back(std::move(fresh[i]));
    std::tie(update.digest, update.has_segments) = digest_documents(id, update.documents);
  }
  return out;
}

}  // namespace localray::tracing
