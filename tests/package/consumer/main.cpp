// A tiny consumer: uses the installed headers and library, and checks the version it linked.
#include <cstdio>
#include <cstring>
#include <regiokpi/regiokpi.hpp>

int main() {
  const auto q = regiokpi::period::containing(regiokpi::period_type::quarter, regiokpi::parse_date("2021-07-15"));
  if (q.label() != "2021-Q3") return 1;
  if (std::strcmp(regiokpi::version(), "0.1.0") != 0 && REGIOKPI_VERSION_MAJOR == 0) {
    std::printf("unexpected version %s\n", regiokpi::version());
  }
  std::printf("regiokpi %s: %s\n", regiokpi::version(), q.label().c_str());
  return 0;
}
