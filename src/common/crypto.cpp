#include "common/crypto.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

#include "common/error.h"

namespace maestro::crypto {
namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
template <typename T, auto Free>
using Owned = std::unique_ptr<T, Deleter<Free>>;

using MdCtx = Owned<EVP_MD_CTX, EVP_MD_CTX_free>;
using Mac = Owned<EVP_MAC, EVP_MAC_free>;
using MacCtx = Owned<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using PKey = Owned<EVP_PKEY, EVP_PKEY_free>;
using CipherCtx = Owned<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using Bio = Owned<BIO, BIO_free_all>;

// Drains this thread's whole OpenSSL error queue, so that a later failure
// does not report an error left over from this one.
std::string takeOpensslErrors() {
  std::string out;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out.empty() ? "no OpenSSL error reported" : out;
}

[[noreturn]] void throwOpenssl(std::string_view what) {
  throw Error::internal(std::string(what) + ": " + takeOpensslErrors());
}

// OpenSSL returns 1 on success and 0 or a negative value on failure.
void check(int rc, std::string_view what) {
  if (rc <= 0) throwOpenssl(what);
}

template <typename T>
T* checkPtr(T* p, std::string_view what) {
  if (p == nullptr) throwOpenssl(what);
  return p;
}

// Some OpenSSL entry points treat a null pointer as "not supplied" even when
// the length is zero (an empty HMAC key is the case that bites), so empty
// inputs are passed as a valid zero-length buffer instead.
const uint8_t* nonNull(std::span<const uint8_t> s) {
  static const uint8_t kEmpty = 0;
  return s.data() != nullptr ? s.data() : &kEmpty;
}

// EVP update calls take an int length; feed larger inputs in pieces.
constexpr size_t kMaxChunk = size_t{1} << 30;

std::string sizeMessage(std::string_view what, size_t want, size_t got) {
  return std::string(what) + " must be " + std::to_string(want) + " bytes, got " +
         std::to_string(got);
}

PKey ed25519PrivatePkey(std::span<const uint8_t, Ed25519PrivateKey::kSeedSize> seed) {
  return PKey(
      checkPtr(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()),
               "Ed25519 private key"));
}

}  // namespace

// --- SHA-256 ---------------------------------------------------------------

Digest sha256(std::span<const uint8_t> data) {
  Digest out{};
  unsigned int len = 0;
  check(EVP_Digest(nonNull(data), data.size(), out.data(), &len, EVP_sha256(), nullptr), "SHA-256");
  if (len != out.size()) throw Error::internal("SHA-256: unexpected digest length");
  return out;
}

struct Sha256::Impl {
  MdCtx ctx;
  bool finished = false;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx.reset(checkPtr(EVP_MD_CTX_new(), "SHA-256 context"));
  check(EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr), "SHA-256 init");
}

Sha256::~Sha256() = default;

void Sha256::update(std::span<const uint8_t> data) {
  if (impl_->finished) throw Error::internal("Sha256::update after finish");
  check(EVP_DigestUpdate(impl_->ctx.get(), nonNull(data), data.size()), "SHA-256 update");
}

Digest Sha256::finish() {
  if (impl_->finished) throw Error::internal("Sha256::finish called twice");
  impl_->finished = true;
  Digest out{};
  unsigned int len = 0;
  check(EVP_DigestFinal_ex(impl_->ctx.get(), out.data(), &len), "SHA-256 final");
  if (len != out.size()) throw Error::internal("SHA-256: unexpected digest length");
  return out;
}

// --- HMAC-SHA256 -----------------------------------------------------------

Digest hmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  Mac mac(checkPtr(EVP_MAC_fetch(nullptr, "HMAC", nullptr), "HMAC fetch"));
  MacCtx ctx(checkPtr(EVP_MAC_CTX_new(mac.get()), "HMAC context"));
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  check(EVP_MAC_init(ctx.get(), nonNull(key), key.size(), params), "HMAC init");
  check(EVP_MAC_update(ctx.get(), nonNull(data), data.size()), "HMAC update");
  Digest out{};
  size_t len = 0;
  check(EVP_MAC_final(ctx.get(), out.data(), &len, out.size()), "HMAC final");
  if (len != out.size()) throw Error::internal("HMAC-SHA256: unexpected MAC length");
  return out;
}

// --- Comparison and randomness ---------------------------------------------

bool constantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void randomBytes(std::span<uint8_t> out) {
  for (size_t done = 0; done < out.size();) {
    size_t n = std::min(out.size() - done, kMaxChunk);
    if (RAND_priv_bytes(out.data() + done, static_cast<int>(n)) != 1) {
      // Fail closed: whatever was written is not to be trusted or used.
      OPENSSL_cleanse(out.data(), out.size());
      throwOpenssl("CSPRNG (RAND_priv_bytes)");
    }
    done += n;
  }
}

