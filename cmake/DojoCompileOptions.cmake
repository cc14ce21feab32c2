# Warnings, sanitizers and optimisation flags applied to dojo's own targets through dojo_target_defaults().
add_library(dojo_warnings INTERFACE)
target_compile_options(dojo_warnings INTERFACE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
if(DOJO_WERROR)
  target_compile_options(dojo_warnings INTERFACE -Werror)
endif()
if(DOJO_NATIVE)
  target_compile_options(dojo_warnings INTERFACE -march=native)
endif()

# Error locations name files relative to the project ("collectives/src/ring.cpp"), not the build host.
add_compile_options(-fmacro-prefix-map=${CMAKE_SOURCE_DIR}/=)
# ccache with base_dir hands the compiler source paths relative to the build folder
# ("../collectives/src/ring.cpp"): map that prefix away too.
file(RELATIVE_PATH _dojo_source_from_build ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
string(REGEX REPLACE "/$" "" _dojo_source_from_build "${_dojo_source_from_build}")
if(_dojo_source_from_build)
  add_compile_options(-fmacro-prefix-map=${_dojo_source_from_build}/=)
endif()

if(DOJO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DOJO_FUZZ needs clang (libFuzzer): CXX=clang++-16 CC=clang-16")
  endif()
  # Coverage for libFuzzer in every library, with the sanitizers that turn bugs into crashes.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=address,undefined)
endif()
if(DOJO_SANITIZE)
  string(REPLACE ";" "," _dojo_san "${DOJO_SANITIZE}")
  message(STATUS "dojo: building with sanitizers: ${_dojo_san}")
  add_compile_options(-fsanitize=${_dojo_san} -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${_dojo_san})
endif()

# Every dojo library and binary calls this once: warnings on, C++20. The warnings stay a build
# detail: an installed static library does not ask its users for them.
function(dojo_target_defaults target)
  target_link_libraries(${target} PRIVATE $<BUILD_INTERFACE:dojo_warnings>)
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()
