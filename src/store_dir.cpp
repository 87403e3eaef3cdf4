// regiokpi: store directories (store_dir.hpp, docs/store.md): batches as Arrow IPC files, a JSON
// manifest published by atomic rename, one writer at a time under an advisory lock.
#include "regiokpi/store_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "arrow_ipc.hpp"
#include "file_io.hpp"
#include "ingest_checker.hpp"
#include "regiokpi/programme.hpp"
#include "store_detail.hpp"

REGIOKPI_BEGIN_NAMESPACE
namespace detail {

namespace ipc = arrow_ipc;
using json = nlohmann::json;

namespace {

constexpr const char* manifest_name = "manifest.json";
constexpr const char* manifest_tmp = "manifest.json.tmp";
constexpr const char* lock_name = "lock";
constexpr int format_version = 1;
// Dates a store accepts: the years 1..9999 that CSV ingest accepts.
constexpr std::int32_t first_day = days_from_civil(1, 1, 1), last_day = days_from_civil(9999, 12, 31);

std::string join(const std::string& dir, const std::string& name) {
  return dir.empty() || dir.back() == '/' ? dir + name : dir + "/" + name;
}

[[noreturn]] void fail_errno(const std::string& what) {
  const int e = errno;
  throw error(errc::io_error, what + ": " + std::strerror(e));
}

void fsync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) fail_errno(path + ": cannot open to sync");
  const int r = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (r != 0) throw error(errc::io_error, path + ": cannot sync: " + std::strerror(e));
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string file_name(const char* stem, std::uint64_t generation) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s-%06llu.arrow", stem, static_cast<unsigned long long>(generation));
  return buf;
}

// ---- the manifest -------------------------------------------------------------------------------

/// A batch as the manifest (and `store info --format json`) writes it; a merged batch, which has no
/// file of its own any more, without file, bytes and checksum.
json batch_json(const store_batch& b) {
  json j = {{"source", b.source}, {"imported_at", b.imported_at}, {"rows", b.rows}};
  if (!b.file.empty()) j.update({{"file", b.file}, {"bytes", b.bytes}, {"checksum", b.checksum}});
  j["first_date"] = b.first ? json(format_date(*b.first)) : json(nullptr);
  j["last_date"] = b.last ? json(format_date(*b.last)) : json(nullptr);
  if (!b.merged.empty()) {
    json m = json::array();
    for (const auto& x : b.merged) m.push_back(batch_json(x));
    j["merged"] = std::move(m);
  }
  return j;
}

std::string manifest_checksum(json j) {
  j.erase("checksum");
  const std::string text = j.dump();
  checksum64 c;
  c.update(text.data(), text.size());
  return checksum_text(c.value());
}

/// What the manifest and store_summary_to_json share: counts, dimensions, batches, dictionaries.
json summary_json(const store_summary& s) {
  json j = {{"generation", s.generation}, {"dimensions", s.dimensions}, {"rows", s.rows}, {"series", s.series}};
  json b = json::array(), d = json::array();
  for (const auto& x : s.batches) b.push_back(batch_json(x));
  for (const auto& x : s.dictionaries) d.push_back(batch_json(x));
  j["batches"] = std::move(b);
  j["dictionaries"] = std::move(d);
  return j;
}

std::string manifest_text(const store_summary& s) {
  json j = summary_json(s);
  j["format"] = "regiokpi-store";
  j["version"] = format_version;
  j["checksum"] = manifest_checksum(j);
  return j.dump(2) + "\n";
}

/// Reads fields of the manifest with the JSON pointer of each problem.
struct manifest_reader {
  std::string path;
  [[noreturn]] void fail(const std::string& pointer, const std::string& why) const {
    throw error(errc::parse_error, path + ": " + pointer + ": " + why);
  }
  const json& at(const json& j, const std::string& pointer, const char* key) const {
    if (!j.is_object() || !j.contains(key)) fail(pointer, std::string("missing \"") + key + "\"");
    return j.at(key);
  }
  std::uint64_t count(const json& j, const std::string& pointer, const char* key) const {
    const json& v = at(j, pointer, key);
    if (!v.is_number_unsigned()) fail(pointer + "/" + key, "not a whole number 0 or more");
    return v.get<std::uint64_t>();
  }
  std::string text(const json& j, const std::string& pointer, const char* key) const {
    const json& v = at(j, pointer, key);
    if (!v.is_string()) fail(pointer + "/" + key, "not a string");
    return v.get<std::string>();
  }
  std::optional<date> day(const json& j, const std::string& pointer, const char* key) const {
    const json& v = at(j, pointer, key);
    if (v.is_null()) return std::nullopt;
    if (!v.is_string()) fail(pointer + "/" + key, "not a date");
    try {
      return parse_date(v.get<std::string>());
    } catch (const error& e) {
      fail(pointer + "/" + key, e.what());
    }
  }
  store_batch batch(const json& j, const std::string& pointer, bool with_file) const {
    store_batch b;
    if (with_file) {
      b.file = text(j, pointer, "file");
      const bool plain = !b.file.empty() && b.file.find('/') == std::string::npos && b.file != "." && b.file != "..";
      if (!plain) fail(pointer + "/file", "not a file name inside the store");
    }
    b.source = text(j, pointer, "source");
    b.imported_at = text(j, pointer, "imported_at");
    b.rows = count(j, pointer, "rows");
    if (with_file) {
      b.bytes = count(j, pointer, "bytes");
      b.checksum = text(j, pointer, "checksum");
    }
    b.first = day(j, pointer, "first_date");
    b.last = day(j, pointer, "last_date");
    if (j.contains("merged")) {
      const json& m = j.at("merged");
      if (!m.is_array()) fail(pointer + "/merged", "not an array");
      for (std::size_t k = 0; k < m.size(); ++k)
        b.merged.push_back(batch(m[k], pointer + "/merged/" + std::to_string(k), false));
    }
    return b;
  }
};

