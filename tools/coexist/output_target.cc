#include "tools/coexist/output_target.h"

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <vector>

namespace coexist::cli {

namespace fs = std::filesystem;

namespace {

constexpr int kLinksFollowedMax = 40;  // the kernel's own limit before ELOOP

// The names of an absolute, lexically normal form of `path`: "/dev/./fd/1" → dev, fd, 1.
std::vector<std::string> names_of(const fs::path& path) {
  std::error_code no_working_directory;
  fs::path absolute = fs::absolute(path, no_working_directory);
  if (no_working_directory) absolute = path;
  std::vector<std::string> names;
  for (const fs::path& name : absolute.lexically_normal().relative_path()) {
    if (!name.empty()) names.push_back(name.string());
  }
  return names;
}

std::optional<int> descriptor_number(const std::string& text) {
  int number = -1;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(text.data(), end, number);
  if (text.empty() || error != std::errc{} || stop != end || number < 0) return std::nullopt;
  return number;
}

// The descriptor of this process that `names` (of an absolute path) designates, if any.
std::optional<int> descriptor_named(const std::vector<std::string>& names) {
  if (names.size() == 2 && names[0] == "dev") {
    if (names[1] == "stdin") return 0;
    if (names[1] == "stdout") return 1;
    if (names[1] == "stderr") return 2;
  }
  if (names.size() == 3 && names[0] == "dev" && names[1] == "fd") {
    return descriptor_number(names[2]);
  }
  if (names.size() == 4 && names[0] == "proc" && names[2] == "fd" &&
      (names[1] == "self" || names[1] == "thread-self" || names[1] == std::to_string(::getpid()))) {
    return descriptor_number(names[3]);
  }
  return std::nullopt;
}

// /proc's files say they are regular but are the kernel's, not ours to replace. (Under /dev
// the file's type decides: a device is written in place, a file on /dev/shm is replaced.)
bool under_proc(const std::vector<std::string>& names) {
  return !names.empty() && names[0] == "proc";
}

}  // namespace

Result<OutputTarget> resolve_output_target(const std::string& path) {
  if (path.empty()) return Status::error(Status::Code::invalid_argument, "--out needs a file name");
  OutputTarget target;
  fs::path current = path;
  for (int links_followed = 0; links_followed <= kLinksFollowedMax; ++links_followed) {
    target.file = current;
    std::vector<std::string> names = names_of(current);
    if (auto descriptor = descriptor_named(names)) {
      target.kind = OutputTarget::Kind::descriptor;
      target.descriptor = *descriptor;
      return target;
    }
    if (under_proc(names)) {
      target.kind = OutputTarget::Kind::in_place;
      return target;
    }
    struct stat status {};
    if (::lstat(current.c_str(), &status) != 0) {  // nothing there yet (creating it tells more)
      target.kind = OutputTarget::Kind::replace;
      return target;
    }
    if (S_ISREG(status.st_mode)) {
      target.kind = OutputTarget::Kind::replace;
      target.permissions = static_cast<fs::perms>(status.st_mode & 07777U);
      target.owner.emplace(status.st_uid, status.st_gid);
      return target;
    }
    if (!S_ISLNK(status.st_mode)) {
      target.kind = OutputTarget::Kind::in_place;
      return target;
    }
    std::error_code error;
    fs::path next = fs::read_symlink(current, error);
    if (error) {
      return Status::error(Status::Code::invalid_argument,
                           "cannot write " + path + ": cannot read the link " + current.string() +
                               " (" + error.message() + ")");
    }
    current = next.is_absolute() ? next : current.parent_path() / next;
    target.through_link = true;
  }
  return Status::error(Status::Code::invalid_argument,
                       "cannot write " + path + ": more than " + std::to_string(kLinksFollowedMax) +
                           " symbolic links in a row (a loop of links?)");
}

}  // namespace coexist::cli
