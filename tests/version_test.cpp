// The version is written once (include/regiokpi/version.h): the C macros, the C++ macros, the CMake
// project's version and what the linked library reports through both interfaces must all agree.
#include "regiokpi/version.hpp"

#include <gtest/gtest.h>

#include <string>

#include "regiokpi/regiokpi.h"

namespace {

TEST(version, c_and_cpp_macros_are_the_same_numbers) {
  EXPECT_EQ(REGIOKPI_VERSION_MAJOR, RK_VERSION_MAJOR);
  EXPECT_EQ(REGIOKPI_VERSION_MINOR, RK_VERSION_MINOR);
  EXPECT_EQ(REGIOKPI_VERSION_PATCH, RK_VERSION_PATCH);
  EXPECT_EQ(REGIOKPI_VERSION, RK_VERSION_NUMBER);
  // The documented encoding, computed by hand from the parts.
  EXPECT_EQ(RK_VERSION_NUMBER, RK_VERSION_MAJOR * 10000 + RK_VERSION_MINOR * 100 + RK_VERSION_PATCH);
}

TEST(version, the_linked_library_reports_the_same_version_to_c_and_cpp) {
  const std::string expected = std::to_string(RK_VERSION_MAJOR) + "." + std::to_string(RK_VERSION_MINOR) + "." +
                               std::to_string(RK_VERSION_PATCH);
  EXPECT_EQ(std::string(regiokpi::version()), expected);
  EXPECT_EQ(std::string(rk_version()), expected);
  EXPECT_EQ(rk_version_number(), RK_VERSION_NUMBER);
}

TEST(version, the_cmake_project_reads_the_header) {
  // PROJECT_VERSION, which the package files (regiokpiConfigVersion.cmake, regiokpi.pc) carry.
  EXPECT_EQ(std::string(REGIOKPI_PROJECT_VERSION), std::string(regiokpi::version()));
}

}  // namespace