/// The manifest of `dir`, or nullopt when there is none (no store yet).
std::optional<store_summary> read_manifest(const std::string& dir) {
  const std::string path = join(dir, manifest_name);
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0) {
    if (errno == ENOENT) return std::nullopt;
    fail_errno(path);
  }
  const std::string text = read_text_file(path);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw error(errc::parse_error, path + ": not JSON (damaged?): " + e.what());
  }
  const manifest_reader r{path};
  if (!j.is_object() || !j.contains("format") || j["format"] != "regiokpi-store")
    r.fail("/format", "not a regiokpi store manifest");
  if (r.count(j, "", "version") != format_version)
    r.fail("/version", "store format version " + j["version"].dump() + " is not " + std::to_string(format_version));
  const std::string sum = r.text(j, "", "checksum");
  if (sum != manifest_checksum(j)) r.fail("/checksum", "the manifest does not match its checksum (damaged)");
  store_summary s;
  s.path = dir;
  s.generation = r.count(j, "", "generation");
  const json& dims = r.at(j, "", "dimensions");
  if (!dims.is_array()) r.fail("/dimensions", "not an array");
  for (std::size_t k = 0; k < dims.size(); ++k) {
    if (!dims[k].is_string()) r.fail("/dimensions/" + std::to_string(k), "not a string");
    s.dimensions.push_back(dims[k].get<std::string>());
  }
  s.rows = r.count(j, "", "rows");
  s.series = r.count(j, "", "series");
  for (const char* key : {"batches", "dictionaries"}) {
    const json& arr = r.at(j, "", key);
    if (!arr.is_array()) r.fail(std::string("/") + key, "not an array");
    for (std::size_t k = 0; k < arr.size(); ++k) {
      store_batch b = r.batch(arr[k], std::string("/") + key + "/" + std::to_string(k), true);
      (std::strcmp(key, "batches") == 0 ? s.batches : s.dictionaries).push_back(std::move(b));
    }
  }
  if (s.dictionaries.size() != 2) r.fail("/dictionaries", "expected the series and the strings file");
  std::size_t rows = 0;
  for (const auto& b : s.batches) rows += b.rows;
  if (rows != s.rows)
    r.fail("/rows", "the batches hold " + std::to_string(rows) + " rows, not " + std::to_string(s.rows));
  return s;
}

// ---- files ---------------------------------------------------------------------------------------

/// Writes a new file in the store (refusing to replace one), fsynced; returns its manifest entry.
store_batch write_arrow(const std::string& dir, const std::string& name, std::span<const ipc::column_out> cols,
                        std::size_t rows, std::vector<std::pair<std::string, std::string>> meta) {
  const std::string path = join(dir, name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail_errno(path + ": cannot create");
  ipc::written w;
  try {
    w = ipc::write_file(fd, path, cols, rows, meta);
    if (::fsync(fd) != 0) fail_errno(path + ": cannot sync");
  } catch (...) {
    ::close(fd);
    ::unlink(path.c_str());
    throw;
  }
  if (::close(fd) != 0) fail_errno(path + ": cannot close");
  store_batch b;
  b.file = name;
  b.rows = rows;
  b.bytes = w.bytes;
  b.checksum = checksum_text(w.checksum);
  return b;
}

/// A utf8 column's offsets and bytes, built from strings.
struct utf8_build {
  std::vector<std::int32_t> offsets{0};
  std::string bytes;
  void add(std::string_view s) {
    bytes.append(s);
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
      throw error(errc::overflow, "more than 2 GiB of strings in one store dictionary");
    offsets.push_back(static_cast<std::int32_t>(bytes.size()));
  }
  ipc::column_out column(std::string name) const {
    return {.name = std::move(name), .type = ipc::kind::utf8, .data = bytes.data(), .offsets = offsets.data()};
  }
};

/// LSB-first validity bitmap of `n` flags; counts the zeros.
std::vector<std::uint8_t> bitmap(std::size_t n, auto&& present, std::size_t& nulls) {
  std::vector<std::uint8_t> bits((n + 7) / 8, 0);
  nulls = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (present(i))
      bits[i >> 3] = static_cast<std::uint8_t>(bits[i >> 3] | (1u << (i & 7)));
    else
      ++nulls;
  }
  return bits;
}

