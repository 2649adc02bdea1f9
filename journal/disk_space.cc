#include "journal/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>

namespace coexist::journal {

std::string full_disk_hint(const std::filesystem::path& path, int rc) {
  if (rc != EIO && rc != ENOSPC) return {};
  struct statvfs stats {};
  if (::statvfs(path.c_str(), &stats) != 0) return {};
  const std::uint64_t free_bytes = std::uint64_t{stats.f_bavail} * stats.f_frsize;
  if (free_bytes >= kNearlyFullBytes) return {};
  return "the file system holding the journal is full (" + std::to_string(free_bytes) +
         " bytes free; LMDB reports a write cut short by a full disk as an I/O error)";
}

}  // namespace coexist::journal
