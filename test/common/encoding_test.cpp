#include "common/encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace maestro {
namespace {

Bytes bytesOf(std::string_view s) { return Bytes(s.begin(), s.end()); }

TEST(AsBytesTest, ViewsTheSameMemory) {
  std::string_view s("a\0\xff", 3);
  auto b = asBytes(s);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(static_cast<const void*>(b.data()), static_cast<const void*>(s.data()));
  EXPECT_EQ(b[0], 'a');
  EXPECT_EQ(b[1], 0x00);
  EXPECT_EQ(b[2], 0xff);
  EXPECT_TRUE(asBytes("").empty());
}

TEST(ToStringTest, CopiesBytesIncludingNul) {
  Bytes b{'h', 0x00, 0xff};
  EXPECT_EQ(toString(b), std::string("h\0\xff", 3));
  EXPECT_EQ(toString({}), "");
}

// --- hex -------------------------------------------------------------------

TEST(HexTest, EncodesLowercase) {
  EXPECT_EQ(hexEncode({}), "");
  EXPECT_EQ(hexEncode(Bytes{0x00, 0x01, 0xab, 0xcd, 0xef, 0xff}), "0001abcdefff");
}

TEST(HexTest, DecodesBothCases) {
  EXPECT_EQ(hexDecode(""), Bytes{});
  EXPECT_EQ(hexDecode("0001abcdefff"), (Bytes{0x00, 0x01, 0xab, 0xcd, 0xef, 0xff}));
  EXPECT_EQ(hexDecode("ABCDEF"), (Bytes{0xab, 0xcd, 0xef}));
  EXPECT_EQ(hexDecode("aBcD"), (Bytes{0xab, 0xcd}));
}

TEST(HexTest, RoundTripsEveryByte) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<uint8_t>(i));
  EXPECT_EQ(hexDecode(hexEncode(all)), all);
}

TEST(HexTest, RejectsOddLengthAndNonHex) {
  for (std::string_view bad :
       {"0", "abc", "0g", "g0", "zz", " 00", "00 ", "0x00", "+1", "-1", "\xff\xff"}) {
    EXPECT_EQ(hexDecode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(hexDecode(std::string_view("0\0", 2)), std::nullopt);
}

// --- base64url -------------------------------------------------------------

// RFC 4648 §10 test vectors, with the '=' padding removed as §5 permits
// and as JWS (RFC 7515 §2) requires.
TEST(Base64UrlTest, Rfc4648Vectors) {
  struct Case {
    std::string_view plain, encoded;
  };
  for (auto [plain, encoded] :
       {Case{"", ""}, Case{"f", "Zg"}, Case{"fo", "Zm8"}, Case{"foo", "Zm9v"},
        Case{"foob", "Zm9vYg"}, Case{"fooba", "Zm9vYmE"}, Case{"foobar", "Zm9vYmFy"}}) {
    EXPECT_EQ(base64UrlEncode(asBytes(plain)), encoded) << plain;
    EXPECT_EQ(base64UrlDecode(encoded), bytesOf(plain)) << encoded;
  }
}

// 0xfb 0xff uses the last two alphabet entries, where base64url differs
// from base64 ("+/8" there, "-_8" here).
TEST(Base64UrlTest, UsesUrlSafeAlphabet) {
  EXPECT_EQ(base64UrlEncode(Bytes{0xfb, 0xff}), "-_8");
  EXPECT_EQ(base64UrlDecode("-_8"), (Bytes{0xfb, 0xff}));
  EXPECT_EQ(base64UrlEncode(Bytes{0xff, 0xff, 0xff}), "____");
  EXPECT_EQ(base64UrlEncode(Bytes{0xfb, 0xef, 0xbe}), "----");
}

TEST(Base64UrlTest, RoundTripsAllLengthsAndBytes) {
  Bytes data;
  for (int n = 0; n < 300; ++n) {
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(data)), data) << "length " << n;
    data.push_back(static_cast<uint8_t>(n * 37 + 11));
  }
}

TEST(Base64UrlTest, RejectsPadding) {
  for (std::string_view bad : {"Zg==", "Zg=", "Zm8=", "Zm9v====", "=", "===="}) {
    EXPECT_EQ(base64UrlDecode(bad), std::nullopt) << bad;
  }
}

TEST(Base64UrlTest, RejectsStandardAlphabetAndWhitespace) {
  for (std::string_view bad : {"+_8", "-/8", "+/8", "Zm9v Yg", " Zg", "Zg ", "Zg\n", "Zm9v\r\nYg",
                               "Z\tg", "Zm.v", "Zm9v!", "Zg\xc3\xa9"}) {
    EXPECT_EQ(base64UrlDecode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(base64UrlDecode(std::string_view("Zg\0", 3)), std::nullopt);
}

// A single trailing character carries only 6 bits: never a valid encoding.
TEST(Base64UrlTest, RejectsLengthOneModFour) {
  for (std::string_view bad : {"Z", "Zm9vY", "Zm9vYmFyZ"}) {
    EXPECT_EQ(base64UrlDecode(bad), std::nullopt) << bad;
  }
}

// The unused low bits of the last character must be zero, or two strings
// would decode to the same bytes.
TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  // 'f' is canonically "Zg"; "Zh".."Zv" carry the same 8 bits plus junk.
  EXPECT_EQ(base64UrlDecode("Zg"), bytesOf("f"));
  for (std::string_view bad : {"Zh", "Zi", "Zv"}) {
    EXPECT_EQ(base64UrlDecode(bad), std::nullopt) << bad;
  }
  // The byte 0x41 is "QQ"; "QR" has a 1 in the discarded bits.
  EXPECT_EQ(base64UrlDecode("QQ"), Bytes{0x41});
  EXPECT_EQ(base64UrlDecode("QR"), std::nullopt);
  // Two bytes: "fo" is "Zm8"; "Zm9" differs only in the 2 discarded bits.
  EXPECT_EQ(base64UrlDecode("Zm8"), bytesOf("fo"));
  EXPECT_EQ(base64UrlDecode("Zm9"), std::nullopt);
  EXPECT_EQ(base64UrlDecode("-_9"), std::nullopt);
}

}  // namespace
}  // namespace maestro
