// The server's Ed25519 signing key and the ring of public keys that verify.
//
// Each server process signs tokens and audit checkpoints with its own
// private key, kept in `<data-dir>/keys/signing-key.pem` (created on first
// start, mode 0600 in a 0700 directory; a more permissive file is refused).
// Its `kid` is the RFC 7638 JWK thumbprint of the public key. Public keys are
// registered in the control store (`signing_keys`), so every server and the
// verifier of an audit log can check what any of them signed.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "store/store.h"

namespace maestro {
class Clock;
}

namespace maestro::auth {

class SigningKey {
 public:
  SigningKey(crypto::Ed25519PrivateKey key);

  // Loads `dir/keys/signing-key.pem`, creating it (and the directory) if it
  // does not exist. Throws Error::unavailable if the file cannot be read or
  // written, or if its permissions let others read it.
  static SigningKey loadOrCreate(const std::filesystem::path& data_dir);

  const std::string& kid() const { return kid_; }
  crypto::Ed25519PublicKey publicKey() const { return key_.publicKey(); }
  std::array<uint8_t, 64> sign(std::span<const uint8_t> message) const { return key_.sign(message); }

 private:
  crypto::Ed25519PrivateKey key_;
  std::string kid_;
};

// RFC 7638 thumbprint of an Ed25519 public key as an OKP JWK.
std::string jwkThumbprint(const crypto::Ed25519PublicKey& key);

// Known public keys by kid, backed by the control store. Thread-safe.
// A lookup of an unknown kid re-reads the store at most once per second, so
// tokens with made-up kids cannot hammer the database.
class KeyRing {
 public:
  KeyRing(store::Store& control, const Clock& clock);

  static std::span<const store::Migration> migrations();

  // Records `key` (idempotent). Call once at start-up.
  void registerKey(const SigningKey& key);
  std::optional<crypto::Ed25519PublicKey> find(const std::string& kid);

 private:
  void reload();

  store::Store& control_;
  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, crypto::Ed25519PublicKey> keys_;
  int64_t last_reload_ms_ = -1'000'000;
};

}  // namespace maestro::auth
