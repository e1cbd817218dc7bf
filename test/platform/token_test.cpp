// Token issue and verification, including the attacks a verifier must refuse.
#include "platform/auth/token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/json.h"
#include "platform/auth/principal.h"
#include "platform/auth/signing_key.h"

namespace maestro::auth {
namespace {

using ::testing::HasSubstr;

class TokenTest : public ::testing::Test {
 protected:
  TokenTest()
      : key_(crypto::Ed25519PrivateKey::generate()),
        other_(crypto::Ed25519PrivateKey::generate()),
        verifier_([this](const std::string& kid) -> std::optional<crypto::Ed25519PublicKey> {
          if (kid == key_.kid()) return key_.publicKey();
          return std::nullopt;
        }, policy_, clock_) {}

  TokenRequest tenantRequest() {
    TokenRequest r;
    r.subject = "alice";
    r.tenant = "0190c1d2-0000-7000-8000-000000000001";
    r.scopes = {"graph.read", "admin.read"};
    r.clearance = "medium";
    r.purpose = "investigation";
    r.ttl = std::chrono::hours(1);
    return r;
  }

  std::string issue(const TokenRequest& r) { return issueToken(key_, policy_, clock_, r).first; }

  // A token with arbitrary header and payload, signed by `signer` (or with
  // `signature` verbatim when given).
  std::string forge(const Json& header, const Json& payload, const SigningKey* signer,
                    std::optional<std::string> signature = std::nullopt) {
    std::string input = base64UrlEncode(asBytes(header.dump())) + "." +
                        base64UrlEncode(asBytes(payload.dump()));
    if (!signature) signature = base64UrlEncode(signer->sign(asBytes(input)));
    return input + "." + *signature;
  }

  Json validPayload() {
    int64_t now = clock_.nowSeconds();
    return {{"iss", "maestro"}, {"aud", "maestro"},  {"sub", "alice"},
            {"jti", "j1"},      {"iat", now},         {"nbf", now},
            {"exp", now + 600}, {"scopes", {"graph.read"}},
            {"tenant", "0190c1d2-0000-7000-8000-000000000001"}};
  }

  Json validHeader() { return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key_.kid()}}; }

  void expectRejected(const std::string& token, const std::string& reason) {
    try {
      verifier_.verify(token);
      FAIL() << "accepted a token that should be rejected (" << reason << ")";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kUnauthenticated);
      EXPECT_THAT(e.message(), HasSubstr(reason));
    }
  }

  ManualClock clock_;
  TokenPolicy policy_;
  SigningKey key_;
  SigningKey other_;
  TokenVerifier verifier_;
};

TEST_F(TokenTest, RoundTripKeepsEveryClaim) {
  auto [token, issued] = issueToken(key_, policy_, clock_, tenantRequest());
  Claims c = verifier_.verify(token);
  EXPECT_EQ(c.subject, "alice");
  EXPECT_EQ(c.tenant, tenantRequest().tenant);
  EXPECT_FALSE(c.platform);
  EXPECT_EQ(c.scopes, (std::vector<std::string>{"graph.read", "admin.read"}));
  EXPECT_EQ(c.clearance, "medium");
  EXPECT_EQ(c.purpose, "investigation");
  EXPECT_EQ(c.jti, issued.jti);
  EXPECT_EQ(c.expires_at - c.issued_at, 3600);
}

TEST_F(TokenTest, PlatformTokenHasNoTenant) {
  TokenRequest r = tenantRequest();
  r.tenant.reset();
  r.platform = true;
  Claims c = verifier_.verify(issue(r));
  EXPECT_TRUE(c.platform);
  EXPECT_FALSE(c.tenant.has_value());
}

TEST_F(TokenTest, HeaderNamesAlgorithmAndKid) {
  std::string token = issue(tenantRequest());
  auto header = base64UrlDecode(token.substr(0, token.find('.')));
  ASSERT_TRUE(header);
  Json h = Json::parse(toString(*header));
  EXPECT_EQ(h["alg"], "EdDSA");
  EXPECT_EQ(h["kid"], key_.kid());
}