/// Whether any file of `dir` is the store's and not named by the manifest: those are removed.
bool ours(std::string_view name) {
  for (std::string_view stem : {"batch-", "series-", "strings-"})
    if (name.starts_with(stem) && name.ends_with(".arrow")) return true;
  return name == manifest_tmp;
}

void remove_unreferenced(const std::string& dir, const std::optional<store_summary>& m) {
  std::set<std::string> keep;
  if (m) {
    for (const auto& b : m->batches) keep.insert(b.file);
    for (const auto& b : m->dictionaries) keep.insert(b.file);
  }
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return;
  std::vector<std::string> doomed;
  while (const dirent* e = ::readdir(d))
    if (ours(e->d_name) && keep.count(e->d_name) == 0) doomed.emplace_back(e->d_name);
  ::closedir(d);
  for (const auto& name : doomed) ::unlink(join(dir, name).c_str());
}

/// The writer's lock: an flock on DIR/lock, which names its holder.
class store_lock {
 public:
  store_lock(const std::string& dir, bool wait, const std::string& what) {
    const std::string path = join(dir, lock_name);
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) fail_errno(path + ": cannot open the store's lock");
    while (::flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      std::string holder(256, '\0');
      const ssize_t n = ::pread(fd_, holder.data(), holder.size(), 0);
      holder.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
      ::close(fd_);
      if (e == EWOULDBLOCK)
        throw error(errc::io_error, dir + ": the store is being written by another process (" +
                                        (holder.empty() ? std::string("unknown") : holder) +
                                        "); try again when it is done, or pass --wait");
      throw error(errc::io_error, path + ": cannot lock: " + std::strerror(e));
    }
    const std::string me = "pid " + std::to_string(::getpid()) + ", " + what + ", since " + utc_now() + "\n";
    if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, me.data(), me.size(), 0) < 0) {
      // The holder's name is a courtesy for the error message of a second writer; not fatal.
    }
  }
  store_lock(const store_lock&) = delete;
  store_lock& operator=(const store_lock&) = delete;
  ~store_lock() { ::close(fd_); }  // closing releases the flock (as does the process dying)

 private:
  int fd_ = -1;
};

/// Creates the store directory when missing; true when this call created it.
bool make_directory(const std::string& dir) {
  struct stat sb {};
  if (::stat(dir.c_str(), &sb) == 0) {
    if (!S_ISDIR(sb.st_mode)) throw error(errc::io_error, dir + ": not a directory");
    return false;
  }
  if (::mkdir(dir.c_str(), 0755) != 0) {
    if (errno == EEXIST) return false;
    fail_errno(dir + ": cannot create the store directory");
  }
  const auto slash = dir.find_last_of('/');
  fsync_path(slash == std::string::npos ? "." : slash == 0 ? "/" : dir.substr(0, slash), true);
  return true;
}

/// Runs a first write into a directory this call created; when it fails, the directory goes again
/// (with its lock and whatever the writer left), so a rejected first batch leaves nothing behind.
template <class Write>
auto first_write(const std::string& dir, bool created, Write&& write) {
  try {
    return write();
  } catch (...) {
    if (created && !read_manifest(dir)) {
      remove_unreferenced(dir, std::nullopt);
      ::unlink(join(dir, lock_name).c_str());
      ::rmdir(dir.c_str());  // fails, harmlessly, if anything else is in it
    }
    throw;
  }
}

}  // namespace

/// The store's friend for files: builds a measurement_store from mapped files and writes its columns.
struct store_files {
  // ---- writing ----------------------------------------------------------------------------------

  static store_batch write_rows(const measurement_store& st, const std::string& dir, const std::string& name,
                                std::size_t a, std::size_t b) {
    const std::size_t n = b - a;
    std::vector<ipc::column_out> cols;
    cols.push_back({.name = "series", .type = ipc::kind::uint32, .data = st.series_.data() + a});
    cols.push_back({.name = "date", .type = ipc::kind::date32, .data = st.day_.data() + a});
    cols.push_back({.name = "value", .type = ipc::kind::float64, .data = st.value_.data() + a});
    static_assert(sizeof(measurement_status) == 1);
    if (st.has_status_) cols.push_back({.name = "status", .type = ipc::kind::uint8, .data = st.status_.data() + a});
    if (st.has_source_) cols.push_back({.name = "source", .type = ipc::kind::uint32, .data = st.source_.data() + a});
    std::vector<std::uint8_t> rec_bits, text_bits;
    if (st.has_recorded_at_) {
      std::size_t nulls = 0;
      const std::int32_t* r = st.recorded_at_.data() + a;
      rec_bits = bitmap(
          n, [&](std::size_t i) { return r[i] != no_day; }, nulls);
      cols.push_back({.name = "recorded_at",
                      .type = ipc::kind::date32,
                      .data = r,
                      .validity = rec_bits.data(),
                      .null_count = nulls,
                      .nullable = true});
    }
    if (st.has_revision_)
      cols.push_back({.name = "revision", .type = ipc::kind::uint32, .data = st.revision_.data() + a});
    if (st.has_note_) cols.push_back({.name = "note", .type = ipc::kind::uint32, .data = st.note_.data() + a});
    // Text values: a nullable column of text ids, present only when the rows carry some.
    const auto lo = std::lower_bound(st.text_rows_.begin(), st.text_rows_.end(), a);
    const auto hi = std::lower_bound(st.text_rows_.begin(), st.text_rows_.end(), b);
    std::vector<std::uint32_t> text_ids;
    if (lo != hi) {
      text_ids.assign(n, 0);
      std::vector<std::uint8_t> present(n, 0);
      for (auto it = lo; it != hi; ++it) {
        const std::size_t k = static_cast<std::size_t>(it - st.text_rows_.begin());
        text_ids[*it - a] = st.text_ids_[k];
        present[*it - a] = 1;
      }
      std::size_t nulls = 0;
      text_bits = bitmap(
          n, [&](std::size_t i) { return present[i] != 0; }, nulls);
      cols.push_back({.name = "text",
                      .type = ipc::kind::uint32,
                      .data = text_ids.data(),
                      .validity = text_bits.data(),
                      .null_count = nulls,
                      .nullable = true});
    }
    store_batch out = write_arrow(dir, name, cols, n, {{"regiokpi.file", "rows"}});
    if (n != 0) {
      const auto [mn, mx] = std::minmax_element(st.day_.data() + a, st.day_.data() + b);
      out.first = date::from_day_number(*mn);
      out.last = date::from_day_number(*mx);
    }
    return out;
  }

