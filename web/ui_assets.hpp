#pragma once
// The console's bundle, embedded at build time by web/embed_assets.py.
#include <span>
#include <string_view>

namespace localray::web {

struct UiAsset {
  std::string_view path;  // relative to /_localray/, e.g. "index.html", "assets/app-1A2B.js"
  std::string_view content_type;
  std::string_view etag;  // quoted, as sent
  std::string_view raw;
  std::string_view gzip;
  bool immutable;  // content-hashed name: cacheable for a year
};

std::span<const UiAsset> ui_assets();

}  // namespace localray::web
