// Identifiers. Tenants, datasets and other platform objects get UUIDv7
// (RFC 9562): time-ordered from the injected clock, 74 random bits from the
// CSPRNG, so ids sort by creation and cannot be guessed.
#pragma once

#include <string>
#include <string_view>

namespace maestro {

class Clock;

std::string newUuidV7(const Clock& clock);
// Lower-case canonical 8-4-4-4-12 form.
bool isUuid(std::string_view text);

}  // namespace maestro
