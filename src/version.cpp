#include "regiokpi/version.hpp"

#define REGIOKPI_STR2(x) #x
#define REGIOKPI_STR(x) REGIOKPI_STR2(x)

namespace regiokpi {

const char* version() noexcept {
  return REGIOKPI_STR(REGIOKPI_VERSION_MAJOR) "." REGIOKPI_STR(REGIOKPI_VERSION_MINOR) "." REGIOKPI_STR(
      REGIOKPI_VERSION_PATCH);
}

}  // namespace regiokpi