  /// The series file (series id, indicator and one column per dimension as text, for any reader;
  /// then the same as ids, for store_open) and the strings file (the interned strings in id order).
  static std::vector<store_batch> write_dictionaries(const measurement_store& st, const std::string& dir,
                                                     std::uint64_t generation) {
    const std::size_t ns = st.series_count(), nd = st.dimensions_.size();
    std::vector<std::uint32_t> ids(ns);
    for (std::size_t s = 0; s < ns; ++s) ids[s] = static_cast<std::uint32_t>(s);
    utf8_build ind;
    std::vector<utf8_build> dims(nd);
    std::vector<std::vector<std::uint32_t>> member_ids(nd, std::vector<std::uint32_t>(ns));
    for (std::size_t s = 0; s < ns; ++s) {
      ind.add(st.indicators_[st.series_indicator_[s]]);
      for (std::size_t d = 0; d < nd; ++d) {
        const std::uint32_t m = st.series_members_[s * nd + d];
        dims[d].add(st.members_[m]);
        member_ids[d][s] = m;
      }
    }
    std::vector<ipc::column_out> cols;
    cols.push_back({.name = "series", .type = ipc::kind::uint32, .data = ids.data()});
    cols.push_back(ind.column("indicator"));
    for (std::size_t d = 0; d < nd; ++d) cols.push_back(dims[d].column(st.dimensions_[d]));
    cols.push_back({.name = "indicator_id", .type = ipc::kind::uint32, .data = st.series_indicator_.data()});
    for (std::size_t d = 0; d < nd; ++d)
      cols.push_back({.name = st.dimensions_[d] + "_id", .type = ipc::kind::uint32, .data = member_ids[d].data()});
    std::vector<store_batch> out;
    out.push_back(write_arrow(dir, file_name("series", generation), cols, ns,
                              {{"regiokpi.file", "series"}, {"regiokpi.dimensions", std::to_string(nd)}}));

    std::vector<std::uint8_t> pool;
    utf8_build text;
    auto add_pool = [&](const string_pool& p, std::uint8_t code) {
      for (std::uint32_t i = 0; i < p.size(); ++i) {
        pool.push_back(code);
        text.add(p[i]);
      }
    };
    add_pool(st.indicators_, 0);
    add_pool(st.members_, 1);
    add_pool(st.texts_, 2);
    const std::vector<ipc::column_out> scols{{.name = "pool", .type = ipc::kind::uint8, .data = pool.data()},
                                             text.column("string")};
    out.push_back(write_arrow(dir, file_name("strings", generation), scols, pool.size(),
                              {{"regiokpi.file", "strings"}, {"regiokpi.pools", "0 indicator, 1 member, 2 text"}}));
    return out;
  }

  // ---- reading ----------------------------------------------------------------------------------

