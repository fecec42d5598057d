// Segment documents from PutTraceSegments and the daemon port, and the UDP datagram around them:
// a document that parses serializes and parses again.
#include <cstdlib>
#include <string_view>

#include "tracing/segment_json.hpp"
#include "tracing/udp_receiver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  (void)localray::tracing::parse_daemon_datagram(text);
  auto seg = localray::tracing::parse_segment_document(text);
  if (!seg) return 0;
  auto again = localray::tracing::parse_segment_document(localray::tracing::to_json(*seg).dump());
  if (!again || again->id != seg->id || again->trace_id != seg->trace_id) std::abort();
  return 0;
}
