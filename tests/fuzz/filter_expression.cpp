// X-Ray filter expressions (GetTraceSummaries, groups).
#include <string_view>

#include "tracing/filter/parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
  (void)localray::tracing::filter::parse(std::string_view{reinterpret_cast<const char*>(data), size});
  return 0;
}
