#include "tracing/trace_documents.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "tracing/segment_json.hpp"
#include "tracing/sqlite.hpp"

namespace localray::tracing {

const char* const kLoadTraceSql = "SELECT standalone,document FROM segments WHERE trace_id=? ORDER BY standalone, start_time";

namespace {

Segment* find_by_id(std::list<Segment>& list, const std::string& id) {
  for (auto& s : list) {
    if (s.id == id) return &s;
    if (auto* f = find_by_id(s.subsegments, id)) return f;
  }
  return nullptr;
}

}  // namespace

std::vector<Segment> assemble(std::list<Segment> whole, std::vector<Segment> loose) {
  bool moved = true;
  while (moved && !loose.empty()) {
    moved = false;
    for (auto it = loose.begin(); it != loose.end();) {
      if (Segment* parent = find_by_id(whole, it->parent_id)) {
        Segment child = std::move(*it);
        child.type.clear();
        child.trace_id.clear();
        child.parent_id.clear();
        if (Segment* existing = find_by_id(parent->subsegments, child.id)) *existing = std::move(child);
        else parent->subsegments.push_back(std::move(child));
        it = loose.erase(it);
        moved = true;
      } else {
        ++it;
      }
    }
  }
  return std::vector<Segment>(std::make_move_iterator(whole.begin()), std::make_move_iterator(whole.end()));
}

std::vector<Segment> assemble_documents(std::vector<Segment> documents) {
  std::list<Segment> whole;
  std::vector<Segment> loose;
  for (auto& d : documents) {
    if (d.type == "subsegment") loose.push_back(std::move(d));
    else whole.push_back(std::move(d));
  }
  whole.sort([](const Segment& a, const Segment& b) { return a.start_time < b.start_time; });
  std::stable_sort(loose.begin(), loose.end(), [](const Segment& a, const Segment& b) { return a.start_time < b.start_time; });
  return assemble(std::move(whole), std::move(loose));
}

Result<std::vector<Segment>> load_documents(sqlite3* db, sqlite3_stmt* st, const std::string& trace_id) {
  sqlite3_reset(st);
  bind_text(st, 1, trace_id);
  std::vector<Segment> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto seg = parse_segment_document(column_text(st, 1));
    if (!seg) continue;  // stored documents were validated on the way in
    if (sqlite3_column_int(st, 0)) seg->type = "subsegment";  // the row's flag, as the writer stored it
    out.push_back(std::move(*seg));
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return sql_error(db, "read segments");
  return out;
}

Result<std::vector<Segment>> load_trace(sqlite3* db, sqlite3_stmt* st, const std::string& trace_id) {
  auto documents = load_documents(db, st, trace_id);
  if (!documents) return documents.error();
  return assemble_documents(std::move(*documents));
}

}  // namespace localray::tracing