  /// Builds the store a manifest describes. Columns of a single batch are borrowed from its mapping.
  static measurement_store open(const std::string& dir, const store_summary& m) {
    measurement_store st;
    auto where = [&](const std::string& file) { return join(dir, file); };
    auto damaged = [&](const std::string& file, const std::string& why) {
      return error(errc::parse_error, where(file) + ": " + why + " (run `regiokpi store verify`)");
    };
    st.dimensions_ = m.dimensions;
    const std::size_t nd = m.dimensions.size();
    // Strings, in id order.
    {
      const std::string& file = m.dictionaries[1].file;
      const ipc::table t = ipc::read_file(where(file));
      const ipc::column_in* pool = t.find("pool");
      const ipc::column_in* text = t.find("string");
      if (pool == nullptr || pool->type != ipc::kind::uint8 || text == nullptr || text->type != ipc::kind::utf8 ||
          pool->null_count != 0 || text->null_count != 0)
        throw damaged(file, "not a strings file (columns pool: uint8, string: utf8)");
      const auto* codes = pool->values<std::uint8_t>();
      std::uint8_t last = 0;
      for (std::size_t i = 0; i < t.rows; ++i) {
        const std::uint8_t c = codes[i];
        if (c > 2 || c < last) throw damaged(file, "row " + std::to_string(i + 1) + ": pools out of order");
        last = c;
        const std::string_view s = text->string(i);
        if (!utf8_problem("string", s).empty()) throw damaged(file, "row " + std::to_string(i + 1) + ": not UTF-8");
        string_pool& p = c == 0 ? st.indicators_ : c == 1 ? st.members_ : st.texts_;
        const std::size_t before = p.size();
        p.intern(s);
        if (p.size() == before) throw damaged(file, "row " + std::to_string(i + 1) + ": a string twice in a pool");
      }
    }
    // Series.
    {
      const std::string& file = m.dictionaries[0].file;
      const ipc::table t = ipc::read_file(where(file));
      if (t.rows != m.series)
        throw damaged(file, std::to_string(t.rows) + " series, the manifest says " + std::to_string(m.series));
      if (t.columns.size() != 2 * nd + 3)
        throw damaged(file, "not a series file for " + std::to_string(nd) + " dimensions");
      std::vector<const std::uint32_t*> id_cols;
      for (std::size_t k = nd + 2; k < t.columns.size(); ++k) {
        const ipc::column_in& c = t.columns[k];
        if (c.type != ipc::kind::uint32 || c.null_count != 0)
          throw damaged(file, "column " + quote(c.name) + " is not uint32");
        id_cols.push_back(c.values<std::uint32_t>());
      }
      std::vector<std::uint32_t> key(nd + 1);
      st.series_indicator_.reserve(t.rows);
      st.series_members_.reserve(t.rows * nd);
      for (std::size_t s = 0; s < t.rows; ++s) {
        key[0] = id_cols[0][s];
        if (key[0] >= st.indicators_.size()) throw damaged(file, "series " + std::to_string(s) + ": no such indicator");
        for (std::size_t d = 0; d < nd; ++d) {
          key[d + 1] = id_cols[d + 1][s];
          if (key[d + 1] >= st.members_.size()) throw damaged(file, "series " + std::to_string(s) + ": no such member");
        }
        if (store_access::add_series(st, key.data()) != s)
          throw damaged(file, "series " + std::to_string(s) + " twice");
      }
    }
    // Batches.
    std::vector<ipc::table> tables;
    bool status = false, source = false, recorded = false, revision = false, note = false;
    for (const auto& b : m.batches) {
      ipc::table t = ipc::read_file(where(b.file));
      if (t.rows != b.rows)
        throw damaged(b.file, std::to_string(t.rows) + " rows, the manifest says " + std::to_string(b.rows));
      auto col = [&](const char* name, ipc::kind k, bool required) -> const ipc::column_in* {
        const ipc::column_in* c = t.find(name);
        if (c == nullptr) {
          if (required) throw damaged(b.file, std::string("no column \"") + name + "\"");
          return nullptr;
        }
        if (c->type != k) throw damaged(b.file, std::string("column \"") + name + "\" has the wrong type");
        const bool nullable = std::strcmp(name, "recorded_at") == 0 || std::strcmp(name, "text") == 0;
        if (!nullable && c->null_count != 0) throw damaged(b.file, std::string("column \"") + name + "\" has nulls");
        return c;
      };
      const std::size_t n = t.rows;
      const auto* series = col("series", ipc::kind::uint32, true)->values<std::uint32_t>();
      const auto* days = col("date", ipc::kind::date32, true)->values<std::int32_t>();
      const auto* values = col("value", ipc::kind::float64, true)->values<double>();
      // One pass over the row columns: ids in range, dates in 1..9999, values finite.
      // Large batches are checked by two threads, each over half the rows (this pass over the mapped
      // pages is most of what opening costs).
      const auto ns = static_cast<std::uint32_t>(st.series_count());
      struct rows_check {
        std::uint32_t bad_series = 0;
        std::int32_t lo = std::numeric_limits<std::int32_t>::max(), hi = std::numeric_limits<std::int32_t>::min();
        bool finite = true;
      };
      auto check_rows = [&](std::size_t r0, std::size_t r1, rows_check& c) {
        for (std::size_t i = r0; i < r1; ++i) {
          c.bad_series |= static_cast<std::uint32_t>(series[i] >= ns);
          c.lo = std::min(c.lo, days[i]);
          c.hi = std::max(c.hi, days[i]);
          c.finite &= values[i] - values[i] == 0;
        }
      };
      rows_check first, second;
      std::thread helper;
      if (n >= (std::size_t{1} << 20) && std::thread::hardware_concurrency() > 1) {
        try {
          helper = std::thread(check_rows, n / 2, n, std::ref(second));
        } catch (const std::system_error&) {  // no thread to be had: one does it all
        }
      }
      check_rows(0, helper.joinable() ? n / 2 : n, first);
      if (helper.joinable()) helper.join();
      const std::uint32_t bad_series = first.bad_series | second.bad_series;
      const std::int32_t lo = std::min(first.lo, second.lo), hi = std::max(first.hi, second.hi);
      const bool finite = first.finite && second.finite;
      if (bad_series != 0) throw damaged(b.file, "a row names a series that does not exist");
      if (n != 0 && (lo < first_day || hi > last_day)) throw damaged(b.file, "a date outside the years 1..9999");
      if (!finite) throw damaged(b.file, "a value that is not a finite number");
      const auto ntexts = static_cast<std::uint32_t>(st.texts_.size());
      auto check_ids = [&](const ipc::column_in* c) {
        if (c == nullptr) return;
        const auto* v = c->values<std::uint32_t>();
        for (std::size_t i = 0; i < n; ++i)
          if (v[i] >= ntexts && c->present(i)) throw damaged(b.file, "column " + quote(c->name) + ": no such text");
      };
      if (const auto* c = col("status", ipc::kind::uint8, false)) {
        status = true;
        for (std::size_t i = 0; i < n; ++i)
          if (c->values<std::uint8_t>()[i] > 3) throw damaged(b.file, "column \"status\": not a status");
      }
      if (const auto* c = col("source", ipc::kind::uint32, false)) source = true, check_ids(c);
      if (const auto* c = col("note", ipc::kind::uint32, false)) note = true, check_ids(c);
      if (col("revision", ipc::kind::uint32, false)) revision = true;
      if (const auto* c = col("recorded_at", ipc::kind::date32, false)) {
        recorded = true;
        const auto* v = c->values<std::int32_t>();
        for (std::size_t i = 0; i < n; ++i)
          if (c->present(i) ? v[i] < first_day || v[i] > last_day : v[i] != no_day)
            throw damaged(b.file, "column \"recorded_at\": a date outside the years 1..9999");
      }
      check_ids(col("text", ipc::kind::uint32, false));
      tables.push_back(std::move(t));
    }
    st.has_status_ = status;
    st.has_source_ = source;
    st.has_recorded_at_ = recorded;
    st.has_revision_ = revision;
    st.has_note_ = note;
    const std::optional<std::uint32_t> blank = st.texts_.find("");
    if ((source || note) && !blank) throw damaged(m.dictionaries[1].file, "no empty text for rows without a source");

    // The columns: borrowed when there is one batch and it has every column, else copied.
    auto fill = [&]<class T>(detail::column<T>& dst, const char* name, T missing) {
      if (tables.size() == 1) {
        if (const auto* c = tables[0].find(name)) return dst.borrow(c->template values<T>(), tables[0].rows);
      }
      dst.reserve(m.rows);
      for (const auto& t : tables) {
        if (const auto* c = t.find(name))
          dst.append(c->template values<T>(), t.rows);
        else
          dst.append(t.rows, missing);
      }
    };
    fill(st.series_, "series", std::uint32_t{0});
    fill(st.day_, "date", std::int32_t{0});
    fill(st.value_, "value", 0.0);
    if (status) fill(st.status_, "status", measurement_status::unspecified);
    if (source) fill(st.source_, "source", *blank);
    if (recorded) fill(st.recorded_at_, "recorded_at", no_day);
    if (revision) fill(st.revision_, "revision", std::uint32_t{0});
    if (note) fill(st.note_, "note", *blank);
    std::size_t base = 0;
    for (const auto& t : tables) {
      if (const auto* c = t.find("text")) {
        const auto* v = c->values<std::uint32_t>();
        for (std::size_t i = 0; i < t.rows; ++i)
          if (c->present(i)) {
            st.text_rows_.push_back(base + i);
            st.text_ids_.push_back(v[i]);
          }
      }
      base += t.rows;
    }
    if (!st.day_.empty()) {
      const auto [mn, mx] = std::minmax_element(st.day_.begin(), st.day_.end());
      st.min_day_ = *mn;
      st.max_day_ = *mx;
    }
    auto keep = std::make_shared<std::vector<std::shared_ptr<const ipc::mapping>>>();
    for (const auto& t : tables) keep->push_back(t.file);
    st.backing_ = std::move(keep);
    return st;
  }

