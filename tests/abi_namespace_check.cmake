# Every declaration of the library sits in the inline ABI namespace regiokpi::v0: headers and sources
# open it with REGIOKPI_BEGIN_NAMESPACE and close it with REGIOKPI_END_NAMESPACE (export.hpp), never
# with a plain `namespace regiokpi {`, which would put the names outside v0 (docs/c-api.md, "The C++
# ABI"). A file merged without the macros fails here; the migration script in the report of issue 10
# (or the same two substitutions by hand) fixes it.
#   cmake -DSOURCE_DIR=<repo> -P tests/abi_namespace_check.cmake
file(GLOB_RECURSE files ${SOURCE_DIR}/include/regiokpi/*.hpp ${SOURCE_DIR}/src/*.hpp ${SOURCE_DIR}/src/*.cpp)
set(bad "")
foreach(f IN LISTS files)
  file(STRINGS ${f} lines REGEX "^[ \t]*namespace regiokpi([ :{]|$)")
  foreach(line IN LISTS lines)
    file(RELATIVE_PATH rel ${SOURCE_DIR} ${f})
    string(APPEND bad "\n  ${rel}: ${line}")
  endforeach()
endforeach()
if(bad)
  message(FATAL_ERROR "opened outside the ABI namespace (use REGIOKPI_BEGIN_NAMESPACE):${bad}")
endif()
file(STRINGS ${SOURCE_DIR}/include/regiokpi/export.hpp begin REGEX "define REGIOKPI_BEGIN_NAMESPACE")
if(NOT begin MATCHES "inline namespace v0")
  message(FATAL_ERROR "export.hpp: REGIOKPI_BEGIN_NAMESPACE does not open inline namespace v0: ${begin}")
endif()
list(LENGTH files n)
message(STATUS "all ${n} library files declare in regiokpi::v0")
