#pragma once
// An RSA key of localray's own and a self-signed certificate for it, so that what localray signs
// (SNS messages) can be verified by clients that fetch the certificate from localray. The key is
// made on first use, not at start: generating it takes tens of milliseconds, and most runs sign
// nothing.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace localray::base {

enum class SignatureDigest { sha1, sha256 };  // SHA1withRSA, SHA256withRSA (PKCS #1 v1.5)

class SigningKey {
 public:
  // `common_name`: the certificate's subject (and issuer).
  explicit SigningKey(std::string common_name);
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  // The certificate, PEM-encoded; empty if the key could not be made (then sign() is empty too).
  const std::string& certificate_pem();
  // The raw signature of `data`, or empty if the key could not be made.
  std::string sign(std::string_view data, SignatureDigest digest);
  // What went wrong making the key, for the log; empty when it was made.
  std::string problem();

 private:
  struct Made;
  const Made& made();

  std::string common_name_;
  std::once_flag once_;
  std::unique_ptr<Made> made_;
};

}  // namespace localray::base