TEST_F(TokenTest, RejectsAlgNone) {
  Json header = {{"alg", "none"}, {"kid", key_.kid()}};
  expectRejected(forge(header, validPayload(), nullptr, ""), "algorithm 'none' is not accepted");
  // Even with a valid EdDSA signature attached.
  expectRejected(forge(header, validPayload(), &key_), "algorithm 'none' is not accepted");
}

TEST_F(TokenTest, RejectsHs256KeyConfusion) {
  // The classic attack: HMAC the token with the server's public key as secret.
  Json header = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", key_.kid()}};
  std::string input = base64UrlEncode(asBytes(header.dump())) + "." +
                      base64UrlEncode(asBytes(validPayload().dump()));
  auto mac = crypto::hmacSha256(key_.publicKey().raw(), asBytes(input));
  expectRejected(input + "." + base64UrlEncode(mac), "algorithm 'HS256' is not accepted");
}

TEST_F(TokenTest, RejectsOtherAlgorithmsAndMissingAlg) {
  for (const char* alg : {"RS256", "ES256", "eddsa", "EdDSA "}) {
    Json header = {{"alg", alg}, {"kid", key_.kid()}};
    expectRejected(forge(header, validPayload(), &key_), "is not accepted");
  }
  expectRejected(forge({{"kid", key_.kid()}}, validPayload(), &key_), "no 'alg'");
  expectRejected(forge({{"alg", 5}, {"kid", key_.kid()}}, validPayload(), &key_), "no 'alg'");
}

TEST_F(TokenTest, RejectsUnknownKid) {
  Json header = validHeader();
  header["kid"] = "not-a-known-key";
  expectRejected(forge(header, validPayload(), &key_), "unknown key id 'not-a-known-key'");
  Json no_kid = {{"alg", "EdDSA"}};
  expectRejected(forge(no_kid, validPayload(), &key_), "no 'kid'");
}

TEST_F(TokenTest, RejectsSignatureFromAnotherKeyUnderAKnownKid) {
  expectRejected(forge(validHeader(), validPayload(), &other_), "signature does not verify");
}

TEST_F(TokenTest, RejectsTamperedPayload) {
  std::string token = issue(tenantRequest());
  size_t dot1 = token.find('.');
  size_t dot2 = token.find('.', dot1 + 1);
  auto payload = base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1));
  ASSERT_TRUE(payload);
  Json p = Json::parse(toString(*payload));
  p["scopes"] = {"graph.read", "admin.write"};
  std::string tampered = token.substr(0, dot1 + 1) + base64UrlEncode(asBytes(p.dump())) +
                         token.substr(dot2);
  expectRejected(tampered, "signature does not verify");
}

TEST_F(TokenTest, RejectsTamperedSignatureAndHeader) {
  std::string token = issue(tenantRequest());
  std::string flipped = token;
  flipped[flipped.size() - 3] = flipped[flipped.size() - 3] == 'A' ? 'B' : 'A';
  expectRejected(flipped, "signature");
  Json header = validHeader();
  header["x"] = 1;  // same key, different signed bytes
  std::string token2 = base64UrlEncode(asBytes(header.dump())) + token.substr(token.find('.'));
  expectRejected(token2, "signature does not verify");
}

TEST_F(TokenTest, ExpiryHonoursAtMostSixtySecondsOfLeeway) {
  TokenRequest r = tenantRequest();
  r.ttl = std::chrono::seconds(60);
  std::string token = issue(r);
  clock_.advance(std::chrono::seconds(60 + 59));
  EXPECT_NO_THROW(verifier_.verify(token));
  clock_.advance(std::chrono::seconds(2));
  expectRejected(token, "expired");
}

