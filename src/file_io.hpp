// Private: the one way the library and the tool read a whole input file. Not installed.
//   std::string text = regiokpi::detail::read_text_file("programme.json");  // throws error(io_error)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

/// Opens `path` for reading and checks that it is a regular file (a directory, device or FIFO is
/// refused: "<path>: not a regular file"). Returns the descriptor and sets `size`; throws
/// error(io_error) naming the path and the system's reason (strerror) on failure.
REGIOKPI_EXPORT int open_regular_file(const std::string& path, std::uint64_t& size);

/// The whole contents of a regular file (open_regular_file); a read error names the path and its reason.
REGIOKPI_EXPORT std::string read_text_file(const std::string& path);

/// Writes all n bytes at `offset` of the open descriptor (pwrite, retried on EINTR and short writes);
/// error(io_error) naming `path` and the system's reason.
REGIOKPI_EXPORT void write_all_at(int fd, const std::string& path, const void* data, std::size_t n,
                                  std::uint64_t offset);

}  // namespace detail
REGIOKPI_END_NAMESPACE
