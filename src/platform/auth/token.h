// Bearer tokens: JWTs (RFC 7519) signed with the server's Ed25519 key (JWS
// "EdDSA", RFC 8037).
//
// Verification is strict and explains itself: the algorithm is pinned to
// EdDSA (so `none`, HS256 and every other value are refused before any key
// is touched), the `kid` must name a registered key, the signature must
// verify, `iss` and `aud` must match, and `exp`/`nbf`/`iat` are checked with
// at most 60 s of leeway. Every refusal throws Error::unauthenticated with
// the reason ("token rejected: expired 75 s ago"); the reason is safe to show
// the caller and to log (it never contains the token).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/crypto.h"

namespace maestro {
class Clock;
}

namespace maestro::auth {

class SigningKey;

struct TokenPolicy {
  std::string issuer = "maestro";
  std::string audience = "maestro";
  std::chrono::seconds leeway{60};  // clock skew tolerated; capped at 60 s
  std::chrono::seconds max_ttl{30 * 24 * 3600};
};

struct Claims {
  std::string subject;
  std::optional<std::string> tenant;  // tenant id; absent for platform tokens
  bool platform = false;              // an operator's token across tenants
  std::vector<std::string> scopes;
  std::optional<std::string> clearance;  // "low" | "medium" | "high"
  std::optional<std::string> purpose;
  std::string jti;
  int64_t issued_at = 0;  // seconds since the epoch
  int64_t not_before = 0;
  int64_t expires_at = 0;
};

struct TokenRequest {
  std::string subject;
  std::optional<std::string> tenant;
  bool platform = false;
  std::vector<std::string> scopes;
  std::optional<std::string> clearance;
  std::optional<std::string> purpose;
  std::chrono::seconds ttl{3600};
};

// Scopes the platform knows. Tokens may only carry these.
const std::vector<std::string>& knownScopes();
// Clearance tiers in increasing order.
const std::vector<std::string>& clearanceTiers();

// Validates `request` (Error::badInput naming the field) and signs a token.
// Returns the compact serialisation and the claims it carries.
std::pair<std::string, Claims> issueToken(const SigningKey& key, const TokenPolicy& policy,
                                          const Clock& clock, const TokenRequest& request);

// Looks up a verification key by kid; nullopt when unknown.
using KeyLookup = std::function<std::optional<crypto::Ed25519PublicKey>(const std::string& kid)>;

// Thread-safe if `lookup` is.
class TokenVerifier {
 public:
  TokenVerifier(KeyLookup lookup, TokenPolicy policy, const Clock& clock);
  Claims verify(std::string_view token) const;

 private:
  KeyLookup lookup_;
  TokenPolicy policy_;
  const Clock& clock_;
};

// "1h", "30m", "45s", "7d", "2w" → seconds. Throws Error::badInput.
std::chrono::seconds parseDuration(std::string_view text, std::string_view field);

}  // namespace maestro::auth
