// regiokpi: the library version, at compile time (macros) and at run time (version()).
// The numbers are written once, in the C header version.h (RK_VERSION_*); these are their C++ names.
//   #if REGIOKPI_VERSION >= 10000 ...   or   std::puts(regiokpi::version());
#pragma once

#include "regiokpi/export.hpp"
#include "regiokpi/version.h"

#define REGIOKPI_VERSION_MAJOR RK_VERSION_MAJOR
#define REGIOKPI_VERSION_MINOR RK_VERSION_MINOR
#define REGIOKPI_VERSION_PATCH RK_VERSION_PATCH
/// major * 10000 + minor * 100 + patch, for `#if` comparisons.
#define REGIOKPI_VERSION (REGIOKPI_VERSION_MAJOR * 10000 + REGIOKPI_VERSION_MINOR * 100 + REGIOKPI_VERSION_PATCH)

REGIOKPI_BEGIN_NAMESPACE

/// The version of the library actually linked, as "MAJOR.MINOR.PATCH" (static storage).
REGIOKPI_EXPORT const char* version() noexcept;

REGIOKPI_END_NAMESPACE
