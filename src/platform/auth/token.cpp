#include "platform/auth/token.h"

#include <algorithm>

#include "common/clock.h"
#include "common/error.h"
#include "common/ids.h"
#include "common/json.h"
#include "platform/auth/signing_key.h"

namespace maestro::auth {
namespace {

constexpr size_t kMaxTokenBytes = 8 * 1024;

Error rejected(const std::string& reason) {
  return Error::unauthenticated("token rejected: " + reason);
}

bool validScopeSyntax(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '.' || c == '_';
  });
}

// A JSON object from one base64url segment of the token.
Json decodeSegment(std::string_view segment, const char* name) {
  auto bytes = base64UrlDecode(segment);
  if (!bytes) throw rejected(std::string(name) + " is not valid base64url");
  try {
    Json j = parseJson(toString(*bytes), name, 16);
    if (!j.is_object()) throw rejected(std::string(name) + " is not a JSON object");
    return j;
  } catch (const Error& e) {
    if (e.code() == Code::kUnauthenticated) throw;
    throw rejected(std::string(name) + " is not valid JSON");
  }
}

int64_t numericDate(const Json& payload, const char* name, bool required) {
  auto it = payload.find(name);
  if (it == payload.end()) {
    if (required) throw rejected(std::string("missing '") + name + "' claim");
    return INT64_MIN;
  }
  if (!it->is_number_integer() && !it->is_number_unsigned()) {
    throw rejected(std::string("'") + name + "' must be an integer NumericDate");
  }
  return it->get<int64_t>();
}

std::string requiredString(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw rejected(std::string("missing or invalid '") + name + "' claim");
  }
  return it->get<std::string>();
}

std::optional<std::string> optionalStringClaim(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::nullopt;
  if (!it->is_string()) throw rejected(std::string("'") + name + "' must be a string");
  return it->get<std::string>();
}

}  // namespace

const std::vector<std::string>& knownScopes() {
  static const std::vector<std::string> kScopes = {
      "graph.read", "graph.write", "admin.read", "admin.write", "audit.read", "privacy.write",
  };
  return kScopes;
}

const std::vector<std::string>& clearanceTiers() {
  static const std::vector<std::string> kTiers = {"low", "medium", "high"};
  return kTiers;
}

std::pair<std::string, Claims> issueToken(const SigningKey& key, const TokenPolicy& policy,
                                          const Clock& clock, const TokenRequest& request) {
  if (request.subject.empty() || request.subject.size() > 256) {
    throw Error::badInput("subject: must be 1 to 256 characters", "subject");
  }
  if (request.platform == request.tenant.has_value()) {
    throw Error::badInput("tenant: give exactly one of a tenant or platform", "tenant");
  }
  if (request.scopes.empty()) throw Error::badInput("scopes: at least one is required", "scopes");
  for (const auto& s : request.scopes) {
    const auto& known = knownScopes();
    if (std::find(known.begin(), known.end(), s) == known.end()) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw Error::badInput("scopes: unknown scope '" + s + "'; known scopes: " + list, "scopes");
    }
  }
  if (request.clearance) {
    const auto& tiers = clearanceTiers();
    if (std::find(tiers.begin(), tiers.end(), *request.clearance) == tiers.end()) {
      throw Error::badInput(
          "clearance: must be low, medium or high, got '" + *request.clearance + "'", "clearance");
    }
  }
  if (request.purpose && (request.purpose->empty() || !validScopeSyntax(*request.purpose))) {
    throw Error::badInput("purpose: must be lower-case letters, '_' and '.', got '" +
                              *request.purpose + "'",
                          "purpose");
  }
  if (request.ttl.count() <= 0 || request.ttl > policy.max_ttl) {
    throw Error::badInput("ttl: must be positive and at most " +
                              std::to_string(policy.max_ttl.count()) + " s",
                          "ttl");
  }

  Claims claims;
  claims.subject = request.subject;
  claims.tenant = request.tenant;
  claims.platform = request.platform;
  claims.scopes = request.scopes;
  claims.clearance = request.clearance;
  claims.purpose = request.purpose;
  claims.jti = newUuidV7(clock);
  claims.issued_at = clock.nowSeconds();
  claims.not_before = claims.issued_at;
  claims.expires_at = claims.issued_at + request.ttl.count();

  Json header = {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key.kid()}};
  Json payload = {{"iss", policy.issuer},     {"aud", policy.audience},
                  {"sub", claims.subject},    {"scopes", claims.scopes},
                  {"jti", claims.jti},        {"iat", claims.issued_at},
                  {"nbf", claims.not_before}, {"exp", claims.expires_at}};
  if (claims.tenant) payload["tenant"] = *claims.tenant;
  if (claims.platform) payload["platform"] = true;
  if (claims.clearance) payload["clearance"] = *claims.clearance;
  if (claims.purpose) payload["purpose"] = *claims.purpose;

  std::string signing_input =
      base64UrlEncode(asBytes(header.dump())) + "." + base64UrlEncode(asBytes(payload.dump()));
  auto signature = key.sign(asBytes(signing_input));
  return {signing_input + "." + base64UrlEncode(signature), claims};
}

