# Every public C++ header compiles on its own, as the first and only include of a translation unit
# (a consumer may include just <regiokpi/money.hpp>). The test suites used to prove this by including
# their header first, but the CI build compiles them together (REGIOKPI_UNITY_BUILD), so this checks
# it directly: a syntax-only compile per header, with warnings as errors, no sanitizer flags.
#   cmake -DSOURCE_DIR=<repo> -DCXX=<compiler> "-DINCLUDES=<dir;dir>" -DWORK_DIR=<dir> -P tests/headers_alone_check.cmake
file(GLOB headers RELATIVE ${SOURCE_DIR}/include ${SOURCE_DIR}/include/regiokpi/*.hpp)
set(flags -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -I${SOURCE_DIR}/include)
foreach(dir IN LISTS INCLUDES)
  list(APPEND flags -isystem ${dir})
endforeach()
file(MAKE_DIRECTORY ${WORK_DIR})
set(failed "")
foreach(header IN LISTS headers)
  string(MAKE_C_IDENTIFIER ${header} stem)
  set(tu ${WORK_DIR}/${stem}.cpp)
  file(WRITE ${tu} "#include <${header}>\n")
  execute_process(COMMAND ${CXX} ${flags} ${tu} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE out)
  if(NOT rc EQUAL 0)
    list(APPEND failed ${header})
    message(STATUS "${header} does not compile alone:\n${err}")
  endif()
endforeach()
list(LENGTH headers n)
if(failed)
  message(FATAL_ERROR "public headers that do not compile on their own: ${failed}")
endif()
message(STATUS "${n} public headers compile on their own")
