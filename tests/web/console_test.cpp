#include "web/console.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "web/ui_assets.hpp"

namespace localray::web {
namespace {

http::Request get(std::string path, std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Request r;
  r.method = "GET";
  r.path = path;
  r.target = path;
  for (auto& [k, v] : headers) r.headers.add(k, v);
  return r;
}

const UiAsset& first_hashed_asset() {
  auto assets = ui_assets();
  auto it = std::find_if(assets.begin(), assets.end(), [](const UiAsset& a) { return a.immutable; });
  if (it == assets.end()) throw std::runtime_error("the bundle has no asset under assets/");
  return *it;
}

TEST(ConsoleTest, IndexIsHtmlRevalidatedOnEveryLoad) {
  auto r = serve_console(get("/_localray/"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200u);
  EXPECT_EQ(r->headers.get("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->headers.get("Cache-Control"), "no-cache");
  EXPECT_FALSE(r->headers.get("ETag").empty());
  EXPECT_NE(r->headers.get("Content-Security-Policy").find("default-src 'self'"), std::string_view::npos);
  EXPECT_NE(r->body.find("<html"), std::string::npos) << "served raw to a client that did not ask for gzip";
  auto same = serve_console(get("/_localray/index.html"));
  ASSERT_TRUE(same);
  EXPECT_EQ(same->body, r->body);
}

TEST(ConsoleTest, UnchangedPageIsAnsweredWithNotModified) {
  auto first = serve_console(get("/_localray/"));
  ASSERT_TRUE(first);
  auto again = serve_console(get("/_localray/", {{"If-None-Match", std::string{first->headers.get("ETag")}}}));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304u);
  EXPECT_TRUE(again->body.empty());
  auto stale = serve_console(get("/_localray/", {{"If-None-Match", "\"other\""}}));
  EXPECT_EQ(stale->status, 200u);
}

TEST(ConsoleTest, HashedAssetsAreCachedForAYearAndGzippedWhenAccepted) {
  const UiAsset& asset = first_hashed_asset();
  std::string path = "/_localray/" + std::string{asset.path};
  auto plain = serve_console(get(path));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->headers.get("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(plain->body, asset.raw);
  EXPECT_FALSE(plain->headers.has("Content-Encoding"));
  auto packed = serve_console(get(path, {{"Accept-Encoding", "gzip, deflate, br"}}));
  ASSERT_TRUE(packed);
  EXPECT_EQ(packed->headers.get("Content-Encoding"), "gzip");
  EXPECT_EQ(packed->headers.get("Vary"), "Accept-Encoding");
  ASSERT_GE(packed->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(packed->body[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(packed->body[1]), 0x8b);
  EXPECT_LT(packed->body.size(), plain->body.size());
  auto refused = serve_console(get(path, {{"Accept-Encoding", "gzip;q=0, br"}}));
  EXPECT_FALSE(refused->headers.has("Content-Encoding"));
}

TEST(ConsoleTest, EveryAssetHasAContentTypeOfItsKind) {
  for (const auto& a : ui_assets()) {
    if (a.path.ends_with(".js")) EXPECT_EQ(a.content_type, "text/javascript; charset=utf-8") << a.path;
    if (a.path.ends_with(".css")) EXPECT_EQ(a.content_type, "text/css; charset=utf-8") << a.path;
    EXPECT_NE(a.content_type, "application/octet-stream") << a.path;
  }
}

TEST(ConsoleTest, TheLicencesOfWhatTheBundleHoldsAreServedBesideIt) {
  auto r = serve_console(get("/_localray/THIRD-PARTY-LICENSES.txt"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->headers.get("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(r->body.find("==== @dagrejs/dagre"), std::string::npos);
  EXPECT_NE(r->body.find("==== uplot"), std::string::npos);
  EXPECT_NE(r->body.find("Permission is hereby granted"), std::string::npos);
}

TEST(ConsoleTest, OtherPathsAndMethodsAreNotTheConsoles) {
  EXPECT_FALSE(serve_console(get("/_localray/nope.js")));
  EXPECT_FALSE(serve_console(get("/elsewhere")));
  auto bare = serve_console(get("/_localray"));
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 308u);
  EXPECT_EQ(bare->headers.get("Location"), "/_localray/");
  auto post = get("/_localray/");
  post.method = "POST";
  auto r = serve_console(post);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405u);
}

}  // namespace
}  // namespace localray::web