TokenVerifier::TokenVerifier(KeyLookup lookup, TokenPolicy policy, const Clock& clock)
    : lookup_(std::move(lookup)), policy_(std::move(policy)), clock_(clock) {
  if (policy_.leeway > std::chrono::seconds(60)) policy_.leeway = std::chrono::seconds(60);
}

Claims TokenVerifier::verify(std::string_view token) const {
  if (token.empty()) throw rejected("empty token");
  if (token.size() > kMaxTokenBytes) throw rejected("token is longer than 8 KiB");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    throw rejected("not a compact JWS (expected three dot-separated parts)");
  }
  std::string_view header_b64 = token.substr(0, dot1);
  std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = token.substr(dot2 + 1);

  Json header = decodeSegment(header_b64, "header");
  auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) throw rejected("header has no 'alg'");
  if (*alg != "EdDSA") {
    throw rejected("algorithm '" + alg->get<std::string>() + "' is not accepted; expected EdDSA");
  }
  if (header.contains("crit")) throw rejected("critical header extensions are not supported");
  if (auto typ = header.find("typ"); typ != header.end() && *typ != "JWT") {
    throw rejected("header 'typ' must be JWT");
  }
  auto kid = header.find("kid");
  if (kid == header.end() || !kid->is_string()) throw rejected("header has no 'kid'");
  auto key = lookup_(kid->get<std::string>());
  if (!key) throw rejected("unknown key id '" + kid->get<std::string>().substr(0, 64) + "'");

  auto signature = base64UrlDecode(signature_b64);
  if (!signature || signature->size() != crypto::Ed25519PrivateKey::kSignatureSize) {
    throw rejected("signature is malformed");
  }
  std::string_view signing_input = token.substr(0, dot2);
  if (!key->verify(asBytes(signing_input), *signature)) throw rejected("signature does not verify");

  // Only a verified payload is interpreted.
  Json payload = decodeSegment(payload_b64, "payload");
  if (optionalStringClaim(payload, "iss") != policy_.issuer) throw rejected("wrong issuer");
  auto aud = payload.find("aud");
  bool aud_ok = false;
  if (aud != payload.end() && aud->is_string()) aud_ok = *aud == policy_.audience;
  if (aud != payload.end() && aud->is_array()) {
    for (const auto& a : *aud) aud_ok = aud_ok || (a.is_string() && a == policy_.audience);
  }
  if (!aud_ok) throw rejected("wrong audience");

  Claims c;
  int64_t now = clock_.nowSeconds();
  int64_t leeway = policy_.leeway.count();
  c.expires_at = numericDate(payload, "exp", true);
  c.issued_at = numericDate(payload, "iat", true);
  c.not_before = numericDate(payload, "nbf", false);
  if (c.not_before == INT64_MIN) c.not_before = c.issued_at;
  if (now >= c.expires_at + leeway) {
    throw rejected("expired " + std::to_string(now - c.expires_at) + " s ago");
  }
  if (now + leeway < c.not_before) throw rejected("not valid yet (nbf is in the future)");
  if (now + leeway < c.issued_at) throw rejected("issued in the future (iat)");
  if (c.expires_at - c.issued_at > policy_.max_ttl.count()) {
    throw rejected("lifetime exceeds the maximum token TTL");
  }

  c.subject = requiredString(payload, "sub");
  c.jti = requiredString(payload, "jti");
  c.tenant = optionalStringClaim(payload, "tenant");
  if (auto p = payload.find("platform"); p != payload.end()) {
    if (!p->is_boolean()) throw rejected("'platform' must be a boolean");
    c.platform = p->get<bool>();
  }
  if (c.platform == c.tenant.has_value()) {
    throw rejected("token must name exactly one of a tenant or platform");
  }
  auto scopes = payload.find("scopes");
  if (scopes == payload.end() || !scopes->is_array()) throw rejected("missing 'scopes' claim");
  for (const auto& s : *scopes) {
    if (!s.is_string()) throw rejected("'scopes' must be an array of strings");
    c.scopes.push_back(s.get<std::string>());
  }
  c.clearance = optionalStringClaim(payload, "clearance");
  if (c.clearance) {
    const auto& tiers = clearanceTiers();
    if (std::find(tiers.begin(), tiers.end(), *c.clearance) == tiers.end()) {
      throw rejected("unknown clearance tier");
    }
  }
  c.purpose = optionalStringClaim(payload, "purpose");
  return c;
}

std::chrono::seconds parseDuration(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return Error::badInput(std::string(field) + ": expected a duration like 90s, 30m, 1h, 7d or " +
                               "2w, got '" + std::string(text) + "'",
                           std::string(field));
  };
  if (text.size() < 2 || text.size() > 12) throw bad();
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') throw bad();
    n = n * 10 + (c - '0');
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    case 'w': unit = 7 * 86400; break;
    default: throw bad();
  }
  return std::chrono::seconds(n * unit);
}

}  // namespace maestro::auth
