// regiokpi: the symbol-export macro. The library is built with hidden visibility; only what is
// marked REGIOKPI_EXPORT (and the C ABI's rk_ functions) leaves a shared build.
#pragma once

#if defined(_WIN32) && !defined(REGIOKPI_STATIC)
#if defined(REGIOKPI_BUILDING)
#define REGIOKPI_EXPORT __declspec(dllexport)
#else
#define REGIOKPI_EXPORT __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define REGIOKPI_EXPORT __attribute__((visibility("default")))
#else
#define REGIOKPI_EXPORT
#endif
