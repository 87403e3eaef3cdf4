// regiokpi: the library version, at compile time (macros) and at run time (version()).
// The CMake project reads its version from this file, so this is the only place it is written.
//   #if REGIOKPI_VERSION >= 10000 ...   or   std::puts(regiokpi::version());
#pragma once

#include "regiokpi/export.hpp"

#define REGIOKPI_VERSION_MAJOR 0
#define REGIOKPI_VERSION_MINOR 1
#define REGIOKPI_VERSION_PATCH 0
/// major * 10000 + minor * 100 + patch, for `#if` comparisons.
#define REGIOKPI_VERSION (REGIOKPI_VERSION_MAJOR * 10000 + REGIOKPI_VERSION_MINOR * 100 + REGIOKPI_VERSION_PATCH)

namespace regiokpi {

/// The version of the library actually linked, as "MAJOR.MINOR.PATCH" (static storage).
REGIOKPI_EXPORT const char* version() noexcept;

}  // namespace regiokpi
