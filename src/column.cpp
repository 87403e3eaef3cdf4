// regiokpi: the memory behind detail::column (include/regiokpi/detail/column.hpp): malloc for small
// columns, an anonymous mapping advised for transparent huge pages and grown with mremap for large
// ones. Here, not in the header, so that no user's translation unit includes <sys/mman.h>.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#include "regiokpi/detail/column.hpp"
#include "regiokpi/export.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#endif

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

namespace {
constexpr std::size_t huge_bytes = std::size_t{2} << 20;
}  // namespace

void* column_grow(void* data, std::size_t used, std::size_t capacity, std::size_t& bytes, bool& mapped) {
#if defined(__linux__)
  if (bytes >= huge_bytes) {
    bytes = (bytes + huge_bytes - 1) / huge_bytes * huge_bytes;
    void* p = nullptr;
    if (mapped) {
      p = ::mremap(data, capacity, bytes, MREMAP_MAYMOVE);
    } else {
      p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p != MAP_FAILED && used != 0) std::memcpy(p, data, used);
      if (p != MAP_FAILED) std::free(data);
    }
    if (p == MAP_FAILED) throw std::bad_alloc();
    ::madvise(p, bytes, MADV_HUGEPAGE);
    mapped = true;
    return p;
  }
#else
  (void)used;
  (void)capacity;
#endif
  void* p = std::realloc(data, bytes);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void column_free(void* data, std::size_t capacity, bool mapped) noexcept {
#if defined(__linux__)
  if (mapped) {
    ::munmap(data, capacity);
    return;
  }
#else
  (void)capacity;
  (void)mapped;
#endif
  std::free(data);
}

}  // namespace detail
REGIOKPI_END_NAMESPACE
