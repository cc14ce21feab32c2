# Finds BLIS as Debian ships it (no pkg-config file): headers and library live in a per-threading-model
# folder. Prefers the OpenMP build so BLIS and dojo's own kernels share one thread runtime.
# Defines BLIS_FOUND, BLIS_INCLUDE_DIR, BLIS_LIBRARY and the imported target BLIS::BLIS.
set(_blis_variants blis-openmp blis-pthread blis-serial blis)
foreach(_v IN LISTS _blis_variants)
  list(APPEND _blis_inc_hints /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/${_v} /usr/include/${_v})
  list(APPEND _blis_lib_hints /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/${_v})
endforeach()
find_path(BLIS_INCLUDE_DIR blis.h HINTS ${_blis_inc_hints})
find_library(BLIS_LIBRARY NAMES blis HINTS ${_blis_lib_hints})
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(BLIS REQUIRED_VARS BLIS_LIBRARY BLIS_INCLUDE_DIR)
if(BLIS_FOUND AND NOT TARGET BLIS::BLIS)
  add_library(BLIS::BLIS UNKNOWN IMPORTED)
  set_target_properties(BLIS::BLIS PROPERTIES IMPORTED_LOCATION "${BLIS_LIBRARY}"
                                              INTERFACE_INCLUDE_DIRECTORIES "${BLIS_INCLUDE_DIR}")
endif()
