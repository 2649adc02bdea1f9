#pragma once

// RFC 3339 UTC timestamps, as the journal export, the admin protocol and the CLI write them.

#include <cstdint>
#include <optional>
#include <string>

namespace coexist {

// "2026-11-25T10:00:00.123456Z" (always microseconds, always Z).
[[nodiscard]] std::string format_rfc3339_utc(std::int64_t unix_us);

// Parses "2026-11-25" (midnight UTC) or "2026-11-25T10:00:00Z" ("t" and "z" in either case) with
// an optional fraction of any length, kept to the microsecond (further digits are dropped), and
// returns microseconds since the epoch. A numeric offset ("+01:00", "-05:30", as
// `date -Iseconds` prints) names the same instant unambiguously and is converted; a time with no
// offset at all is refused, since its instant would depend on the machine's time zone.
[[nodiscard]] std::optional<std::int64_t> parse_rfc3339_utc(const std::string& text);

}  // namespace coexist