  /// What ingest would say about the store's rows with this programme.
  static void check(const measurement_store& st, const store_summary& m, const programme& prog,
                    std::size_t max_errors) {
    const ingest_checker checker(prog, st.dimensions_);
    const std::size_t ns = st.series_count(), nd = st.dimensions_.size();
    std::vector<std::string> series_problem(ns);
    std::vector<const indicator*> kind_of(ns, nullptr);
    std::vector<std::string_view> members(nd);
    for (std::size_t s = 0; s < ns; ++s) {
      for (std::size_t d = 0; d < nd; ++d) members[d] = st.members_[st.series_members_[s * nd + d]];
      kind_of[s] =
          checker.check(st.indicators_[st.series_indicator_[s]], members, nullptr, [&](std::size_t, std::string why) {
            if (series_problem[s].empty()) series_problem[s] = std::move(why);
          });
    }
    std::vector<diagnostic> problems;
    std::size_t found = 0;
    std::size_t batch = 0, batch_start = 0;
    std::vector<bool> reported(ns, false);
    std::size_t next_text = 0;
    for (std::size_t i = 0; i < st.size() && found < max_errors; ++i) {
      while (batch + 1 < m.batches.size() && i >= batch_start + m.batches[batch].rows)
        batch_start += m.batches[batch++].rows;
      const bool is_text = next_text < st.text_rows_.size() && st.text_rows_[next_text] == i;
      if (is_text) ++next_text;
      const std::uint32_t s = st.series_[i];
      std::string why;
      if (!series_problem[s].empty()) {
        if (reported[s]) continue;  // once per series: its first row
        reported[s] = true;
        why = series_problem[s];
      } else if (is_text) {
        if (kind_of[s]->kind != measure_kind::text) why = "a text value (only a text indicator's value may be text)";
      } else if (const char* bad = ingest_checker::unsuitable(kind_of[s]->kind, st.value_[i])) {
        why = "the value " + number_text(st.value_[i]) + " " + bad + " (indicator " + quote(kind_of[s]->id) + " is a " +
              std::string(to_string(kind_of[s]->kind)) + ")";
      }
      if (why.empty()) continue;
      const std::string& file = m.batches.empty() ? std::string() : m.batches[batch].file;
      problems.push_back({join(m.path, file) + ": row " + std::to_string(i - batch_start + 1) + " (from " +
                              m.batches[batch].source + ")",
                          std::move(why)});
      ++found;
    }
    if (!problems.empty()) throw error(errc::validation_error, std::move(problems));
  }
};

