// The tool's one output writer and file reader (command.hpp); what each kind of output path gets is
// described in docs/output-files.md.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <regiokpi/error.hpp>
#include <regiokpi/export.hpp>
#include <string>
#include <string_view>

#include "../file_io.hpp"
#include "command.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace cli {
namespace {

[[noreturn]] void fail(const std::string& path, std::string_view what, int err) {
  throw regiokpi::error(errc::io_error, path + ": " + std::string(what) + ": " + std::strerror(err));
}

/// Writes all of `contents` to `fd`; false (errno set) on failure, a short write included.
bool write_all(int fd, std::string_view contents) {
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = EIO;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
}

/// A path that names an open descriptor rather than a file: written where it points, never replaced.
bool names_descriptor(std::string_view p) {
  return p == "/dev/stdout" || p == "/dev/stderr" || p.starts_with("/dev/fd/") || p.starts_with("/proc/self/fd/");
}

/// Writes in place to something that is not a regular file (a device, a FIFO, a terminal, a socket
/// named by /dev/fd/N): opened without O_CREAT, so nothing new is created and nothing is replaced.
void write_in_place(const std::string& path, const output_producer& produce) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) fail(path, "cannot open for writing", errno);
  try {
    produce([&](std::string_view piece) {
      if (!write_all(fd, piece)) fail(path, "write failed", errno);
    });
  } catch (...) {
    ::close(fd);
    throw;
  }
  if (::close(fd) != 0 && errno != EINTR) fail(path, "write failed", errno);
}

/// The file a path finally names: symbolic links followed (to a target that may not exist yet).
std::string resolve_links(const std::string& path) {
  std::string cur = path;
  for (int hops = 0; hops < 40; ++hops) {
    struct stat st {};
    if (::lstat(cur.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return cur;
    std::string link(PATH_MAX, '\0');
    const ssize_t n = ::readlink(cur.c_str(), link.data(), link.size());
    if (n < 0) fail(path, "cannot read the symbolic link", errno);
    link.resize(static_cast<std::size_t>(n));
    if (!link.starts_with('/')) {
      const auto slash = cur.rfind('/');
      if (slash != std::string::npos) link = cur.substr(0, slash + 1) + link;
    }
    cur = link;
  }
  fail(path, "cannot follow the symbolic links", ELOOP);
}

/// Replaces the regular file `target` (or creates it) atomically: a temporary file in the same
/// directory, written, flushed to disk, given the old file's mode and owner, renamed over it.
void replace_atomically(const std::string& path, const std::string& target, const struct stat* old,
                        const output_producer& produce) {
  const auto slash = target.rfind('/');
  const std::string dir = slash == std::string::npos ? std::string(".") : target.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  // ".<up to 64 bytes of the name>.tmp-XXXXXX" is at most 76 bytes: it fits NAME_MAX whatever the name.
  if (base.size() > 64) base.resize(64);
  std::string tmp = (slash == std::string::npos ? std::string() : dir) + "." + base + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) fail(path, "cannot create a temporary file in " + dir, errno);
  bool closed = false;
  const auto give_up = [&](std::string_view what, int e) {
    closed = true;
    ::close(fd);
    ::unlink(tmp.c_str());
    fail(path, what, e);
  };
  if (old != nullptr) {
    // Keep the owner (possible as root, or when it is already ours) and then the mode, set-id bits included.
    if (::fchown(fd, old->st_uid, old->st_gid) != 0 && errno != EPERM) give_up("cannot keep the owner", errno);
    if (::fchmod(fd, old->st_mode & 07777) != 0) give_up("cannot keep the permissions", errno);
  } else {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    if (::fchmod(fd, 0666 & ~mask) != 0) give_up("cannot set the permissions", errno);
  }
  try {
    produce([&](std::string_view piece) {
      if (!write_all(fd, piece)) give_up("write failed", errno);
    });
  } catch (...) {
    if (!closed) {  // (give_up removed it already)
      ::close(fd);
      ::unlink(tmp.c_str());
    }
    throw;
  }
  if (::fsync(fd) != 0) give_up("write failed (fsync)", errno);
  if (::close(fd) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(path, "write failed (close)", e);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    fail(path, "cannot replace " + (target == path ? std::string("the file") : target), e);
  }
}

}  // namespace

std::string read_file(const std::string& path) { return regiokpi::detail::read_text_file(path); }

void write_stdout(std::string_view contents) {
  write_stdout([&](const output_sink& put) { put(contents); });
}

void write_stdout(const output_producer& produce) {
  std::cout.flush();
  produce([](std::string_view piece) {
    // (fwrite's buffer must not be null, even for no bytes: an empty string_view's data() may be)
    if (!piece.empty() && std::fwrite(piece.data(), 1, piece.size(), stdout) != piece.size())
      fail("standard output", "write failed", errno);
  });
  if (std::fflush(stdout) != 0) fail("standard output", "write failed", errno);
}

void write_output(const std::string& path, std::string_view contents) {
  write_output(path, [&](const output_sink& put) { put(contents); });
}

void write_output(const std::string& path, const output_producer& contents) {
  if (path.empty() || path == "-") return write_stdout(contents);
  if (names_descriptor(path)) return write_in_place(path, contents);
  const std::string target = resolve_links(path);
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {
    if (errno != ENOENT) fail(path, "cannot write", errno);
    return replace_atomically(path, target, nullptr, contents);
  }
  if (S_ISDIR(st.st_mode)) fail(path, "cannot write", EISDIR);
  if (!S_ISREG(st.st_mode)) return write_in_place(target, contents);
  if (st.st_nlink > 1)
    std::cerr << "regiokpi: warning: " << path << " has " << st.st_nlink
              << " hard links; it is replaced under this name only, the other names keep the old contents\n";
  replace_atomically(path, target, &st, contents);
}

}  // namespace cli
REGIOKPI_END_NAMESPACE
