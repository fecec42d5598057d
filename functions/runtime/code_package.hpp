#pragma once
// A function's code package (a zip, as CreateFunction's ZipFile and PublishLayerVersion's Content
// carry it) unpacked with libzip into a folder localray owns. Archives that would write outside
// that folder (absolute paths, `..`, symlinks pointing out) or expand past Lambda's 250 MB are
// refused whole, before anything is written.
#include <cstdint>
#include <string>
#include <string_view>

#include "tracing/error.hpp"

namespace localray::functions::runtime {

constexpr std::uint64_t kMaxUnzippedBytes = 262'144'000;  // Lambda's quota for code and layers

struct UnpackedCode {
  std::string folder;
  std::string sha256_base64;  // CodeSha256 as Lambda reports it
  std::uint64_t zip_size = 0;
  std::uint64_t unzipped_size = 0;
};

// The package's SHA-256 in base64, as Lambda's CodeSha256.
std::string code_sha256(std::string_view bytes);

// Unpacks `zip` into `folder` (made empty first). The error's message is Lambda's when it has one.
tracing::Result<UnpackedCode> unpack_zip(std::string_view zip, const std::string& folder);

}  // namespace localray::functions::runtime
