#include "http/base64.hpp"

#include <gtest/gtest.h>

namespace localray::http {
namespace {

TEST(Base64Test, RoundTripsEveryPaddingLength) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  const std::string bytes{"\x00\xff\x10\x80\x7f", 5};
  EXPECT_EQ(base64_decode(base64_encode(bytes), Padding::Required), bytes);
  EXPECT_EQ(base64_decode("Zm9vYg==", Padding::Required), "foob");
}

TEST(Base64Test, RejectsWhatIsNotPaddedBase64) {
  EXPECT_FALSE(base64_decode("Zm9", Padding::Required));
  EXPECT_FALSE(base64_decode("Zm9*", Padding::Required));
  EXPECT_FALSE(base64_decode("Z===", Padding::Required));
  EXPECT_FALSE(base64_decode("Zg==Zg==", Padding::Required));
  EXPECT_FALSE(base64_decode("Zg=a", Padding::Required));
}

TEST(Base64Test, PaddingIsOptionalUnlessRequired) {
  EXPECT_EQ(base64_decode("Zm9vYg"), "foob");
  EXPECT_FALSE(base64_decode("Zm9vYg", Padding::Required));
  EXPECT_FALSE(base64_decode("Z"));
}

}  // namespace
}  // namespace localray::http