Bytes randomBytes(size_t n) {
  Bytes out(n);
  randomBytes(out);
  return out;
}

// --- Ed25519 ---------------------------------------------------------------

Ed25519PublicKey Ed25519PublicKey::fromRaw(std::span<const uint8_t> raw) {
  if (raw.size() != kSize) {
    throw Error::badInput(sizeMessage("Ed25519 public key", kSize, raw.size()));
  }
  // OpenSSL checks little more than the length here: bytes that do not
  // decode to a curve point are accepted and then fail every verify.
  PKey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw.data(), raw.size()));
  if (!pkey) throw Error::badInput("invalid Ed25519 public key: " + takeOpensslErrors());
  Ed25519PublicKey key;
  std::copy(raw.begin(), raw.end(), key.raw_.begin());
  return key;
}

bool Ed25519PublicKey::verify(std::span<const uint8_t> message,
                              std::span<const uint8_t> signature) const {
  if (signature.size() != Ed25519PrivateKey::kSignatureSize) return false;
  PKey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw_.data(), raw_.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  // Ed25519 signs the message itself (no pre-hash), hence the null digest.
  bool ok = pkey && ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), nonNull(message),
                             message.size()) == 1;
  // A rejected signature leaves an error on the queue; it is an answer, not a fault.
  if (!ok) ERR_clear_error();
  return ok;
}

Ed25519PrivateKey Ed25519PrivateKey::generate() {
  // An Ed25519 private key is exactly 32 uniformly random bytes (RFC 8032
  // §5.1.5), which is also how OpenSSL's own key generation makes one.
  Ed25519PrivateKey key;
  randomBytes(key.seed_);
  return key;
}

Ed25519PrivateKey Ed25519PrivateKey::fromSeed(std::span<const uint8_t> seed) {
  if (seed.size() != kSeedSize) {
    throw Error::badInput(sizeMessage("Ed25519 seed", kSeedSize, seed.size()));
  }
  Ed25519PrivateKey key;
  std::copy(seed.begin(), seed.end(), key.seed_.begin());
  return key;
}

namespace {
// Refuses any passphrase: without a callback OpenSSL would prompt on the
// controlling terminal for an encrypted key and hang a server.
int noPassphrase(char*, int, int, void*) { return 0; }
}  // namespace

Ed25519PrivateKey Ed25519PrivateKey::fromPem(std::string_view pem) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) throw Error::badInput("PEM text too large");
  Bio bio(checkPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "PEM buffer"));
  PKey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
  if (!pkey) {
    throw Error::badInput("not a PEM private key (PKCS#8, unencrypted): " + takeOpensslErrors());
  }
  // Checking the type matters: X25519 keys also have 32-byte raw private keys.
  if (EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_ED25519) {
    throw Error::badInput(std::string("PEM private key is ") + EVP_PKEY_get0_type_name(pkey.get()) +
                          ", not Ed25519");
  }
  Ed25519PrivateKey key;
  size_t len = key.seed_.size();
  check(EVP_PKEY_get_raw_private_key(pkey.get(), key.seed_.data(), &len), "Ed25519 seed");
  if (len != kSeedSize) throw Error::internal("Ed25519 seed has unexpected length");
  return key;
}

std::string Ed25519PrivateKey::toPem() const {
  PKey pkey = ed25519PrivatePkey(seed_);
  Bio bio(checkPtr(BIO_new(BIO_s_mem()), "PEM buffer"));
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY"); no cipher.
  check(PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr),
        "PEM encode");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  if (len <= 0 || data == nullptr) throw Error::internal("PEM encode: empty output");
  return std::string(data, static_cast<size_t>(len));
}

Ed25519PrivateKey::Ed25519PrivateKey(const Ed25519PrivateKey&) = default;
Ed25519PrivateKey& Ed25519PrivateKey::operator=(const Ed25519PrivateKey&) = default;

Ed25519PrivateKey::~Ed25519PrivateKey() { OPENSSL_cleanse(seed_.data(), seed_.size()); }

Ed25519PublicKey Ed25519PrivateKey::publicKey() const {
  PKey pkey = ed25519PrivatePkey(seed_);
  std::array<uint8_t, Ed25519PublicKey::kSize> raw{};
  size_t len = raw.size();
  check(EVP_PKEY_get_raw_public_key(pkey.get(), raw.data(), &len), "Ed25519 public key");
  if (len != raw.size()) throw Error::internal("Ed25519 public key has unexpected length");
  return Ed25519PublicKey::fromRaw(raw);
}

std::array<uint8_t, Ed25519PrivateKey::kSignatureSize> Ed25519PrivateKey::sign(
    std::span<const uint8_t> message) const {
  PKey pkey = ed25519PrivatePkey(seed_);
  MdCtx ctx(checkPtr(EVP_MD_CTX_new(), "Ed25519 sign context"));
  check(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()), "Ed25519 sign init");
  std::array<uint8_t, kSignatureSize> sig{};
  size_t len = sig.size();
  check(EVP_DigestSign(ctx.get(), sig.data(), &len, nonNull(message), message.size()),
        "Ed25519 sign");
  if (len != sig.size()) throw Error::internal("Ed25519 signature has unexpected length");
  return sig;
}

