#include "web/console.hpp"

#include "web/ui_assets.hpp"

namespace localray::web {

namespace {

constexpr std::string_view kPrefix = "/_localray/";

bool accepts_gzip(std::string_view accept_encoding) {
  // Enough for what browsers send ("gzip, deflate, br, zstd"); a q=0 refusal is honoured.
  auto at = accept_encoding.find("gzip");
  if (at == std::string_view::npos) return false;
  auto rest = accept_encoding.substr(at + 4);
  auto comma = rest.find(',');
  auto params = rest.substr(0, comma);
  return params.find("q=0") == std::string_view::npos || params.find("q=0.") != std::string_view::npos;
}

const UiAsset* find_asset(std::string_view rel) {
  for (const auto& a : ui_assets())
    if (a.path == rel) return &a;
  return nullptr;
}

}  // namespace

std::optional<http::Response> serve_console(const http::Request& request) {
  std::string_view path = request.path;
  if (path == "/_localray") {
    http::Response r;
    r.status = 308;
    r.headers.set("Location", "/_localray/");
    return r;
  }
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view rel = path.substr(kPrefix.size());
  if (rel.empty()) rel = "index.html";
  const UiAsset* asset = find_asset(rel);
  if (!asset) return std::nullopt;
  if (request.method != "GET") {
    auto r = http::Response::text(405, "the console is read with GET\n");
    r.headers.set("Allow", "GET");
    return r;
  }
  http::Response r;
  r.headers.set("ETag", std::string{asset->etag});
  r.headers.set("Cache-Control", asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.set("Vary", "Accept-Encoding");
  r.headers.set("X-Content-Type-Options", "nosniff");
  if (!asset->immutable) {
    // The page runs only our own bundle: no inline script, nothing from elsewhere.
    r.headers.set("Content-Security-Policy",
                  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'");
  }
  if (request.headers.get("If-None-Match") == asset->etag) {
    r.status = 304;
    return r;
  }
  r.status = 200;
  r.headers.set("Content-Type", std::string{asset->content_type});
  if (accepts_gzip(request.headers.get("Accept-Encoding")) && asset->gzip.size() < asset->raw.size()) {
    r.headers.set("Content-Encoding", "gzip");
    r.body.assign(asset->gzip);
  } else {
    r.body.assign(asset->raw);
  }
  return r;
}

}  // namespace localray::web
