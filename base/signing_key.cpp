#include "base/signing_key.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace localray::base {

namespace {

template <class T, void (*Free)(T*)>
struct Freer {
  void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Freer<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Freer<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Freer<BIO, BIO_free_all>>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, Freer<EVP_MD_CTX, EVP_MD_CTX_free>>;

constexpr unsigned kKeyBits = 2048;  // what SNS's signing certificates use
constexpr long kValidSeconds = 10L * 365 * 24 * 3600;

}  // namespace

struct SigningKey::Made {
  PKey key;
  std::string certificate_pem;
  std::string problem;
};

SigningKey::SigningKey(std::string common_name) : common_name_{std::move(common_name)} {}
SigningKey::~SigningKey() = default;

const SigningKey::Made& SigningKey::made() {
  std::call_once(once_, [this] {
    auto m = std::make_unique<Made>();
    auto fail = [&](const char* what) {
      m->key.reset();
      m->problem = what;
      made_ = std::move(m);
    };
    m->key.reset(EVP_RSA_gen(kKeyBits));
    if (!m->key) return fail("RSA key generation failed");
    Cert cert{X509_new()};
    if (!cert || X509_set_version(cert.get(), 2) != 1) return fail("X509_new failed");
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);  // a client whose clock is a little behind still accepts it
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidSeconds);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localray"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name_.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_set_pubkey(cert.get(), m->key.get()) != 1) return fail("X509_set_pubkey failed");
    if (X509_sign(cert.get(), m->key.get(), EVP_sha256()) == 0) return fail("X509_sign failed");
    Bio bio{BIO_new(BIO_s_mem())};
    if (!bio || PEM_write_bio_X509(bio.get(), cert.get()) != 1) return fail("PEM_write_bio_X509 failed");
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    m->certificate_pem.assign(data, static_cast<std::size_t>(n));
    made_ = std::move(m);
  });
  return *made_;
}

const std::string& SigningKey::certificate_pem() { return made().certificate_pem; }

std::string SigningKey::problem() { return made().problem; }

std::string SigningKey::sign(std::string_view data, SignatureDigest digest) {
  const Made& m = made();
  if (!m.key) return {};
  DigestContext ctx{EVP_MD_CTX_new()};
  if (!ctx) return {};
  const EVP_MD* md = digest == SignatureDigest::sha1 ? EVP_sha1() : EVP_sha256();
  // Each call has its own context; the key itself is only read, which OpenSSL allows across threads.
  if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, m.key.get()) != 1) return {};
  std::size_t size = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &size, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) return {};
  std::string out(size, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &size, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1)
    return {};
  out.resize(size);
  return out;
}

}  // namespace localray::base
