#pragma once

// What `--out PATH` names, and so how it must be written. Only the decision: OutputFile acts on
// it. In order:
//   1. A descriptor this process already has: /dev/stdin, /dev/stdout, /dev/stderr, /dev/fd/N,
//      /proc/self/fd/N, /proc/thread-self/fd/N, /proc/<our pid>/fd/N. Written through that very
//      descriptor, as the shell's `>&N` would: reopening the path would open the file again from
//      its start, and with O_TRUNC empty a log the shell opened for `>>`.
//   2. Any other path under /proc (a kernel file, though it says it is regular): written in
//      place, opened as the shell's `>` opens it. Under /dev the file's type decides (4, 5): a
//      device is written in place, a file on /dev/shm is replaced like any other.
//   3. A symbolic link: followed, one link at a time (a relative target is relative to the link's
//      directory), and the steps above and below apply to what it points to. A link is never
//      replaced: its target is, even a target that does not exist yet.
//   4. An existing file that is not a regular file (a FIFO, a socket, a directory): in place.
//   5. A regular file, or nothing yet: replaced, by writing beside it and renaming.
// Paths are compared after making them absolute and lexically normal ("/dev/./stdout").

#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "model/status.h"

namespace coexist::cli {

struct OutputTarget {
  enum class Kind { descriptor, in_place, replace };
  Kind kind = Kind::replace;
  int descriptor = -1;         // descriptor: the one the path names (/dev/stdout → 1)
  std::filesystem::path file;  // in_place: what to open; replace: the file to replace
  std::optional<std::filesystem::perms> permissions;  // replace: the existing file's, to keep
  // replace: the existing file's owner and group, kept where we may (root, or our own file)
  std::optional<std::pair<unsigned, unsigned>> owner;
  bool through_link = false;                          // `file` was reached through a link
};

// The target of `path`; an error (invalid_argument, with a message naming `path`) for an empty
// path, a loop of links or a link that cannot be read. Problems that only creating the file can
// reveal (a missing or read-only directory) are OutputFile's to report.
[[nodiscard]] Result<OutputTarget> resolve_output_target(const std::string& path);

}  // namespace coexist::cli
