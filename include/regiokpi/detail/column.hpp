// regiokpi detail: a growable array of trivially copyable values for the measurement store's columns.
// Large columns live in anonymous mappings advised for transparent huge pages and grow with mremap,
// because first-touching fresh 4 KiB pages costs more than parsing the CSV that fills them. The
// memory calls are in the library (src/column.cpp), so this header pulls in no system headers.
//   detail::column<double> v;  v.push_back(1.5);  std::span<const double> s = v;
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>

#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

/// Resizes a column's block to at least `bytes` (rounded up in place to what was reserved), keeping
/// its first `used` bytes: malloc'd below 2 MiB, an anonymous huge-page mapping from there (Linux).
/// `capacity` is the block's current size in bytes, `mapped` whether it is a mapping (updated).
/// Throws std::bad_alloc and leaves the old block as it was.
REGIOKPI_EXPORT void* column_grow(void* data, std::size_t used, std::size_t capacity, std::size_t& bytes, bool& mapped);
/// Frees a block column_grow returned.
REGIOKPI_EXPORT void column_free(void* data, std::size_t capacity, bool mapped) noexcept;

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
    std::swap(borrowed_, other.borrowed_);
  }

  /// Makes the column a read-only view of n values owned elsewhere (a mapped store file, which must
  /// outlive it); the first write that grows it copies them into a block of its own.
  void borrow(const T* values, std::size_t n) noexcept {
    release();
    data_ = const_cast<T*>(values);
    size_ = capacity_ = n;
    mapped_ = false;
    borrowed_ = true;
  }
  /// Makes the column an empty, writable window onto room for `capacity` values owned elsewhere
  /// (part of a larger column that must outlive it): appends fill the window in place; one past the
  /// room copies what is there into a block of its own first, as a borrowed column does.
  void window(T* room, std::size_t capacity) noexcept {
    release();
    data_ = room;
    size_ = 0;
    capacity_ = capacity;
    mapped_ = false;
    borrowed_ = true;
  }
  [[nodiscard]] bool borrowed() const noexcept { return borrowed_; }

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
  void assign(const T* src, std::size_t n) {
    reserve(n);
    if (n != 0) std::memcpy(static_cast<void*>(data_), src, n * sizeof(T));
    size_ = n;
  }

  void grow(std::size_t want) {
    std::size_t bytes = std::max<std::size_t>({want, capacity_ + capacity_ / 2, 16}) * sizeof(T);
    if (borrowed_) {
      bool mapped = false;
      T* fresh = static_cast<T*>(column_grow(nullptr, 0, 0, bytes, mapped));
      if (size_ != 0) std::memcpy(static_cast<void*>(fresh), data_, size_ * sizeof(T));
      data_ = fresh;
      capacity_ = bytes / sizeof(T);
      mapped_ = mapped;
      borrowed_ = false;
      return;
    }
    data_ = static_cast<T*>(column_grow(data_, size_ * sizeof(T), capacity_ * sizeof(T), bytes, mapped_));
    capacity_ = bytes / sizeof(T);
  }

  void release() noexcept {
    if (!borrowed_) column_free(data_, capacity_ * sizeof(T), mapped_);
    data_ = nullptr;
    size_ = capacity_ = 0;
    borrowed_ = false;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  bool mapped_ = false;
  bool borrowed_ = false;
};

}  // namespace detail
REGIOKPI_END_NAMESPACE
