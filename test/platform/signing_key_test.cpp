#include "platform/auth/signing_key.h"

#include <sys/stat.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/error.h"
#include "platform/audit/audit_log.h"
#include "platform/platform.h"
#include "testing/test_stores.h"

namespace maestro::auth {
namespace {

using ::testing::HasSubstr;

// RFC 8037 Appendix A.1 key (d is the seed, x the public key).
const char kRfc8037Seed[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const char kRfc8037Public[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

SigningKey rfcKey() {
  return SigningKey(crypto::Ed25519PrivateKey::fromSeed(*base64UrlDecode(kRfc8037Seed)));
}

TEST(SigningKeyTest, KidIsTheRfc8037Thumbprint) {
  SigningKey key = rfcKey();
  EXPECT_EQ(base64UrlEncode(key.publicKey().raw()), kRfc8037Public);
  // RFC 8037 Appendix A.3.
  EXPECT_EQ(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

TEST(SigningKeyTest, SignsTheRfc8037ExampleJws) {
  // RFC 8037 Appendix A.4: Ed25519 is deterministic, so the JWS is exact.
  std::string input = base64UrlEncode(asBytes(std::string(R"({"alg":"EdDSA"})"))) + "." +
                      base64UrlEncode(asBytes(std::string("Example of Ed25519 signing")));
  EXPECT_EQ(input, "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc");
  EXPECT_EQ(base64UrlEncode(rfcKey().sign(asBytes(input))),
            "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
}

TEST(SigningKeyTest, CreatedOnceWithOwnerOnlyPermissions) {
  testing::TempDir dir;
  SigningKey first = SigningKey::loadOrCreate(dir.path());
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "keys" / "signing-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir.path() / "keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  SigningKey again = SigningKey::loadOrCreate(dir.path());
  EXPECT_EQ(first.kid(), again.kid());
}

TEST(SigningKeyTest, RefusesAKeyOthersCanRead) {
  testing::TempDir dir;
  SigningKey::loadOrCreate(dir.path());
  ::chmod((dir.path() / "keys" / "signing-key.pem").c_str(), 0644);
  try {
    SigningKey::loadOrCreate(dir.path());
    FAIL() << "loaded a world-readable key";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kUnavailable);
    EXPECT_THAT(e.message(), HasSubstr("mode 644"));
  }
}

TEST(SigningKeyTest, RefusesACorruptKeyFile) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "keys");
  auto file = dir.path() / "keys" / "signing-key.pem";
  std::ofstream(file) << "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n";
  ::chmod(file.c_str(), 0600);
  try {
    SigningKey::loadOrCreate(dir.path());
    FAIL() << "loaded a corrupt key";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kUnavailable);
    EXPECT_THAT(e.message(), HasSubstr("not usable"));
  }
}

TEST(KeyRingTest, FindsRegisteredKeysAndKeysOfOtherServers) {
  testing::TestDatabase db(testing::Backend::kSqlite);
  auto store = db.open();
  store->migrate("keys", KeyRing::migrations());
  ManualClock clock;
  KeyRing ring(*store, clock);
  SigningKey mine = rfcKey();
  ring.registerKey(mine);
  EXPECT_TRUE(ring.find(mine.kid()).has_value());

  EXPECT_FALSE(ring.find("made-up").has_value());  // reloads; starts the 1 s window

  // Another process registers its key in the same store.
  KeyRing other(*store, clock);
  SigningKey theirs(crypto::Ed25519PrivateKey::generate());
  other.registerKey(theirs);
  EXPECT_FALSE(ring.find(theirs.kid()).has_value());  // no second reload within 1 s
  clock.advance(std::chrono::seconds(2));
  auto found = ring.find(theirs.kid());
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->raw(), theirs.publicKey().raw());
}

}  // namespace
}  // namespace maestro::auth
