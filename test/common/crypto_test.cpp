// Known-answer tests for common/crypto. Every vector is copied from the
// publication named beside it; none was produced by this code.
#include "common/crypto.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"

namespace maestro::crypto {
namespace {

using ::testing::HasSubstr;

Bytes hex(std::string_view text) {
  auto bytes = hexDecode(text);
  // A typo in a vector must fail loudly, not turn into an empty input.
  if (!bytes) throw std::invalid_argument("bad hex in test vector: " + std::string(text));
  return *bytes;
}

std::string hexOf(std::span<const uint8_t> bytes) { return hexEncode(bytes); }

Bytes flipBit(Bytes data, size_t index, uint8_t mask = 0x01) {
  data.at(index) ^= mask;
  return data;
}

// Runs `fn`, expecting a maestro::Error with `code`; returns its message.
template <typename Fn>
std::string errorMessage(Fn&& fn, Code code) {
  try {
    fn();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.message();
    return e.message();
  }
  ADD_FAILURE() << "expected an Error";
  return {};
}

// --- SHA-256 ---------------------------------------------------------------
// FIPS 180-2 Appendix B (B.1 "abc", B.2 the 448-bit message, B.3 one
// million 'a'); the empty-string digest is the one listed in NIST's
// SHA256ShortMsg.rsp (Len = 0) of the CAVP byte-oriented test vectors.

TEST(Sha256Test, EmptyString) {
  EXPECT_EQ(hexOf(sha256(std::string_view())),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, Fips180Abc) {
  EXPECT_EQ(hexOf(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, Fips180TwoBlockMessage) {
  EXPECT_EQ(hexOf(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, Fips180OneMillionAIncremental) {
  Sha256 h;
  // 1000 updates of 1000 bytes: exercises buffering across block boundaries.
  std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.update(chunk);
  EXPECT_EQ(hexOf(h.finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalMatchesOneShotAtEverySplit) {
  std::string data(200, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + 3);
  Digest want = sha256(data);
  for (size_t split = 0; split <= data.size(); ++split) {
    Sha256 h;
    h.update(std::string_view(data).substr(0, split));
    h.update(std::string_view(data).substr(split));
    ASSERT_EQ(h.finish(), want) << "split at " << split;
  }
}

TEST(Sha256Test, FinishTwiceIsAnInternalError) {
  Sha256 h;
  h.finish();
  errorMessage([&] { h.finish(); }, Code::kInternal);
  errorMessage([&] { h.update("x"); }, Code::kInternal);
}

// --- HMAC-SHA256: RFC 4231 §4.2–§4.8, the HMAC-SHA-256 rows -----------------

struct HmacCase {
  const char* name;
  Bytes key;
  Bytes data;
  std::string mac;  // hex; for test case 5 only the published 128-bit prefix
};

std::vector<HmacCase> rfc4231Cases() {
  Bytes key4;
  for (uint8_t b = 0x01; b <= 0x19; ++b) key4.push_back(b);
  auto text = [](std::string_view s) { return Bytes(s.begin(), s.end()); };
  return {
      {"TestCase1", Bytes(20, 0x0b), text("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"TestCase2", text("Jefe"), text("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"TestCase3", Bytes(20, 0xaa), Bytes(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"TestCase4", key4, Bytes(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"TestCase5", Bytes(20, 0x0c), text("Test With Truncation"),
       "a3b6167473100ee06e0c796c2955552b"},
      {"TestCase6", Bytes(131, 0xaa),
       text("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"TestCase7", Bytes(131, 0xaa),
       text("This is a test using a larger than block-size key and a larger than block-size "
            "data. The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
}

TEST(HmacSha256Test, Rfc4231TestCases1To7) {
  for (const auto& c : rfc4231Cases()) {
    std::string got = hexOf(hmacSha256(c.key, c.data));
    ASSERT_EQ(got.size(), 64u) << c.name;
    // Test case 5 publishes only the first 128 bits (truncated output).
    EXPECT_EQ(got.substr(0, c.mac.size()), c.mac) << c.name;
  }
}

// OpenSSL reads a null key pointer as "no key supplied", so the empty key is
// its own path. Values from the examples in Wikipedia's "HMAC" article.
TEST(HmacSha256Test, WikipediaExamplesIncludingEmptyKey) {
  EXPECT_EQ(hexOf(hmacSha256({}, {})),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(
      hexOf(hmacSha256(asBytes("key"), asBytes("The quick brown fox jumps over the lazy dog"))),
      "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

// --- constantTimeEqual -----------------------------------------------------

TEST(ConstantTimeEqualTest, Cases) {
  EXPECT_TRUE(constantTimeEqual("", ""));
  EXPECT_TRUE(constantTimeEqual("abc", "abc"));
  EXPECT_FALSE(constantTimeEqual("abc", "abd"));
  EXPECT_FALSE(constantTimeEqual("abc", "bbc"));
  EXPECT_FALSE(constantTimeEqual("abc", "ab"));
  EXPECT_FALSE(constantTimeEqual("", "a"));
  // A shorter input that is a prefix of the longer one is still unequal.
  EXPECT_FALSE(constantTimeEqual(std::string_view("ab\0", 3), "ab"));
  Digest a = sha256("x");
  Digest b = a;
  EXPECT_TRUE(constantTimeEqual(a, b));
  b[31] ^= 0x80;
  EXPECT_FALSE(constantTimeEqual(a, b));
}

// --- randomBytes -----------------------------------------------------------

TEST(RandomBytesTest, RequestedLengthAndFreshOutput) {
  EXPECT_TRUE(randomBytes(0).empty());
  Bytes a = randomBytes(32);
  Bytes b = randomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(b.size(), 32u);
  // Two 256-bit draws collide with probability 2^-256.
  EXPECT_NE(a, b);
  EXPECT_NE(a, Bytes(32, 0));
  EXPECT_EQ(randomBytes(1000).size(), 1000u);
}

TEST(RandomBytesTest, FillsSpan) {
  std::array<uint8_t, 64> buf{};
  randomBytes(buf);
  EXPECT_NE(buf, (std::array<uint8_t, 64>{}));
}

// --- Ed25519: RFC 8032 §7.1 ------------------------------------------------

struct Ed25519Case {
  const char* name;
  const char* seed;
  const char* publicKey;
  const char* message;
  const char* signature;
};

const Ed25519Case kRfc8032Cases[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
     "b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f1"
     "1d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984d"
     "c6594a7c15e9716ed28dc027beceea1ec40a"},
    {"TEST SHA(abc)", "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
     "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
     "ebbd454d4423643ce80e2a9ac94fa54ca49f",
     "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431"
     "e0303dca179c138ac17ad9bef1177331a704"},
};

TEST(Ed25519Test, Rfc8032SeedGivesPublicKey) {
  for (const auto& c : kRfc8032Cases) {
    auto key = Ed25519PrivateKey::fromSeed(hex(c.seed));
    EXPECT_EQ(hexOf(key.publicKey().raw()), c.publicKey) << c.name;
  }
}

TEST(Ed25519Test, Rfc8032SignGivesSignature) {
  for (const auto& c : kRfc8032Cases) {
    auto key = Ed25519PrivateKey::fromSeed(hex(c.seed));
    EXPECT_EQ(hexOf(key.sign(hex(c.message))), c.signature) << c.name;
  }
}

TEST(Ed25519Test, Rfc8032SignatureVerifies) {
  for (const auto& c : kRfc8032Cases) {
    auto pub = Ed25519PublicKey::fromRaw(hex(c.publicKey));
    EXPECT_TRUE(pub.verify(hex(c.message), hex(c.signature))) << c.name;
  }
}

TEST(Ed25519Test, VerifyRejectsFlippedBits) {
  for (const auto& c : kRfc8032Cases) {
    auto pub = Ed25519PublicKey::fromRaw(hex(c.publicKey));
    Bytes msg = hex(c.message);
    Bytes sig = hex(c.signature);
    // Message: flip a bit, or (for TEST 1's empty message) add a byte.
    Bytes other_msg = msg.empty() ? Bytes{0x00} : flipBit(msg, msg.size() - 1);
    EXPECT_FALSE(pub.verify(other_msg, sig)) << c.name;
    // Signature: a bit in R (first half) and a bit in S (second half).
    EXPECT_FALSE(pub.verify(msg, flipBit(sig, 0))) << c.name;
    EXPECT_FALSE(pub.verify(msg, flipBit(sig, 40))) << c.name;
    // Wrong key: the public key of a different RFC test.
    const auto& other = (&c == &kRfc8032Cases[0]) ? kRfc8032Cases[1] : kRfc8032Cases[0];
    auto wrong = Ed25519PublicKey::fromRaw(hex(other.publicKey));
    EXPECT_FALSE(wrong.verify(msg, sig)) << c.name;
  }
}

TEST(Ed25519Test, VerifyReturnsFalseForWrongSizeSignature) {
  const auto& c = kRfc8032Cases[0];
  auto pub = Ed25519PublicKey::fromRaw(hex(c.publicKey));
  Bytes sig = hex(c.signature);
  EXPECT_FALSE(pub.verify({}, {}));
  EXPECT_FALSE(pub.verify({}, std::span(sig).first(63)));
  Bytes longer = sig;
  longer.push_back(0);
  EXPECT_FALSE(pub.verify({}, longer));
  // S >= L (the group order) must be refused, not reduced: RFC 8032 §5.1.7.
  Bytes s_too_big = sig;
  for (size_t i = 32; i < 64; ++i) s_too_big[i] = 0xff;
  EXPECT_FALSE(pub.verify({}, s_too_big));
}

TEST(Ed25519Test, WrongSizesAreBadInput) {
  auto msg = errorMessage([] { Ed25519PrivateKey::fromSeed(Bytes(31)); }, Code::kBadInput);
  EXPECT_THAT(msg, HasSubstr("seed"));
  EXPECT_THAT(msg, HasSubstr("31"));
  errorMessage([] { Ed25519PrivateKey::fromSeed(Bytes(64)); }, Code::kBadInput);
  msg = errorMessage([] { Ed25519PublicKey::fromRaw(Bytes(33)); }, Code::kBadInput);
  EXPECT_THAT(msg, HasSubstr("public key"));
}

TEST(Ed25519Test, GeneratedKeysDifferAndSign) {
  auto a = Ed25519PrivateKey::generate();
  auto b = Ed25519PrivateKey::generate();
  EXPECT_NE(a.publicKey().raw(), b.publicKey().raw());
  auto sig = a.sign(asBytes("hello"));
  EXPECT_TRUE(a.publicKey().verify(asBytes("hello"), sig));
  EXPECT_FALSE(b.publicKey().verify(asBytes("hello"), sig));
}

TEST(Ed25519Test, CopyKeepsTheKey) {
  auto a = Ed25519PrivateKey::fromSeed(hex(kRfc8032Cases[0].seed));
  Ed25519PrivateKey b = a;
  Ed25519PrivateKey c = Ed25519PrivateKey::generate();
  c = a;
  EXPECT_EQ(hexOf(b.publicKey().raw()), kRfc8032Cases[0].publicKey);
  EXPECT_EQ(hexOf(c.publicKey().raw()), kRfc8032Cases[0].publicKey);
}

// --- Ed25519 PEM -----------------------------------------------------------

// RFC 8410 §10.3, the example Ed25519 private key (PKCS#8). Its public key
// is the one in §10.1 ("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="),
// whose last 32 bytes are the hex below; §10.3's second example carries both.
constexpr char kRfc8410Pem[] =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n"
    "-----END PRIVATE KEY-----\n";
constexpr char kRfc8410PublicKey[] =
    "19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1";

TEST(Ed25519PemTest, Rfc8410ExampleKey) {
  auto key = Ed25519PrivateKey::fromPem(kRfc8410Pem);
  EXPECT_EQ(hexOf(key.publicKey().raw()), kRfc8410PublicKey);
  // Writing it back gives the RFC's bytes: the encoding is canonical PKCS#8.
  EXPECT_EQ(key.toPem(), kRfc8410Pem);
}

TEST(Ed25519PemTest, RoundTripOfGeneratedKey) {
  auto original = Ed25519PrivateKey::generate();
  std::string pem = original.toPem();
  EXPECT_THAT(pem, HasSubstr("-----BEGIN PRIVATE KEY-----"));
  auto reloaded = Ed25519PrivateKey::fromPem(pem);
  auto sig = original.sign(asBytes("payload"));
  EXPECT_TRUE(reloaded.publicKey().verify(asBytes("payload"), sig));
  EXPECT_EQ(reloaded.sign(asBytes("payload")), sig);  // Ed25519 is deterministic
}

using PKeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

std::string privateKeyPem(EVP_PKEY* pkey, const EVP_CIPHER* cipher = nullptr) {
  std::unique_ptr<BIO, decltype(&BIO_free_all)> bio(BIO_new(BIO_s_mem()), &BIO_free_all);
  char pass[] = "correct horse";
  int ok = cipher == nullptr
               ? PEM_write_bio_PrivateKey(bio.get(), pkey, nullptr, nullptr, 0, nullptr, nullptr)
               : PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey, cipher, pass,
                                               static_cast<int>(sizeof pass - 1), nullptr, nullptr);
  if (ok != 1) throw std::runtime_error("PEM_write_bio failed");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

TEST(Ed25519PemTest, RejectsOtherKeyTypes) {
  struct Other {
    const char* name;
    PKeyPtr key;
  };
  Other others[] = {
      {"EC P-256", {EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free}},
      {"RSA", {EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}), &EVP_PKEY_free}},
      // Same curve family, also a 32-byte raw private key: only the type check stops it.
      {"X25519", {EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"), &EVP_PKEY_free}},
      {"Ed448", {EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"), &EVP_PKEY_free}},
  };
  for (auto& o : others) {
    ASSERT_NE(o.key, nullptr) << o.name;
    std::string pem = privateKeyPem(o.key.get());
    auto msg = errorMessage([&] { Ed25519PrivateKey::fromPem(pem); }, Code::kBadInput);
    EXPECT_THAT(msg, HasSubstr("not Ed25519")) << o.name;
  }
}

TEST(Ed25519PemTest, RejectsGarbageAndPublicKeys) {
  for (std::string_view pem : {
           std::string_view(""),
           std::string_view("garbage"),
           std::string_view(
               "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n"),
           // A truncated copy of the RFC 8410 key.
           std::string_view("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK\n"
                            "-----END PRIVATE KEY-----\n"),
           // RFC 8410 §10.1: a public key is not a private key.
           std::string_view("-----BEGIN PUBLIC KEY-----\n"
                            "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
                            "-----END PUBLIC KEY-----\n"),
       }) {
    errorMessage([&] { Ed25519PrivateKey::fromPem(pem); }, Code::kBadInput);
  }
}

// Without a passphrase callback OpenSSL prompts on the terminal; a server
// must fail instead of hanging.
TEST(Ed25519PemTest, RejectsEncryptedKeyWithoutPrompting) {
  Bytes seed = hex(kRfc8032Cases[0].seed);
  PKeyPtr pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()),
               &EVP_PKEY_free);
  ASSERT_NE(pkey, nullptr);
  std::string pem = privateKeyPem(pkey.get(), EVP_aes_256_cbc());
  EXPECT_THAT(pem, HasSubstr("ENCRYPTED PRIVATE KEY"));
  errorMessage([&] { Ed25519PrivateKey::fromPem(pem); }, Code::kBadInput);
}

// --- AES-256-GCM -----------------------------------------------------------
// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)" (revised
// 2005), Appendix B, test cases 13-16: the 256-bit-key cases.

struct GcmCase {
  const char* name;
  const char* key;
  const char* iv;
  const char* plaintext;
  const char* aad;
  const char* ciphertext;
  const char* tag;
};

constexpr char kKeyZero[] = "0000000000000000000000000000000000000000000000000000000000000000";
constexpr char kKeyFeff[] = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";

const GcmCase kGcmCases[] = {
    {"Test Case 13", kKeyZero, "000000000000000000000000", "", "", "",
     "530f8afbc74536b9a963b4f1c4cb738b"},
    {"Test Case 14", kKeyZero, "000000000000000000000000", "00000000000000000000000000000000", "",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"Test Case 15", kKeyFeff, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b"
     "5"
     "25b16aedf5aa0de657ba637b391aafd255",
     "",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828"
     "8"
     "38c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"Test Case 16", kKeyFeff, "cafebabefacedbaddecaf888",
     "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b"
     "5"
     "25b16aedf5aa0de657ba637b39",
     "feedfacedeadbeeffeedfacedeadbeefabaddad2",
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828"
     "8"
     "38c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

TEST(Aes256GcmTest, EncryptMatchesGcmSpecVectors) {
  for (const auto& c : kGcmCases) {
    Bytes sealed = aes256gcm::encrypt(hex(c.key), hex(c.iv), hex(c.plaintext), hex(c.aad));
    EXPECT_EQ(hexOf(sealed), std::string(c.ciphertext) + c.tag) << c.name;
  }
}

TEST(Aes256GcmTest, DecryptRecoversGcmSpecPlaintext) {
  for (const auto& c : kGcmCases) {
    Bytes sealed = hex(std::string(c.ciphertext) + c.tag);
    EXPECT_EQ(hexOf(aes256gcm::decrypt(hex(c.key), hex(c.iv), sealed, hex(c.aad))), c.plaintext)
        << c.name;
  }
}

TEST(Aes256GcmTest, TamperingIsRejected) {
  for (const auto& c : kGcmCases) {
    Bytes key = hex(c.key);
    Bytes iv = hex(c.iv);
    Bytes aad = hex(c.aad);
    Bytes sealed = hex(std::string(c.ciphertext) + c.tag);
    size_t ct_size = sealed.size() - aes256gcm::kTagSize;
    std::vector<std::pair<std::string, std::function<void()>>> attempts;
    if (ct_size > 0) {
      attempts.emplace_back("ciphertext",
                            [&] { aes256gcm::decrypt(key, iv, flipBit(sealed, 0), aad); });
    }
    attempts.emplace_back(
        "tag", [&] { aes256gcm::decrypt(key, iv, flipBit(sealed, sealed.size() - 1, 0x80), aad); });
    attempts.emplace_back("aad", [&] {
      Bytes other = aad.empty() ? Bytes{0x00} : flipBit(aad, 0);
      aes256gcm::decrypt(key, iv, sealed, other);
    });
    attempts.emplace_back("iv", [&] { aes256gcm::decrypt(key, flipBit(iv, 11), sealed, aad); });
    attempts.emplace_back("key", [&] { aes256gcm::decrypt(flipBit(key, 31), iv, sealed, aad); });
    for (auto& [what, attempt] : attempts) {
      auto msg = errorMessage(attempt, Code::kBadInput);
      EXPECT_THAT(msg, HasSubstr("authentication failed")) << c.name << " flipped " << what;
    }
  }
}

TEST(Aes256GcmTest, WrongSizesAreBadInput) {
  Bytes key(32), iv(12), sealed(16);
  auto msg = errorMessage([&] { aes256gcm::encrypt(Bytes(16), iv, {}, {}); }, Code::kBadInput);
  EXPECT_THAT(msg, HasSubstr("key"));
  msg = errorMessage([&] { aes256gcm::encrypt(key, Bytes(16), {}, {}); }, Code::kBadInput);
  EXPECT_THAT(msg, HasSubstr("IV"));
  errorMessage([&] { aes256gcm::decrypt(Bytes(31), iv, sealed, {}); }, Code::kBadInput);
  errorMessage([&] { aes256gcm::decrypt(key, Bytes(8), sealed, {}); }, Code::kBadInput);
  // Shorter than the tag alone.
  errorMessage([&] { aes256gcm::decrypt(key, iv, Bytes(15), {}); }, Code::kBadInput);
  errorMessage([&] { aes256gcm::open(key, Bytes(27), {}); }, Code::kBadInput);
  errorMessage([&] { aes256gcm::seal(Bytes(33), asBytes("x"), {}); }, Code::kBadInput);
}

TEST(Aes256GcmTest, SealOpenRoundTrip) {
  Bytes key = randomBytes(aes256gcm::kKeySize);
  auto aad = asBytes("tenant=acme");
  for (std::string_view text : {std::string_view(""), std::string_view("x"),
                                std::string_view("a secret longer than one AES block....")}) {
    Bytes sealed = aes256gcm::seal(key, asBytes(text), aad);
    EXPECT_EQ(sealed.size(), aes256gcm::kIvSize + text.size() + aes256gcm::kTagSize);
    EXPECT_EQ(toString(aes256gcm::open(key, sealed, aad)), text);
    errorMessage([&] { aes256gcm::open(key, sealed, asBytes("tenant=other")); }, Code::kBadInput);
  }
}

TEST(Aes256GcmTest, TwoSealsOfTheSamePlaintextDiffer) {
  Bytes key = randomBytes(aes256gcm::kKeySize);
  Bytes a = aes256gcm::seal(key, asBytes("same"), {});
  Bytes b = aes256gcm::seal(key, asBytes("same"), {});
  EXPECT_NE(a, b);
  // The difference comes from the IV, which must not repeat under one key.
  EXPECT_FALSE(std::equal(a.begin(), a.begin() + aes256gcm::kIvSize, b.begin()));
}

}  // namespace
}  // namespace maestro::crypto
