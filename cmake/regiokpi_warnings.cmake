# Warnings on our own targets only, never through global flags. -Wno-missing-field-initializers:
# GCC 12 warns on C++20 designated initialisers that leave members at their defaults, which is the
# idiom our options structs are made for.
function(regiokpi_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
      -Wsign-conversion -Wnon-virtual-dtor -Wno-missing-field-initializers -Wold-style-cast -Woverloaded-virtual
      $<$<BOOL:${REGIOKPI_WERROR}>:-Werror>)
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 $<$<BOOL:${REGIOKPI_WERROR}>:/WX>)
  endif()
endfunction()
