#pragma once
// base64 lives in base/ (models use it too); the wire codecs name it as http's.
#include "base/base64.hpp"

namespace localray::http {
using base::base64_decode;
using base::base64_encode;
using base::Padding;
}  // namespace localray::http
