#include "tracing/trace_documents.hpp"

#include <sqlite3.h>

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

Result<std::vector<Segment>> load_trace(sqlite3* db, sqlite3_stmt* st, const std::string& trace_id) {
  sqlite3_reset(st);
  bind_text(st, 1, trace_id);
  std::list<Segment> whole;
  std::vector<Segment> loose;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    auto seg = parse_segment_document(column_text(st, 1));
    if (!seg) continue;  // stored documents were validated on the way in
    if (sqlite3_column_int(st, 0)) loose.push_back(std::move(*seg));
    else whole.push_back(std::move(*seg));
  }
  sqlite3_reset(st);
  if (rc != SQLITE_DONE) return sql_error(db, "read segments");
  return assemble(std::move(whole), std::move(loose));
}

}  // namespace localray::tracing
