#pragma once
// A trace as stored: one row per document, subsegments sent on their own (UDP, streamed SDKs)
// kept apart until read. Reading puts them back under their parents, for the writer (which
// recomputes a trace's digest) and the readers alike.
#include <list>
#include <string>
#include <vector>

#include "tracing/error.hpp"
#include "tracing/segment.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace localray::tracing {

// Statement whose one parameter is the trace id; load_trace() reads its rows.
extern const char* const kLoadTraceSql;

// Whole segments with the loose subsegments attached to their parent. Parents may themselves be
// loose, so this repeats until nothing moves; orphans whose parent never arrived are left out.
std::vector<Segment> assemble(std::list<Segment> whole, std::vector<Segment> loose);
// The trace its documents (one per id, subsegments sent on their own with type "subsegment") make:
// whole segments by start time, each loose subsegment under its parent.
std::vector<Segment> assemble_documents(std::vector<Segment> documents);
// Every document of the trace as stored, one per id; empty when the trace is unknown.
Result<std::vector<Segment>> load_documents(sqlite3* db, sqlite3_stmt* load_statement, const std::string& trace_id);
// Every document of the trace, assembled; empty when the trace is unknown.
Result<std::vector<Segment>> load_trace(sqlite3* db, sqlite3_stmt* load_statement, const std::string& trace_id);

}  // namespace localray::tracing
