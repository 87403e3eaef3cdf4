// libFuzzer target for store directories (docs/store.md): a small store is imported once; each input
// replaces one of its Arrow files (the first byte picks the batch, series or strings file, the rest
// is the file) and the store is opened. Whatever the bytes, store_open either succeeds or throws
// regiokpi::error, never crashes or reads out of bounds; when it opens, the store's rows are as
// many as the manifest says and a query over them runs (or fails with regiokpi::error).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "regiokpi/aggregate.hpp"
#include "regiokpi/error.hpp"
#include "regiokpi/store_dir.hpp"

namespace {

// Provenance columns, a text-free batch over two dimensions, and an empty member (a total).
constexpr const char* csv = R"(indicator,date,region,sector,value,status,source,recorded_at,revision,note
jobs,2021-03-31,emmen,zorg,12.5,final,CBS,2021-04-20,0,first
jobs,2021-03-31,emmen,zorg,13,provisional,CBS,2021-05-01,1,corrected
jobs,2021-06-30,,zorg,40,,,,,
visits,2020-01-31,assen,,7,estimated,own count,,,
)";

struct fixture {
  std::filesystem::path dir;
  fixture() {
    std::string t = (std::filesystem::temp_directory_path() / "rk-store-fuzz-XXXXXX").string();
    if (::mkdtemp(t.data()) == nullptr) std::abort();
    dir = t;
    std::ofstream(dir / "m.csv") << csv;
    regiokpi::store_import_csv((dir / "s").string(), (dir / "m.csv").string());
  }
  ~fixture() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture f;
  if (size == 0) return 0;
  static constexpr const char* names[] = {"batch-000001.arrow", "series-000001.arrow", "strings-000001.arrow"};
  const std::filesystem::path target = f.dir / "s" / names[data[0] % 3];
  const std::string saved = [&] {
    std::ifstream in(target, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }();
  std::ofstream(target, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data + 1), static_cast<std::streamsize>(size - 1));
  try {
    const regiokpi::measurement_store st = regiokpi::store_open((f.dir / "s").string());
    if (st.size() != regiokpi::store_describe((f.dir / "s").string()).rows) std::abort();
    for (std::size_t i = 0; i < st.size(); ++i) (void)st.row(i);
    (void)regiokpi::aggregate(st, {.period = regiokpi::period_type::quarter, .group_by = {"region"}});
  } catch (const regiokpi::error&) {
  }
  std::ofstream(target, std::ios::binary | std::ios::trunc) << saved;
  return 0;
}