namespace {

/// Reads the manifest and the files it names; when that fails under a manifest a writer has replaced
/// meanwhile (it removes the files the new one no longer names), reads the new one.
std::pair<measurement_store, store_summary> open_dir(const std::string& dir) {
  for (int attempt = 0;; ++attempt) {
    std::optional<store_summary> m = read_manifest(dir);
    if (!m)
      throw error(errc::not_found,
                  dir + ": no store here (no " + manifest_name + "); create one with `regiokpi import`");
    try {
      measurement_store st = store_files::open(dir, *m);
      return {std::move(st), std::move(*m)};
    } catch (const error&) {
      if (attempt >= 4) throw;
      const std::optional<store_summary> again = read_manifest(dir);
      if (!again || again->generation == m->generation) throw;
    }
  }
}

/// Publishes a manifest: written under a temporary name, synced, renamed over the old one, the
/// directory synced. Then files no manifest names any more are removed.
void publish(const std::string& dir, store_summary& s) {
  const std::string tmp = join(dir, manifest_tmp);
  const std::string text = manifest_text(s);
  {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail_errno(tmp + ": cannot create");
    try {
      write_all_at(fd, tmp, text.data(), text.size(), 0);
    } catch (...) {
      ::close(fd);
      ::unlink(tmp.c_str());
      throw;
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) fail_errno(tmp + ": cannot sync");
  }
  if (::rename(tmp.c_str(), join(dir, manifest_name).c_str()) != 0)
    fail_errno(join(dir, manifest_name) + ": cannot replace");
  fsync_path(dir, true);
  remove_unreferenced(dir, s);
}

/// Appends st's rows from `first` on as a new batch of the store whose manifest is `m` (none: a new
/// store), with new dictionaries, and publishes it. `keep` is how many of m's batches stay listed
/// (compaction keeps none: its one batch holds them all and lists them in `merged`).
store_summary append_batch(const std::string& dir, const measurement_store& st, std::size_t first,
                           const std::optional<store_summary>& m, const std::string& source,
                           std::size_t keep = static_cast<std::size_t>(-1), std::vector<store_batch> merged = {}) {
  store_summary s = m ? *m : store_summary{};
  s.path = dir;
  s.generation = (m ? m->generation : 0) + 1;
  s.batches.resize(std::min(keep, s.batches.size()));
  store_batch b = store_files::write_rows(st, dir, file_name("batch", s.generation), first, st.size());
  b.source = source;
  b.imported_at = utc_now();
  b.merged = std::move(merged);
  s.dictionaries = store_files::write_dictionaries(st, dir, s.generation);
  for (auto& d : s.dictionaries) d.imported_at = b.imported_at, d.source = "dictionary";
  s.batches.push_back(std::move(b));
  s.dimensions = st.dimensions();
  s.rows = st.size();
  s.series = st.series_count();
  publish(dir, s);
  return s;
}

std::uint64_t file_checksum(const std::string& path, std::uint64_t& bytes) {
  const int fd = open_regular_file(path, bytes);
  checksum64 c;
  std::vector<char> buf(1 << 20);
  std::uint64_t seen = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      throw error(errc::io_error, path + ": cannot read: " + std::strerror(e));
    }
    if (n == 0) break;
    c.update(buf.data(), static_cast<std::size_t>(n));
    seen += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  bytes = seen;
  return c.value();
}

}  // namespace
}  // namespace detail