TEST_F(TokenTest, LeewayIsCappedAtSixtySeconds) {
  TokenPolicy generous = policy_;
  generous.leeway = std::chrono::hours(1);
  TokenVerifier v([this](const std::string&) { return std::optional(key_.publicKey()); }, generous,
                  clock_);
  TokenRequest r = tenantRequest();
  r.ttl = std::chrono::seconds(10);
  std::string token = issue(r);
  clock_.advance(std::chrono::seconds(75));
  EXPECT_THROW(v.verify(token), Error);
}

TEST_F(TokenTest, RejectsNotYetValidAndFutureIssued) {
  Json p = validPayload();
  p["nbf"] = clock_.nowSeconds() + 120;
  expectRejected(forge(validHeader(), p, &key_), "not valid yet");
  Json q = validPayload();
  q["iat"] = clock_.nowSeconds() + 120;
  q["nbf"] = clock_.nowSeconds();
  q["exp"] = clock_.nowSeconds() + 600;
  expectRejected(forge(validHeader(), q, &key_), "issued in the future");
  Json ok = validPayload();
  ok["nbf"] = clock_.nowSeconds() + 30;  // within leeway
  EXPECT_NO_THROW(verifier_.verify(forge(validHeader(), ok, &key_)));
}

TEST_F(TokenTest, RejectsWrongIssuerAndAudience) {
  Json p = validPayload();
  p["iss"] = "someone-else";
  expectRejected(forge(validHeader(), p, &key_), "wrong issuer");
  Json q = validPayload();
  q["aud"] = "other-service";
  expectRejected(forge(validHeader(), q, &key_), "wrong audience");
  Json r = validPayload();
  r["aud"] = {"other", "maestro"};
  EXPECT_NO_THROW(verifier_.verify(forge(validHeader(), r, &key_)));
}

TEST_F(TokenTest, RejectsMissingOrMistypedClaims) {
  for (const char* claim : {"exp", "iat", "sub", "jti", "scopes"}) {
    Json p = validPayload();
    p.erase(claim);
    expectRejected(forge(validHeader(), p, &key_), claim);
  }
  Json p = validPayload();
  p["exp"] = "tomorrow";
  expectRejected(forge(validHeader(), p, &key_), "'exp' must be an integer");
  Json both = validPayload();
  both["platform"] = true;
  expectRejected(forge(validHeader(), both, &key_), "exactly one of a tenant or platform");
  Json neither = validPayload();
  neither.erase("tenant");
  expectRejected(forge(validHeader(), neither, &key_), "exactly one of a tenant or platform");
  Json tier = validPayload();
  tier["clearance"] = "top-secret";
  expectRejected(forge(validHeader(), tier, &key_), "clearance");
}

TEST_F(TokenTest, RejectsLifetimeBeyondMaximum) {
  Json p = validPayload();
  p["exp"] = clock_.nowSeconds() + 365 * 86400;
  expectRejected(forge(validHeader(), p, &key_), "maximum token TTL");
}

TEST_F(TokenTest, RejectsMalformedTokens) {
  std::string good = issue(tenantRequest());
  expectRejected("", "empty token");
  expectRejected("abc", "three dot-separated parts");
  expectRejected("a.b", "three dot-separated parts");
  expectRejected(good + ".x", "three dot-separated parts");
  expectRejected("!!!." + good.substr(good.find('.') + 1), "header is not valid base64url");
  expectRejected(base64UrlEncode(asBytes(std::string("[1,2]"))) + good.substr(good.find('.')),
                 "header is not a JSON object");
  expectRejected(base64UrlEncode(asBytes(std::string("{nope"))) + good.substr(good.find('.')),
                 "header is not valid JSON");
  expectRejected(std::string(9000, 'a'), "longer than 8 KiB");
  // Padding is not base64url as JWS uses it.
  std::string padded = good.substr(0, good.find('.')) + "=" + good.substr(good.find('.'));
  expectRejected(padded, "base64url");
  Json crit = validHeader();
  crit["crit"] = {"exp"};
  expectRejected(forge(crit, validPayload(), &key_), "critical header");
}

