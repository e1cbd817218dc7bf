// Cryptography over OpenSSL 3. Nothing here implements a primitive by hand.
//
// All functions are thread-safe. Failures inside OpenSSL throw
// Error::internal; the CSPRNG fails closed (throws, never returns weak bytes).
// Secret-bearing objects wipe their memory on destruction.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "common/encoding.h"

namespace maestro::crypto {

using Digest = std::array<uint8_t, 32>;

// SHA-256 of `data`.
Digest sha256(std::span<const uint8_t> data);
inline Digest sha256(std::string_view data) { return sha256(asBytes(data)); }

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::span<const uint8_t> data);
  void update(std::string_view data) { update(asBytes(data)); }
  Digest finish();  // may be called once

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// HMAC-SHA256 (RFC 2104) of `data` under `key`.
Digest hmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data);

// Compares in time independent of where the inputs differ (CRYPTO_memcmp).
// Inputs of different length compare unequal (the length is not secret).
bool constantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);
inline bool constantTimeEqual(std::string_view a, std::string_view b) {
  return constantTimeEqual(asBytes(a), asBytes(b));
}

// Fills `out` from OpenSSL's CSPRNG (RAND_priv_bytes). Throws on failure.
void randomBytes(std::span<uint8_t> out);
Bytes randomBytes(size_t n);

// Ed25519 (RFC 8032) keys and signatures.
class Ed25519PublicKey {
 public:
  static constexpr size_t kSize = 32;
  // Throws Error::badInput if `raw` is not 32 bytes or not a valid key.
  static Ed25519PublicKey fromRaw(std::span<const uint8_t> raw);
  const std::array<uint8_t, kSize>& raw() const { return raw_; }
  // True when `signature` (64 bytes) is valid for `message`. Never throws on
  // bad signatures; returns false.
  bool verify(std::span<const uint8_t> message, std::span<const uint8_t> signature) const;

 private:
  std::array<uint8_t, kSize> raw_{};
};

class Ed25519PrivateKey {
 public:
  static constexpr size_t kSeedSize = 32;
  static constexpr size_t kSignatureSize = 64;
  static Ed25519PrivateKey generate();
  // From the 32-byte seed of RFC 8032. Throws Error::badInput on wrong size.
  static Ed25519PrivateKey fromSeed(std::span<const uint8_t> seed);
  // PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). Throws Error::badInput
  // if it is not an Ed25519 private key.
  static Ed25519PrivateKey fromPem(std::string_view pem);
  std::string toPem() const;

  Ed25519PrivateKey(const Ed25519PrivateKey&);
  Ed25519PrivateKey& operator=(const Ed25519PrivateKey&);
  ~Ed25519PrivateKey();  // wipes the seed

  Ed25519PublicKey publicKey() const;
  std::array<uint8_t, kSignatureSize> sign(std::span<const uint8_t> message) const;

 private:
  Ed25519PrivateKey() = default;
  std::array<uint8_t, kSeedSize> seed_{};
};

// AES-256-GCM (NIST SP 800-38D) with a 96-bit IV and a 128-bit tag.
namespace aes256gcm {
constexpr size_t kKeySize = 32;
constexpr size_t kIvSize = 12;
constexpr size_t kTagSize = 16;

// Returns ciphertext || tag. Throws Error::badInput on a wrong key/IV size.
Bytes encrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
              std::span<const uint8_t> plaintext, std::span<const uint8_t> aad);
// Takes ciphertext || tag. Throws Error::badInput when the tag does not
// authenticate (tampered data, wrong key, wrong AAD) or sizes are wrong.
Bytes decrypt(std::span<const uint8_t> key, std::span<const uint8_t> iv,
              std::span<const uint8_t> sealed, std::span<const uint8_t> aad);

// Convenience: a fresh random IV, returned as IV || ciphertext || tag.
Bytes seal(std::span<const uint8_t> key, std::span<const uint8_t> plaintext,
           std::span<const uint8_t> aad);
Bytes open(std::span<const uint8_t> key, std::span<const uint8_t> sealed,
           std::span<const uint8_t> aad);
}  // namespace aes256gcm

}  // namespace maestro::crypto
