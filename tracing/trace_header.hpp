#pragma once
// The X-Amzn-Trace-Id header: `Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`.
// Keys are case-insensitive and may come in any order; pairs we do not interpret are carried on
// unchanged, since the next hop may (Lambda's `Lineage`, load balancers' `Self`).
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localray::tracing {

// Unknown, not "no": a header without `Sampled` or with `Sampled=?` leaves the decision to us.
enum class Sampled { Unknown, Yes, No, Requested };

struct TraceHeader {
  std::string root;    // trace id
  std::string parent;  // empty at the entry point
  Sampled sampled = Sampled::Unknown;
  std::vector<std::pair<std::string, std::string>> extra;  // other pairs, in arrival order

  // nullopt when there is no valid Root.
  static std::optional<TraceHeader> parse(std::string_view text);
  std::string to_string() const;
  // The context handed to the next hop: same trace and decision, new parent.
  TraceHeader child(std::string parent_id) const;
  bool is_sampled() const { return sampled != Sampled::No; }
};

bool is_valid_trace_id(std::string_view id);
bool is_valid_segment_id(std::string_view id);

}  // namespace localray::tracing
