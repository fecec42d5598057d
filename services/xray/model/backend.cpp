#include "services/xray/model/backend.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "tracing/filter/filter.hpp"
#include "tracing/filter/pushdown.hpp"
#include "tracing/segment_json.hpp"

namespace localray::xray::model {

// The parsed filters of a query (the group's and the request's), what they need of every trace,
// and the index terms they narrow to.
struct Backend::Selector {
  std::vector<tracing::filter::Expression> filters;
  tracing::filter::MatchContext context;
  tracing::filter::TermPlan plan;

  bool filtered() const { return !filters.empty(); }
  bool matches(const tracing::Trace& t) const {
    return std::all_of(filters.begin(), filters.end(), [&](const auto& f) { return tracing::filter::matches(f, t, context); });
  }
};

namespace {

// NextToken: the sort key and id of the last trace scanned, so paging is stable while traces
// keep arriving ("<key>|<id>").
std::string encode_cursor(const tracing::Cursor& c) {
  char key[40];
  std::snprintf(key, sizeof key, "%.6f", c.key);
  return std::string{key} + "|" + c.id;
}

std::optional<tracing::Cursor> decode_cursor(const std::string& token) {
  auto bar = token.find('|');
  if (bar == std::string::npos || bar == 0 || bar + 1 >= token.size()) return std::nullopt;
  try {
    std::size_t used = 0;
    double key = std::stod(token.substr(0, bar), &used);
    if (used != bar) return std::nullopt;
    return tracing::Cursor{key, token.substr(bar + 1)};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Sampling keeps the same traces on every call: the share is taken from the id's random part.
bool sampled(const std::string& id, double rate) {
  if (rate >= 1) return true;
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ULL;
  return static_cast<double>(h % 1000000) < rate * 1000000;
}

bool newer(const tracing::TraceRow& a, const tracing::TraceRow& b) {
  return a.sort_key != b.sort_key ? a.sort_key > b.sort_key : a.id > b.id;
}

bool after_cursor(const tracing::TraceRow& r, const tracing::Cursor& c) {
  return r.sort_key < c.key || (r.sort_key == c.key && r.id < c.id);
}

}  // namespace

namespace {

// Hands the segments to the sink and resumes the caller, on its own executor, once they settle.
template <class Token>
auto async_record_all(tracing::SegmentSink& sink, std::vector<tracing::Segment> segments, Token&& token) {
  namespace asio = boost::asio;
  return asio::async_initiate<Token, void(std::vector<bool>)>(
      [&sink](auto handler, std::vector<tracing::Segment> segments) {
        // The sink settles on its writer thread: the wait keeps the caller's executor alive.
        auto work = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        sink.record_all(std::move(segments), [shared, work](std::vector<bool> stored) {
          asio::post(work, [shared, stored = std::move(stored)]() mutable { (*shared)(std::move(stored)); });
        });
      },
      token, std::move(segments));
}

}  // namespace

boost::asio::awaitable<std::vector<Unprocessed>> Backend::put_trace_segments(std::vector<std::string> documents) {
  std::vector<Unprocessed> rejected;
  std::vector<tracing::Segment> segments;
  for (const auto& doc : documents) {
    auto seg = tracing::parse_segment_document(doc);
    if (!seg) {
      auto j = nlohmann::json::parse(doc, nullptr, false);
      std::string id = j.is_object() && j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
      rejected.push_back({id, "InvalidSegment", seg.error().message});
      continue;
    }
    segments.push_back(std::move(*seg));
  }
  if (segments.empty()) co_return rejected;
  std::vector<std::string> ids;
  for (const auto& s : segments) ids.push_back(s.id);
  auto stored = co_await async_record_all(sink_, std::move(segments), boost::asio::use_awaitable);
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (!stored[i])
      rejected.push_back({ids[i], "ThrottledException", "localray's trace store is behind: the segment was not stored; send it again"});
  co_return rejected;
}

boost::asio::awaitable<std::size_t> Backend::record_segments(std::vector<tracing::Segment> segments) {
  if (segments.empty()) co_return 0;
  auto stored = co_await async_record_all(sink_, std::move(segments), boost::asio::use_awaitable);
  co_return static_cast<std::size_t>(std::count(stored.begin(), stored.end(), false));
}

tracing::Result<Backend::Selector> Backend::selector(const TraceSelection& selection) {
  Selector out;
  auto add = [&](const std::string& text) -> tracing::Result<void> {
    auto parsed = tracing::filter::parse(text);
    if (!parsed) return tracing::Error{tracing::filter::describe(parsed.error())};
    out.plan = tracing::filter::both(std::move(out.plan), tracing::filter::plan_terms(*parsed));
    out.filters.push_back(std::move(*parsed));
    return {};
  };
  if (selection.group) {
    auto group = groups_.get(*selection.group);
    if (!group) return tracing::Error{"Group not found: " + *selection.group};
    out.context.group_name = group->name;
    out.context.group_arn = group->arn;
    if (!group->filter_expression.empty())
      if (auto r = add(group->filter_expression); !r) return r.error();
  }
  if (selection.filter_expression && !selection.filter_expression->empty())
    if (auto r = add(*selection.filter_expression); !r) return r.error();
  return out;
}

tracing::Result<std::optional<std::vector<tracing::TraceRow>>> Backend::candidates(tracing::StoreReader& reader, const Selector& selector,
                                                                                   const tracing::Window& window) {
  using Plan = tracing::filter::TermPlan;
  using Rows = std::unordered_map<std::string, tracing::TraceRow>;
  // Evaluates the plan to the trace ids it lets through; nullopt when that is most of the
  // window (a term every trace carries): reading the window in order is cheaper then.
  std::function<tracing::Result<std::optional<Rows>>(const Plan&)> eval = [&](const Plan& p) -> tracing::Result<std::optional<Rows>> {
    Rows out;
    switch (p.kind) {
      case Plan::Kind::Term: {
        auto rows = reader.traces_with_term(p.term, window, kMaxNarrowedCandidates + 1);
        if (!rows) return rows.error();
        if (rows->size() > kMaxNarrowedCandidates) return std::optional<Rows>{};
        for (auto& r : *rows) out.emplace(r.id, std::move(r));
        return std::optional<Rows>{std::move(out)};
      }
      case Plan::Kind::Any:
        for (const auto& o : p.operands) {
          auto part = eval(o);
          if (!part) return part.error();
          if (!*part) return std::optional<Rows>{};
          out.merge(**part);
          if (out.size() > kMaxNarrowedCandidates) return std::optional<Rows>{};
        }
        return std::optional<Rows>{std::move(out)};
      case Plan::Kind::All: {
        std::optional<Rows> acc;
        for (const auto& o : p.operands) {
          auto part = eval(o);
          if (!part) return part.error();
          if (!*part) continue;  // too broad to narrow by; the others may
          if (!acc) acc = std::move(**part);
          else std::erase_if(*acc, [&](const auto& kv) { return !(*part)->contains(kv.first); });
          if (acc->empty()) break;
        }
        return acc;
      }
      case Plan::Kind::Everything: break;
    }
    return std::optional<Rows>{};
  };
  if (selector.plan.kind == Plan::Kind::Everything) return std::optional<std::vector<tracing::TraceRow>>{};
  auto rows = eval(selector.plan);
  if (!rows) return rows.error();
  if (!*rows) return std::optional<std::vector<tracing::TraceRow>>{};
  std::vector<tracing::TraceRow> out;
  out.reserve((*rows)->size());
  for (auto& [id, row] : **rows) out.push_back(std::move(row));
  std::sort(out.begin(), out.end(), newer);
  return std::optional<std::vector<tracing::TraceRow>>{std::move(out)};
}
tracing::Result<SummaryPage> Backend::trace_summaries(const SummaryQuery& query) {
  std::optional<tracing::Cursor> cursor;
  if (query.next_token) {
    cursor = decode_cursor(*query.next_token);
    if (!cursor) return tracing::Error{"NextToken is not valid"};
  }
  auto sel = selector(query.selection);
  if (!sel) return sel.error();
  auto reader = readers_.acquire();
  if (!reader) return reader.error();
  auto narrowed = candidates(**reader, *sel, query.window);
  if (!narrowed) return narrowed.error();

  SummaryPage page;
  std::size_t scanned = 0;
  std::optional<tracing::Cursor> last;
  // Takes rows newest first; returns false once the page is full or the scan budget spent.
  auto take = [&](const tracing::TraceRow& row) -> tracing::Result<bool> {
    if (page.summaries.size() == kSummaryPageSize || scanned == kMaxScannedPerPage) {
      page.next_token = encode_cursor(*last);
      return false;
    }
    ++scanned;
    last = tracing::Cursor{row.sort_key, row.id};
    if (query.sample_rate && !sampled(row.id, *query.sample_rate)) return true;
    auto segs = (*reader)->trace_segments(row.id);
    if (!segs) return segs.error();
    tracing::Trace trace{row.id, std::move(*segs)};
    if (sel->filtered() && !sel->matches(trace)) return true;
    page.summaries.push_back(tracing::summarize(trace));
    return true;
  };
  if (*narrowed) {
    for (const auto& row : **narrowed) {
      if (cursor && !after_cursor(row, *cursor)) continue;
      auto more = take(row);
      if (!more) return more.error();
      if (!*more) break;
    }
  } else {
    // Unnarrowed: read the window page by page rather than all at once.
    std::optional<tracing::Cursor> from = cursor;
    bool done = false;
    while (!done) {
      auto rows = (*reader)->traces_page(query.window, from ? &*from : nullptr, kSummaryPageSize + 1);
      if (!rows) return rows.error();
      for (const auto& row : *rows) {
        auto more = take(row);
        if (!more) return more.error();
        if (!*more) {
          done = true;
          break;
        }
      }
      if (rows->size() < kSummaryPageSize + 1) break;
      from = tracing::Cursor{rows->back().sort_key, rows->back().id};
    }
  }
  page.traces_processed = scanned;
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
  auto sel = selector(selection);
  if (!sel) return sel.error();
  auto reader = readers_.acquire();
  if (!reader) return reader.error();
  tracing::GraphTally total;
  auto merge_texts = [&](const std::vector<std::string>& texts) {
    for (const auto& text : texts) {
      auto j = nlohmann::json::parse(text, nullptr, false);
      total.merge(tracing::GraphTally::from_json(j), 1);
    }
  };
  auto add_traces = [&](const std::vector<std::string>& ids) -> tracing::Result<void> {
    for (const auto& id : ids) {
      auto segs = (*reader)->trace_segments(id);
      if (!segs) return segs.error();
      tracing::Trace trace{id, std::move(*segs)};
      tracing::TraceIndex index{trace};
      total.add_trace(index);
    }
    return {};
  };
  if (!sel->filtered()) {
    // The writer keeps tallies per minute and per ten seconds of trace start: whole minutes
    // inside the window, whole ten-second spans at its ragged ends, then the traces of the rest.
    auto buckets = [&](int level, long long first, long long last) -> tracing::Result<void> {
      if (first > last) return {};
      auto texts = (*reader)->bucket_tallies(level, first, last);
      if (!texts) return texts.error();
      merge_texts(*texts);
      return {};
    };
    auto traces_in = [&](double from, double to) -> tracing::Result<void> {
      if (!(from < to)) return {};
      auto ids = (*reader)->traces_starting_in(from, to);
      if (!ids) return ids.error();
      return add_traces(*ids);
    };
    double stop = std::nextafter(end, INFINITY);  // the window includes `end`
    // Whole ten-second spans [t0, t1) and whole minutes [m0, m1), in bucket numbers.
    long long t0 = static_cast<long long>(std::ceil(start / 10)), t1 = static_cast<long long>(std::floor(stop / 10));
    tracing::Result<void> r;
    if (t0 >= t1) {
      r = traces_in(start, stop);
    } else {
      long long m0 = (t0 + 5) / 6, m1 = t1 / 6;
      if (m0 < m1) {
        r = buckets(tracing::kMinuteBuckets, m0, m1 - 1);
        if (r) r = buckets(tracing::kTenSecondBuckets, t0, m0 * 6 - 1);
        if (r) r = buckets(tracing::kTenSecondBuckets, m1 * 6, t1 - 1);
      } else {
        r = buckets(tracing::kTenSecondBuckets, t0, t1 - 1);
      }
      if (r) r = traces_in(start, static_cast<double>(t0) * 10);
      if (r) r = traces_in(static_cast<double>(t1) * 10, stop);
    }
    if (!r) return r.error();
    total.compact();
  } else {
    // A filter is evaluated on whole traces: the candidates its terms let through, newest first.
    tracing::Window window{start, end, tracing::TimeRange::Event};
    auto narrowed = candidates(**reader, *sel, window);
    if (!narrowed) return narrowed.error();
    std::vector<tracing::TraceRow> rows;
    if (*narrowed) {
      rows = std::move(**narrowed);
      std::erase_if(rows, [&](const tracing::TraceRow& r) { return r.start_time < start || r.start_time > end; });
    } else {
      auto all = (*reader)->traces_between(start, end, kMaxGraphTraces);
      if (!all) return all.error();
      rows = std::move(*all);
    }
    if (rows.size() > kMaxGraphTraces) rows.resize(kMaxGraphTraces);
    for (const auto& row : rows) {
      auto segs = (*reader)->trace_segments(row.id);
      if (!segs) return segs.error();
      tracing::Trace trace{row.id, std::move(*segs)};
      if (!sel->matches(trace)) continue;
      tracing::TraceIndex index{trace};
      total.add_trace(index);
    }
  }
  auto graph = total.finish();
  graph.start = start;
  graph.end = end;
  return graph;
}

}  // namespace localray::xray::model
