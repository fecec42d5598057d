#include "functions/runtime/code_package.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include <nettle/sha2.h>
#include <zip.h>

#include "http/base64.hpp"

namespace localray::functions::runtime {

namespace fs = std::filesystem;

namespace {

// Zip entries carry Unix modes in the upper half of their external attributes.
constexpr std::uint8_t kUnixOpsys = ZIP_OPSYS_UNIX;

struct Entry {
  zip_uint64_t index;
  std::string name;
  std::uint64_t size;
  std::uint32_t mode;  // 0 when the archive has no Unix mode
  std::string link;    // a symlink's target
};

bool is_symlink(std::uint32_t mode) { return (mode & 0170000) == 0120000; }

tracing::Result<std::string> read_entry(zip_t* archive, zip_uint64_t index) {
  std::unique_ptr<zip_file_t, decltype(&zip_fclose)> in{zip_fopen_index(archive, index, 0), zip_fclose};
  if (!in) return tracing::Error{"unreadable entry"};
  std::string content;
  char buffer[64 * 1024];
  for (;;) {
    zip_int64_t n = zip_fread(in.get(), buffer, sizeof buffer);
    if (n < 0) return tracing::Error{"unreadable entry"};
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  return tracing::success(std::move(content));
}

// Any `..` is refused, not only one that climbs out: with symlinks in the same archive, a path
// that stays inside on paper can leave the folder on disk.
bool escapes(const fs::path& relative) {
  if (relative.is_absolute() || relative.has_root_name() || relative.has_root_directory()) return true;
  for (const auto& part : relative)
    if (part == "..") return true;
  return false;
}

const char* kUnzipError = "Could not unzip uploaded file. Please check your file, then try to upload again.";

}  // namespace

std::string code_sha256(std::string_view bytes) {
  sha256_ctx ctx;
  sha256_init(&ctx);
  sha256_update(&ctx, bytes.size(), reinterpret_cast<const std::uint8_t*>(bytes.data()));
  std::uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  return http::base64_encode(std::string_view{reinterpret_cast<const char*>(digest), sizeof digest});
}

tracing::Result<UnpackedCode> unpack_zip(std::string_view bytes, const std::string& folder) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (!source) return tracing::Error{kUnzipError};
  std::unique_ptr<zip_t, decltype(&zip_discard)> archive{zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error), zip_discard};
  if (!archive) {
    zip_source_free(source);
    zip_error_fini(&error);
    return tracing::Error{kUnzipError};
  }
  // Every entry is checked before anything is written.
  std::vector<Entry> entries;
  std::uint64_t total = 0;
  zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) return tracing::Error{kUnzipError};
    std::string name = st.name;
    if (name.empty() || escapes(fs::path{name})) return tracing::Error{kUnzipError + std::string{" Entry '"} + name + "' is outside the function's folder."};
    std::uint8_t opsys = 0;
    std::uint32_t attributes = 0;
    zip_file_get_external_attributes(archive.get(), i, 0, &opsys, &attributes);
    std::uint32_t mode = opsys == kUnixOpsys ? attributes >> 16 : 0;
    total += st.size;
    if (total > kMaxUnzippedBytes)
      return tracing::Error{"Unzipped size must be smaller than " + std::to_string(kMaxUnzippedBytes) + " bytes"};
    Entry entry{static_cast<zip_uint64_t>(i), std::move(name), st.size, mode, {}};
    if (is_symlink(mode)) {
      // Relative and without `..`: it can only name something inside the folder.
      auto target = read_entry(archive.get(), entry.index);
      if (!target || target->empty() || escapes(fs::path{*target}))
        return tracing::Error{kUnzipError + std::string{" Symbolic link '"} + entry.name + "' points outside the function's folder."};
      entry.link = std::move(*target);
    }
    entries.push_back(std::move(entry));
  }
  std::error_code ec;
  fs::remove_all(folder, ec);
  fs::create_directories(folder, ec);
  if (ec) return tracing::Error{"cannot make " + folder + ": " + ec.message()};
  const fs::path root{folder};
  // Files first, links last: nothing is ever written through a link from the archive.
  for (const auto& e : entries) {
    fs::path target = root / e.name;
    if (e.name.back() == '/') {
      fs::create_directories(target, ec);
      continue;
    }
    if (is_symlink(e.mode)) continue;
    fs::create_directories(target.parent_path(), ec);
    auto content = read_entry(archive.get(), e.index);
    if (!content) return tracing::Error{kUnzipError};
    std::ofstream out{target, std::ios::binary | std::ios::trunc};
    out.write(content->data(), static_cast<std::streamsize>(content->size()));
    if (!out) return tracing::Error{"cannot write " + target.string()};
    out.close();
    // Modes as packed (a custom runtime's bootstrap must stay executable); readable by the owner at least.
    auto perms = e.mode ? static_cast<fs::perms>(e.mode & 0777) | fs::perms::owner_read : fs::perms::owner_read | fs::perms::owner_write |
                                                                                           fs::perms::group_read | fs::perms::others_read;
    fs::permissions(target, perms, ec);
  }
  for (const auto& e : entries) {
    if (!is_symlink(e.mode)) continue;
    fs::path target = root / e.name;
    fs::create_directories(target.parent_path(), ec);
    fs::create_symlink(fs::path{e.link}, target, ec);
    if (ec) return tracing::Error{"cannot write " + target.string() + ": " + ec.message()};
  }
  UnpackedCode out;
  out.folder = folder;
  out.sha256_base64 = code_sha256(bytes);
  out.zip_size = bytes.size();
  out.unzipped_size = total;
  return out;
}

}  // namespace localray::functions::runtime
