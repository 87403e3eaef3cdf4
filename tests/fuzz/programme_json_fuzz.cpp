// libFuzzer target for the programme JSON reader: any input must either read (and then write and
// read back to the same model) or end in a regiokpi::error; never a crash, hang or other exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regiokpi/programme_io.hpp>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const regiokpi::programme p = regiokpi::read_programme(text, "fuzz");
    const std::string written = regiokpi::write_programme(p);
    // What was read must survive the canonical round trip.
    if (!(regiokpi::read_programme(written) == p)) std::abort();
    if (regiokpi::write_programme(regiokpi::read_programme(written)) != written) std::abort();
  } catch (const regiokpi::error&) {
    // Expected for bad input.
  }
  return 0;
}
