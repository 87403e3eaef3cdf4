// regiokpi detail: interned strings. Each distinct string gets a dense uint32 id in order of first
// appearance; lookups hash the bytes once (open addressing), and the text stays put in an arena so
// string_views handed out remain valid for the pool's lifetime.
//   detail::string_pool p;  std::uint32_t a = p.intern("Emmen");  p[a] == "Emmen";
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>
#include "regiokpi/export.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

/// A fast non-cryptographic hash of a byte string (8 bytes at a time, multiply-xorshift mixing).
inline std::uint64_t hash_bytes(const char* p, std::size_t n) noexcept {
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ULL;
  auto mix = [](std::uint64_t x) noexcept {
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ULL;
    x ^= x >> 32;
    return x;
  };
  std::uint64_t h = (n + 1) * k;
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = mix(h ^ w) * k;
    p += 8;
    n -= 8;
  }
  // The last 0..7 bytes by at most two overlapping loads (a byte-wise copy would stall on store
  // forwarding when the word is read back).
  std::uint64_t w = 0;
  if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    w = (std::uint64_t{a} << 32) | b;
  } else if (n != 0) {
    const auto u = [](char c) { return std::uint64_t{static_cast<unsigned char>(c)}; };
    w = (u(p[0]) << 16) | (u(p[n >> 1]) << 8) | u(p[n - 1]);
  }
  return mix(h ^ w ^ (n << 59));
}

/// An open-addressing hash set of ids whose keys live elsewhere (the caller's key(id) function).
class id_table {
 public:
  static constexpr std::uint32_t empty = 0xFFFFFFFFu;

  /// Finds the id with this hash for which eq(id) holds, or inserts make_id() if none.
  template <class Eq, class Make>
  std::uint32_t find_or_insert(std::uint64_t h, Eq&& eq, Make&& make_id) {
    if ((count_ + 1) * 4 > slots_.size() * 3) rehash(slots_.empty() ? 64 : slots_.size() * 2);
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      slot& s = slots_[i];
      if (s.id == empty) {
        s.id = make_id();
        s.tag = tag;
        s.low = static_cast<std::uint32_t>(h);
        ++count_;
        return s.id;
      }
      if (s.tag == tag && eq(s.id)) return s.id;
    }
  }

  template <class Eq>
  [[nodiscard]] std::uint32_t find(std::uint64_t h, Eq&& eq) const noexcept {
    if (slots_.empty()) return empty;
    const std::size_t mask = slots_.size() - 1;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = static_cast<std::size_t>(h) & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.id == empty) return empty;
      if (s.tag == tag && eq(s.id)) return s.id;
    }
  }

  void clear() noexcept {
    slots_.clear();
    count_ = 0;
  }

 private:
  struct slot {
    std::uint32_t id = empty;
    std::uint32_t tag = 0;
    std::uint32_t low = 0;
  };

  void rehash(std::size_t n) {
    std::vector<slot> old(n);
    old.swap(slots_);
    const std::size_t mask = n - 1;
    for (const slot& s : old) {
      if (s.id == empty) continue;
      std::size_t i = s.low & mask;
      while (slots_[i].id != empty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<slot> slots_;
  std::size_t count_ = 0;
};

/// Interned strings with dense ids 0, 1, 2 ... in order of first appearance.
class string_pool {
 public:
  string_pool() = default;
  string_pool(const string_pool& other) {
    for (std::string_view s : other.strings_) intern(s);
  }
  string_pool& operator=(const string_pool& other) {
    if (this != &other) {
      string_pool tmp(other);
      swap(tmp);
    }
    return *this;
  }
  string_pool(string_pool&&) noexcept = default;
  string_pool& operator=(string_pool&&) noexcept = default;
  void swap(string_pool& o) noexcept {
    strings_.swap(o.strings_);
    blocks_.swap(o.blocks_);
    std::swap(used_, o.used_);
    std::swap(block_size_, o.block_size_);
    std::swap(table_, o.table_);
  }

  /// The id of s, adding it if new.
  std::uint32_t intern(std::string_view s) { return intern(s, hash_bytes(s.data(), s.size())); }
  std::uint32_t intern(std::string_view s, std::uint64_t h) {
    return table_.find_or_insert(
        h, [&](std::uint32_t id) { return strings_[id] == s; },
        [&] {
          strings_.push_back(store(s));
          return static_cast<std::uint32_t>(strings_.size() - 1);
        });
  }
  /// The id of s, if interned.
  [[nodiscard]] std::optional<std::uint32_t> find(std::string_view s) const noexcept {
    const std::uint32_t id =
        table_.find(hash_bytes(s.data(), s.size()), [&](std::uint32_t i) { return strings_[i] == s; });
    return id == id_table::empty ? std::nullopt : std::optional<std::uint32_t>(id);
  }
  [[nodiscard]] std::string_view operator[](std::uint32_t id) const noexcept { return strings_[id]; }
  [[nodiscard]] std::size_t size() const noexcept { return strings_.size(); }

  /// Forgets every string with an id >= n (rolling back a batch). The arena keeps their bytes.
  void truncate(std::size_t n) {
    if (n >= strings_.size()) return;
    strings_.resize(n);
    table_.clear();
    for (std::uint32_t id = 0; id < strings_.size(); ++id) {
      const std::string_view s = strings_[id];
      table_.find_or_insert(
          hash_bytes(s.data(), s.size()), [](std::uint32_t) { return false; }, [id] { return id; });
    }
  }

 private:
  std::string_view store(std::string_view s) {
    if (s.empty()) return {};
    constexpr std::size_t block = 64 * 1024;
    if (blocks_.empty() || used_ + s.size() > block_size_) {
      block_size_ = std::max(block, s.size());
      blocks_.push_back(std::make_unique<char[]>(block_size_));
      used_ = 0;
    }
    char* dst = blocks_.back().get() + used_;
    std::memcpy(dst, s.data(), s.size());
    used_ += s.size();
    return {dst, s.size()};
  }

  std::vector<std::string_view> strings_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0;
  std::size_t block_size_ = 0;
  id_table table_;
};

}  // namespace detail
REGIOKPI_END_NAMESPACE
