/* regiokpi: the version numbers, the one place they are written. Plain C (the C ABI's regiokpi.h and
 * the C++ version.hpp both include it, and the CMake project reads its version from here), so the
 * C macros, the C++ macros, the package files and the linked library's rk_version() cannot disagree.
 *   #if RK_VERSION_NUMBER >= 10000 ...
 */
#ifndef REGIOKPI_VERSION_H
#define REGIOKPI_VERSION_H

#define RK_VERSION_MAJOR 0
#define RK_VERSION_MINOR 1
#define RK_VERSION_PATCH 0
/* major * 10000 + minor * 100 + patch */
#define RK_VERSION_NUMBER (RK_VERSION_MAJOR * 10000 + RK_VERSION_MINOR * 100 + RK_VERSION_PATCH)

#endif /* REGIOKPI_VERSION_H */