TEST_F(TokenTest, IssueValidatesItsRequest) {
  auto expectBad = [&](TokenRequest r, const std::string& field) {
    try {
      issue(r);
      FAIL() << "issued an invalid token request (" << field << ")";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput);
      EXPECT_EQ(e.field(), field);
    }
  };
  TokenRequest r = tenantRequest();
  r.scopes = {"graph.read", "root"};
  expectBad(r, "scopes");
  r = tenantRequest();
  r.scopes.clear();
  expectBad(r, "scopes");
  r = tenantRequest();
  r.clearance = "secret";
  expectBad(r, "clearance");
  r = tenantRequest();
  r.platform = true;
  expectBad(r, "tenant");
  r = tenantRequest();
  r.ttl = std::chrono::hours(24 * 365);
  expectBad(r, "ttl");
  r = tenantRequest();
  r.subject = "";
  expectBad(r, "subject");
  r = tenantRequest();
  r.purpose = "Bad Purpose!";
  expectBad(r, "purpose");
}

TEST(DurationTest, ParsesUnitsAndRejectsGarbage) {
  EXPECT_EQ(parseDuration("90s", "ttl").count(), 90);
  EXPECT_EQ(parseDuration("30m", "ttl").count(), 1800);
  EXPECT_EQ(parseDuration("1h", "ttl").count(), 3600);
  EXPECT_EQ(parseDuration("7d", "ttl").count(), 7 * 86400);
  EXPECT_EQ(parseDuration("2w", "ttl").count(), 14 * 86400);
  for (const char* bad : {"", "h", "1", "1x", "-1h", "1.5h", "one hour", "99999999999999h"}) {
    EXPECT_THROW(parseDuration(bad, "ttl"), Error) << bad;
  }
}

TEST(AbacTest, ScopeTenantAndPurpose) {
  Principal p;
  p.subject = "bob";
  p.tenant_id = "t1";
  p.scopes = {"graph.read"};
  EXPECT_TRUE(authorize(p, {"graph.read", "t1"}).allowed);
  EXPECT_THAT(authorize(p, {"graph.write", "t1"}).reason, HasSubstr("missing scope 'graph.write'"));
  EXPECT_THAT(authorize(p, {"graph.read", "t2"}).reason, HasSubstr("another tenant"));
  EXPECT_THAT(authorize(p, {"graph.read", "t1", {"fraud"}}).reason,
              HasSubstr("a purpose is required"));
  p.purpose = "marketing";
  EXPECT_THAT(authorize(p, {"graph.read", "t1", {"fraud"}}).reason,
              HasSubstr("'marketing' is not allowed"));
  p.purpose = "fraud";
  EXPECT_TRUE(authorize(p, {"graph.read", "t1", {"fraud", "audit"}}).allowed);
  EXPECT_THROW(require(p, {"admin.write"}), Error);

  Principal op;
  op.platform = true;
  op.scopes = {"graph.read"};
  EXPECT_TRUE(authorize(op, {"graph.read", "any-tenant"}).allowed);
  EXPECT_FALSE(authorize(op, {"admin.write", "any-tenant"}).allowed);
}

TEST(AbacTest, PrincipalFromClaims) {
  Claims c;
  c.subject = "svc";
  c.tenant = "t9";
  c.scopes = {"graph.read", "graph.write"};
  c.jti = "abc";
  Principal p = Principal::fromClaims(c);
  EXPECT_TRUE(p.hasScope("graph.write"));
  EXPECT_FALSE(p.hasScope("admin.write"));
  EXPECT_EQ(p.actor(), "token:abc sub:svc");
  EXPECT_THAT(Principal::localOperator().actor(), HasSubstr("cli:"));
}

}  // namespace
}  // namespace maestro::auth
