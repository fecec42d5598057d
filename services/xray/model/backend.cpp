#include "services/xray/model/backend.hpp"

#include <algorithm>

#include "tracing/filter/filter.hpp"
#include "tracing/segment_json.hpp"

namespace localray::xray::model {

std::vector<Unprocessed> Backend::put_trace_segments(const std::vector<std::string>& documents) {
  std::vector<Unprocessed> rejected;
  for (const auto& doc : documents) {
    auto seg = tracing::parse_segment_document(doc);
    if (!seg) {
      auto j = nlohmann::json::parse(doc, nullptr, false);
      std::string id = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
      rejected.push_back({id, "InvalidSegment", seg.error().message});
      continue;
    }
    sink_.record(std::move(*seg));
  }
  return rejected;
}

tracing::Result<std::vector<tracing::Trace>> Backend::traces_between(double start, double end, std::size_t limit) {
  auto reader = readers_.acquire();
  if (!reader) return reader.error();
  auto rows = (*reader)->traces_between(start, end, limit);
  if (!rows) return rows.error();
  std::vector<tracing::Trace> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) {
    auto segs = (*reader)->trace_segments(row.id);
    if (!segs) return segs.error();
    out.push_back(tracing::Trace{row.id, std::move(*segs)});
  }
  return out;
}

tracing::Result<std::vector<tracing::Trace>> Backend::select(std::vector<tracing::Trace> traces, const TraceSelection& selection) {
  std::vector<tracing::filter::Expression> filters;
  tracing::filter::MatchContext context;
  auto add = [&](const std::string& text) -> tracing::Result<void> {
    auto parsed = tracing::filter::parse(text);
    if (!parsed) return tracing::Error{tracing::filter::describe(parsed.error())};
    filters.push_back(std::move(*parsed));
    return {};
  };
  if (selection.group) {
    auto group = config_.group(*selection.group);
    if (!group) return tracing::Error{"Group not found: " + *selection.group};
    context.group_name = group->name;
    context.group_arn = group->arn;
    if (!group->filter_expression.empty())
      if (auto r = add(group->filter_expression); !r) return r.error();
  }
  if (selection.filter_expression && !selection.filter_expression->empty())
    if (auto r = add(*selection.filter_expression); !r) return r.error();
  if (filters.empty()) return traces;
  std::erase_if(traces, [&](const tracing::Trace& t) {
    return !std::all_of(filters.begin(), filters.end(), [&](const auto& f) { return tracing::filter::matches(f, t, context); });
  });
  return traces;
}

tracing::Result<SummaryPage> Backend::trace_summaries(double start, double end, const TraceSelection& selection,
                                                      const std::optional<std::string>& next_token) {
  std::size_t offset = 0;
  if (next_token) {
    try {
      offset = std::stoul(*next_token);
    } catch (const std::exception&) {
      return tracing::Error{"NextToken is not valid"};
    }
  }
  // Filters are evaluated on the traces of the window, newest first; the page is cut after.
  bool filtered = selection.group || (selection.filter_expression && !selection.filter_expression->empty());
  auto loaded = traces_between(start, end, filtered ? kMaxGraphTraces : offset + kSummaryPageSize + 1);
  if (!loaded) return loaded.error();
  std::size_t processed = loaded->size();
  auto traces = select(std::move(*loaded), selection);
  if (!traces) return traces.error();
  SummaryPage page;
  for (std::size_t i = offset; i < traces->size() && i < offset + kSummaryPageSize; ++i) page.summaries.push_back(tracing::summarize((*traces)[i]));
  page.traces_processed = processed;
  if (traces->size() > offset + kSummaryPageSize) page.next_token = std::to_string(offset + kSummaryPageSize);
  return page;
}

tracing::Result<std::vector<tracing::Trace>> Backend::traces(const std::vector<std::string>& ids, std::vector<std::string>& unprocessed) {
  auto reader = readers_.acquire();
  if (!reader) return reader.error();
  std::vector<tracing::Trace> out;
  for (const auto& id : ids) {
    auto segs = (*reader)->trace_segments(id);
    if (!segs) return segs.error();
    if (segs->empty()) unprocessed.push_back(id);
    else out.push_back(tracing::Trace{id, std::move(*segs)});
  }
  return out;
}

tracing::Result<tracing::ServiceGraph> Backend::service_graph(double start, double end, const TraceSelection& selection) {
  auto loaded = traces_between(start, end, kMaxGraphTraces);
  if (!loaded) return loaded.error();
  auto traces = select(std::move(*loaded), selection);
  if (!traces) return traces.error();
  auto graph = tracing::build_service_graph(*traces);
  graph.start = start;
  graph.end = end;
  return graph;
}

}  // namespace localray::xray::model
