// Byte encodings: lowercase hex and unpadded base64url (RFC 4648 §5).
// Decoders are strict: they reject anything that is not canonical
// (bad characters, padding for base64url, odd length for hex) by returning
// std::nullopt, so callers decide which error to raise.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace maestro {

using Bytes = std::vector<uint8_t>;

std::span<const uint8_t> asBytes(std::string_view s);
std::string toString(std::span<const uint8_t> bytes);

std::string hexEncode(std::span<const uint8_t> bytes);
std::optional<Bytes> hexDecode(std::string_view hex);

std::string base64UrlEncode(std::span<const uint8_t> bytes);
std::optional<Bytes> base64UrlDecode(std::string_view text);

}  // namespace maestro
