#include "regiokpi/version.hpp"
#include "regiokpi/export.hpp"

#define REGIOKPI_STR2(x) #x
#define REGIOKPI_STR(x) REGIOKPI_STR2(x)

REGIOKPI_BEGIN_NAMESPACE

const char* version() noexcept {
  return REGIOKPI_STR(REGIOKPI_VERSION_MAJOR) "." REGIOKPI_STR(REGIOKPI_VERSION_MINOR) "." REGIOKPI_STR(
      REGIOKPI_VERSION_PATCH);
}

REGIOKPI_END_NAMESPACE
