# Builds tests/package/consumer against this build of regiokpi, as a user would:
#   MODE=find_package: install the build into a staging prefix, then find_package(regiokpi CONFIG);
#   MODE=add_subdirectory: add the source tree as a subdirectory (tests and install off there).
# Also checks the pkg-config file of the staged install.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})

# The consumer is built with the same compiler flags (sanitizers) as the library under test.
set(flags "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${LINKER_FLAGS}")

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "find_package")
  set(prefix ${WORK_DIR}/stage)
  run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix} --config ${CONFIG})
  # The installed headers are the public interface only: no POSIX system headers (the column memory
  # calls are compiled in the library), no ingest internals (the checker, staged batches and their
  # commit live in src/), no multiprecision code (apportion's wide paths are in src/money.cpp).
  file(GLOB_RECURSE installed_headers ${prefix}/include/regiokpi/*)
  if(NOT installed_headers)
    message(FATAL_ERROR "no headers were installed under ${prefix}/include/regiokpi")
  endif()
  foreach(header IN LISTS installed_headers)
    get_filename_component(header_name ${header} NAME)
    if(header_name MATCHES "^(ingest_checker|store_detail)\\.hpp$")
      message(FATAL_ERROR "a private header was installed: ${header}")
    endif()
    file(READ ${header} text)
    foreach(private IN ITEMS "sys/" "unistd.h" "fcntl.h" "ingest_checker" "store_detail" "staged_batch"
                             "boost/multiprecision")
      string(FIND "${text}" "${private}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "the installed header ${header} mentions ${private}, which is private to the library")
      endif()
    endforeach()
  endforeach()
  # Relocatable: move the staged install and use it from its new place.
  file(RENAME ${prefix} ${WORK_DIR}/moved)
  set(prefix ${WORK_DIR}/moved)
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/build -G ${GENERATOR}
      -DCMAKE_BUILD_TYPE=${CONFIG} ${flags} -DCMAKE_PREFIX_PATH=${prefix} -DREGIOKPI_CONSUMER_MODE=find_package)
  file(GLOB pcfile ${prefix}/lib*/pkgconfig/regiokpi.pc ${prefix}/lib/*/pkgconfig/regiokpi.pc)
  if(NOT pcfile)
    message(FATAL_ERROR "regiokpi.pc was not installed")
  endif()
  list(GET pcfile 0 pcfile)
  get_filename_component(pcdir ${pcfile} DIRECTORY)
  set(ENV{PKG_CONFIG_PATH} ${pcdir})
  run(pkg-config --cflags --libs regiokpi)
  if(NOT last_output MATCHES "-I([^ \n]+)")
    message(FATAL_ERROR "pkg-config gives no include directory: ${last_output}")
  endif()
  if(NOT EXISTS "${CMAKE_MATCH_1}/regiokpi/regiokpi.hpp")
    message(FATAL_ERROR "pkg-config's include directory ${CMAKE_MATCH_1} is not the moved install's")
  endif()
else()
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/package/consumer -B ${WORK_DIR}/build -G ${GENERATOR}
      -DCMAKE_BUILD_TYPE=${CONFIG} ${flags} -DREGIOKPI_CONSUMER_MODE=add_subdirectory -DREGIOKPI_SOURCE_DIR=${SOURCE_DIR}
      -DREGIOKPI_UNITY_BUILD=ON)
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
file(GLOB exe ${WORK_DIR}/build/consumer ${WORK_DIR}/build/*/consumer)
run(${exe})
message(STATUS "${last_output}")
if(NOT last_output MATCHES "2021-Q3")
  message(FATAL_ERROR "consumer printed: ${last_output}")
endif()
