# Every dependency is a Debian 12 package; scripts/install-deps.sh installs what is missing.
find_package(Boost 1.74 REQUIRED COMPONENTS date_time)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(fmt 9 REQUIRED)
if(REGIOKPI_BUILD_CLI)
  find_package(CLI11 2.1 REQUIRED)
endif()
set(THREADS_PREFER_PTHREAD_FLAG ON)
find_package(Threads REQUIRED)
# libxlsxwriter (libxlsxwriter-dev) writes the Excel report; Debian ships it with a pkg-config file only.
find_package(PkgConfig REQUIRED)
pkg_check_modules(xlsxwriter REQUIRED IMPORTED_TARGET GLOBAL xlsxwriter)
# libxml2 (libxml2-dev) parses IATI documents.
pkg_check_modules(libxml2 REQUIRED IMPORTED_TARGET GLOBAL libxml-2.0)
# The library's private link dependencies, for every target built from its sources.
set(REGIOKPI_PRIVATE_LIBS PkgConfig::xlsxwriter PkgConfig::libxml2)
# The store writes Arrow IPC files with the format's own FlatBuffers schema (src/arrow_format/*.fbs,
# vendored from apache/arrow), compiled at build time by Debian's flatc (flatbuffers-compiler) against
# its header-only runtime (libflatbuffers-dev): no library to link.
find_program(REGIOKPI_FLATC flatc REQUIRED)
find_path(REGIOKPI_FLATBUFFERS_INCLUDE flatbuffers/flatbuffers.h REQUIRED)
