// regiokpi detail: a growable array of trivially copyable values for the measurement store's columns.
// Large columns live in anonymous mappings advised for transparent huge pages and grow with mremap,
// because first-touching fresh 4 KiB pages costs more than parsing the CSV that fills them.
//   detail::column<double> v;  v.push_back(1.5);  std::span<const double> s = v;
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <span>
#include <type_traits>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace regiokpi::detail {

template <class T>
class column {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  column() = default;
  column(const column& other) { assign(other.data(), other.size()); }
  column(column&& other) noexcept { swap(other); }
  column& operator=(const column& other) {
    if (this != &other) {
      size_ = 0;
      assign(other.data(), other.size());
    }
    return *this;
  }
  column& operator=(column&& other) noexcept {
    column tmp(std::move(other));
    swap(tmp);
    return *this;
  }
  ~column() { release(); }

  void swap(column& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    std::swap(mapped_, other.mapped_);
  }

  [[nodiscard]] T* data() noexcept { return data_; }
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  T& operator[](std::size_t i) noexcept { return data_[i]; }
  const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  T* begin() noexcept { return data_; }
  T* end() noexcept { return data_ + size_; }
  const T* begin() const noexcept { return data_; }
  const T* end() const noexcept { return data_ + size_; }
  operator std::span<const T>() const noexcept { return {data_, size_}; }
  operator std::span<T>() noexcept { return {data_, size_}; }

  void push_back(const T& v) {
    if (size_ == capacity_) grow(size_ + 1);
    data_[size_++] = v;
  }
  /// Appends n copies of v.
  void append(std::size_t n, const T& v) {
    reserve(size_ + n);
    std::fill_n(data_ + size_, n, v);
    size_ += n;
  }
  void append(const T* src, std::size_t n) {
    if (n == 0) return;
    reserve(size_ + n);
    std::memcpy(static_cast<void*>(data_ + size_), src, n * sizeof(T));
    size_ += n;
  }
  /// Grows to n elements without initialising the new ones (the caller writes them).
  void resize_uninitialized(std::size_t n) {
    reserve(n);
    size_ = n;
  }
  void resize(std::size_t n, const T& v = T{}) {
    if (n > size_) append(n - size_, v);
    size_ = n;
  }
  void truncate(std::size_t n) noexcept { size_ = std::min(size_, n); }
  void clear() noexcept { size_ = 0; }
  void reserve(std::size_t n) {
    if (n > capacity_) grow(n);
  }

 private:
  static constexpr std::size_t huge_bytes = std::size_t{2} << 20;

  void assign(const T* src, std::size_t n) {
    reserve(n);
    if (n != 0) std::memcpy(static_cast<void*>(data_), src, n * sizeof(T));
    size_ = n;
  }

  void grow(std::size_t want) {
    std::size_t cap = std::max<std::size_t>({want, capacity_ + capacity_ / 2, 16});
    std::size_t bytes = cap * sizeof(T);
#if defined(__linux__)
    if (bytes >= huge_bytes) {
      bytes = (bytes + huge_bytes - 1) / huge_bytes * huge_bytes;
      cap = bytes / sizeof(T);
      void* p = nullptr;
      if (mapped_) {
        p = ::mremap(data_, capacity_ * sizeof(T), bytes, MREMAP_MAYMOVE);
      } else {
        p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p != MAP_FAILED && size_ != 0) std::memcpy(p, static_cast<const void*>(data_), size_ * sizeof(T));
        if (p != MAP_FAILED) std::free(data_);
      }
      if (p == MAP_FAILED) throw std::bad_alloc();
      ::madvise(p, bytes, MADV_HUGEPAGE);
      data_ = static_cast<T*>(p);
      capacity_ = cap;
      mapped_ = true;
      return;
    }
#endif
    void* p = std::realloc(static_cast<void*>(data_), bytes);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
    capacity_ = cap;
  }

  void release() noexcept {
#if defined(__linux__)
    if (mapped_) {
      ::munmap(data_, capacity_ * sizeof(T));
      data_ = nullptr;
      return;
    }
#endif
    std::free(data_);
    data_ = nullptr;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool mapped_ = false;
};

}  // namespace regiokpi::detail