measurement_store store_open(const std::string& dir, const programme* prog, std::size_t max_errors) {
  return store_open(
      dir, [prog] { return prog; }, max_errors);
}

measurement_store store_open(const std::string& dir, const std::function<const programme*()>& programme,
                             std::size_t max_errors) {
  auto [st, m] = detail::open_dir(dir);
  if (const regiokpi::programme* prog = programme ? programme() : nullptr)
    detail::store_files::check(st, m, *prog, max_errors);
  return std::move(st);
}

ingest_summary store_import_csv(const std::string& dir, const std::string& csv_path, const ingest_options& options,
                                const store_write_options& write) {
  const bool created = detail::make_directory(dir);
  return detail::first_write(dir, created, [&] {
    const std::string source = write.source_name.empty() ? csv_path : write.source_name;
    const detail::store_lock lock(dir, write.wait, "regiokpi import of " + source);
    const std::optional<store_summary> m = detail::read_manifest(dir);
    detail::remove_unreferenced(dir, m);  // what an interrupted writer left
    measurement_store st = m ? detail::store_files::open(dir, *m) : measurement_store{};
    const std::size_t before = st.size();
    ingest_options io = options;
    if (io.source_name.empty()) io.source_name = csv_path;
    const ingest_summary sum = ingest_csv_file(st, csv_path, io);
    detail::append_batch(dir, st, before, m, source);
    return sum;
  });
}

void store_save(const measurement_store& store, const std::string& dir, const store_write_options& write) {
  const bool created = detail::make_directory(dir);
  detail::first_write(dir, created, [&] {
    const detail::store_lock lock(dir, write.wait, "regiokpi store_save");
    const std::optional<store_summary> m = detail::read_manifest(dir);
    if (m) throw error(errc::invalid_argument, dir + ": already holds a store (append with store_import_csv)");
    detail::remove_unreferenced(dir, m);
    detail::append_batch(dir, store, 0, m, write.source_name.empty() ? "store_save" : write.source_name);
  });
}

std::string store_summary_to_json(const store_summary& s) {
  nlohmann::json j = detail::summary_json(s);
  j["store"] = s.path;
  return j.dump(2) + "\n";
}

store_summary store_describe(const std::string& dir) {
  std::optional<store_summary> m = detail::read_manifest(dir);
  if (!m) throw error(errc::not_found, dir + ": no store here (no manifest.json)");
  return std::move(*m);
}

std::vector<diagnostic> store_verify(const std::string& dir) {
  // A writer may replace the manifest (and remove the files it no longer names) while this runs: a
  // problem found under a manifest that has since been replaced is checked again under the new one.
  for (int attempt = 0;; ++attempt) {
    std::vector<diagnostic> problems;
    std::optional<store_summary> m;
    try {
      m = detail::read_manifest(dir);
    } catch (const error& e) {
      return {{detail::join(dir, "manifest.json"), e.what()}};
    }
    if (!m) return {{detail::join(dir, "manifest.json"), "missing: no store here"}};
    std::vector<store_batch> files = m->dictionaries;
    files.insert(files.end(), m->batches.begin(), m->batches.end());
    for (const auto& f : files) {
      const std::string path = detail::join(dir, f.file);
      try {
        std::uint64_t bytes = 0;
        const std::string sum = detail::checksum_text(detail::file_checksum(path, bytes));
        if (bytes != f.bytes)
          problems.push_back({path, std::to_string(bytes) + " bytes, the manifest says " + std::to_string(f.bytes)});
        else if (sum != f.checksum)
          problems.push_back(
              {path, "checksum " + sum + ", the manifest says " + f.checksum + " (the file is damaged)"});
      } catch (const error& e) {
        problems.push_back({path, e.what()});
      }
    }
    if (problems.empty()) {
      try {
        (void)detail::store_files::open(dir, *m);
      } catch (const error& e) {
        problems.push_back({dir, e.what()});
      }
    }
    if (problems.empty() || attempt >= 4) return problems;
    std::optional<store_summary> now;
    try {
      now = detail::read_manifest(dir);
    } catch (const error&) {
      return problems;
    }
    if (!now || now->generation == m->generation) return problems;
  }
}

store_summary store_compact(const std::string& dir, const store_write_options& write) {
  const detail::store_lock lock(dir, write.wait, "regiokpi store compact");
  std::optional<store_summary> m = detail::read_manifest(dir);
  if (!m) throw error(errc::not_found, dir + ": no store here (no manifest.json)");
  detail::remove_unreferenced(dir, m);
  if (m->batches.size() <= 1) return std::move(*m);
  const measurement_store st = detail::store_files::open(dir, *m);
  std::vector<store_batch> merged;
  for (const auto& b : m->batches) {
    if (b.merged.empty()) {
      store_batch x = b;
      x.file.clear();
      merged.push_back(std::move(x));
    } else {
      merged.insert(merged.end(), b.merged.begin(), b.merged.end());
    }
  }
  return detail::append_batch(dir, st, 0, m, "compact", 0, std::move(merged));
}

REGIOKPI_END_NAMESPACE
