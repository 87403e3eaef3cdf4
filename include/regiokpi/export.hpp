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

// The inline ABI namespace (as fmt does): everything the library declares is regiokpi::v0::x, which
// code names regiokpi::x as before; a C++-incompatible release moves to v1 together with the
// shared library's SOVERSION, so mixing the two fails at link time (docs/c-api.md, "The C++ ABI").
//   REGIOKPI_BEGIN_NAMESPACE  ...declarations...  REGIOKPI_END_NAMESPACE
// clang-format off
#define REGIOKPI_BEGIN_NAMESPACE namespace regiokpi { inline namespace v0 {
#define REGIOKPI_END_NAMESPACE } }
// clang-format on
