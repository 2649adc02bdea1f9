#pragma once

// What a failed write says about the disk. LMDB reports a short write (a file system that ran
// out of space part-way through a page run) as EIO, "Input/output error", which would send an
// operator looking for a failing disk when the disk is merely full.

#include <cstdint>
#include <filesystem>
#include <string>

namespace coexist::journal {

inline constexpr std::uint64_t kNearlyFullBytes = std::uint64_t{1} << 20;

// For a write that failed with `rc` (EIO or ENOSPC) in the journal directory `path`: when the
// file system there has less than kNearlyFullBytes left for unprivileged writers, a sentence
// saying so (with the bytes free); otherwise empty.
[[nodiscard]] std::string full_disk_hint(const std::filesystem::path& path, int rc);

}  // namespace coexist::journal
