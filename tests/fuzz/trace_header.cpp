// X-Amzn-Trace-Id as every hop reads it: parsing never fails loudly, and what parses writes back
// to something that parses to the same header.
#include <cstdlib>
#include <string_view>

#include "tracing/trace_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  std::string_view text{reinterpret_cast<const char*>(data), size};
  auto h = localray::tracing::TraceHeader::parse(text);
  if (!h) return 0;
  auto again = localray::tracing::TraceHeader::parse(h->to_string());
  if (!again || again->root != h->root || again->parent != h->parent || again->sampled != h->sampled) std::abort();
  return 0;
}