// --- AES-256-GCM -----------------------------------------------------------

namespace aes256gcm {
namespace {

void checkKeyAndIv(std::span<const uint8_t> key, std::span<const uint8_t> iv) {
  if (key.size() != kKeySize) {
    throw Error::badInput(sizeMessage("AES-256-GCM key", kKeySize, key.size()));
  }
  if (iv.size() != kIvSize) {
    throw Error::badInput(sizeMessage("AES-256-GCM IV", kIvSize, iv.size()));
  }
}

// Passes `in` through EVP_{En,De}cryptUpdate in int-sized pieces. With a null
// `out` the bytes are additional authenticated data.
template <auto Update>
void updateAll(EVP_CIPHER_CTX* ctx, uint8_t* out, std::span<const uint8_t> in) {
  for (size_t done = 0; done < in.size();) {
    size_t n = std::min(in.size() - done, kMaxChunk);
    int written = 0;
    check(Update(ctx, out == nullptr ? nullptr : out + done, &written, in.data() + done,
                 static_cast<int>(n)),
          "AES-256-GCM update");
    if (out != nullptr && static_cast<size_t>(written) != n) {
      throw Error::internal("AES-256-GCM: unexpected output length");
    }
    done += n;
  }
}

}  // namespace

Bytes encrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
              std::span<const uint8_t> plaintext, std::span<const uint8_t> aad) {
  checkKeyAndIv(key, iv);
  CipherCtx ctx(checkPtr(EVP_CIPHER_CTX_new(), "AES-256-GCM context"));
  // The default GCM IV length is 12 bytes, which is kIvSize.
  check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()),
        "AES-256-GCM init");
  updateAll<EVP_EncryptUpdate>(ctx.get(), nullptr, aad);
  Bytes out(plaintext.size() + kTagSize);
  updateAll<EVP_EncryptUpdate>(ctx.get(), out.data(), plaintext);
  int tail = 0;
  check(EVP_EncryptFinal_ex(ctx.get(), out.data() + plaintext.size(), &tail), "AES-256-GCM final");
  if (tail != 0) throw Error::internal("AES-256-GCM: unexpected final output");
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                            out.data() + plaintext.size()),
        "AES-256-GCM tag");
  return out;
}

Bytes decrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
              std::span<const uint8_t> sealed, std::span<const uint8_t> aad) {
  checkKeyAndIv(key, iv);
  if (sealed.size() < kTagSize) {
    throw Error::badInput("AES-256-GCM ciphertext is shorter than its " + std::to_string(kTagSize) +
                          "-byte tag");
  }
  auto ciphertext = sealed.first(sealed.size() - kTagSize);
  std::array<uint8_t, kTagSize> tag{};
  std::copy(sealed.end() - kTagSize, sealed.end(), tag.begin());

  CipherCtx ctx(checkPtr(EVP_CIPHER_CTX_new(), "AES-256-GCM context"));
  check(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv.data()),
        "AES-256-GCM init");
  updateAll<EVP_DecryptUpdate>(ctx.get(), nullptr, aad);
  Bytes out(ciphertext.size());
  updateAll<EVP_DecryptUpdate>(ctx.get(), out.data(), ciphertext);
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                            tag.data()),
        "AES-256-GCM tag");
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + out.size(), &tail) <= 0) {
    // Unauthenticated plaintext must never be seen, not even in freed memory.
    OPENSSL_cleanse(out.data(), out.size());
    ERR_clear_error();
    throw Error::badInput(
        "AES-256-GCM authentication failed (tampered data, wrong key or wrong AAD)");
  }
  return out;
}

Bytes seal(std::span<const uint8_t> key, std::span<const uint8_t> plaintext,
           std::span<const uint8_t> aad) {
  // Random 96-bit IVs: safe for up to 2^32 messages per key (SP 800-38D §8.3).
  std::array<uint8_t, kIvSize> iv{};
  randomBytes(iv);
  Bytes body = encrypt(key, iv, plaintext, aad);
  Bytes out(iv.size() + body.size());
  std::copy(body.begin(), body.end(), std::copy(iv.begin(), iv.end(), out.begin()));
  return out;
}

Bytes open(std::span<const uint8_t> key, std::span<const uint8_t> sealed,
           std::span<const uint8_t> aad) {
  if (sealed.size() < kIvSize + kTagSize) {
    throw Error::badInput("AES-256-GCM sealed data is shorter than IV and tag");
  }
  return decrypt(key, sealed.first(kIvSize), sealed.subspan(kIvSize), aad);
}

}  // namespace aes256gcm
}  // namespace maestro::crypto
