// The one file reader (file_io.hpp).
#include "file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "regiokpi/error.hpp"
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

int open_regular_file(const std::string& path, std::uint64_t& size) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) throw error(errc::io_error, path + ": cannot open for reading: " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    throw error(errc::io_error, path + ": cannot read its status: " + std::strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    throw error(errc::io_error,
                path + (S_ISDIR(st.st_mode) ? ": not a regular file (a directory)" : ": not a regular file"));
  }
  size = static_cast<std::uint64_t>(st.st_size);
  return fd;
}

std::string read_text_file(const std::string& path) {
  std::uint64_t size = 0;
  const int fd = open_regular_file(path, size);
  std::string out;
  try {
    out.reserve(static_cast<std::size_t>(size));
    char buf[1 << 16];
    for (;;) {
      const ssize_t got = ::read(fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw error(errc::io_error, path + ": read failed: " + std::strerror(errno));
      if (got == 0) break;
      out.append(buf, static_cast<std::size_t>(got));
    }
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  return out;
}

void write_all_at(int fd, const std::string& path, const void* data, std::size_t n, std::uint64_t offset) {
  const char* p = static_cast<const char*>(data);
  while (n != 0) {
    const ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) throw error(errc::io_error, path + ": cannot write: " + std::strerror(w < 0 ? errno : EIO));
    p += w;
    n -= static_cast<std::size_t>(w);
    offset += static_cast<std::uint64_t>(w);
  }
}

}  // namespace detail
REGIOKPI_END_NAMESPACE
