# Finds every dependency dojo needs and fails with the Debian package to install when one is missing.
# `tools/install-deps` installs all of them.

macro(dojo_require found what package)
  if(NOT ${found})
    message(FATAL_ERROR "dojo needs ${what}: install the Debian package '${package}' "
                        "(or run tools/install-deps as root, which installs everything).")
  endif()
endmacro()

find_package(MPI COMPONENTS C CXX)
dojo_require(MPI_CXX_FOUND "an MPI library (Open MPI)" "libopenmpi-dev")

# UCX, the transport of Open MPI's pml ucx: `dojo info` reports its version (ucp_get_version).
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(UCX QUIET IMPORTED_TARGET ucx)
endif()
dojo_require(UCX_FOUND "UCX (pkg-config ucx)" "libucx-dev")

find_package(OpenMP COMPONENTS CXX)
dojo_require(OpenMP_CXX_FOUND "OpenMP" "libgomp1 (part of g++)")

find_package(BLIS)
dojo_require(BLIS_FOUND "BLIS" "libblis-openmp-dev")

set(HDF5_PREFER_PARALLEL TRUE)
find_package(HDF5 COMPONENTS C)
dojo_require(HDF5_FOUND "parallel HDF5" "libhdf5-openmpi-dev")
if(NOT HDF5_IS_PARALLEL)
  message(FATAL_ERROR "dojo needs the parallel (MPI) build of HDF5: install 'libhdf5-openmpi-dev'.")
endif()

find_package(CLI11 CONFIG QUIET)
dojo_require(CLI11_FOUND "CLI11" "libcli11-dev")

# toml++: the one TOML reader (dojo::config) of train configs, the global --config and machine files.
find_package(tomlplusplus CONFIG QUIET)
dojo_require(tomlplusplus_FOUND "toml++" "libtomlplusplus-dev")

find_package(Threads REQUIRED)

# dojo serve (service/): its HTTP server, state store and token hashes.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HTTPLIB IMPORTED_TARGET cpp-httplib)
dojo_require(HTTPLIB_FOUND "cpp-httplib (the HTTP server of dojo serve)" "libcpp-httplib-dev")
find_package(SQLite3)
dojo_require(SQLite3_FOUND "SQLite (the state store of dojo serve)" "libsqlite3-dev")
find_package(OpenSSL COMPONENTS Crypto)
dojo_require(OpenSSL_FOUND "OpenSSL's libcrypto (token hashes of dojo serve)" "libssl-dev")

if(DOJO_ENABLE_TESTS)
  find_package(GTest CONFIG QUIET)
  dojo_require(GTest_FOUND "GoogleTest (DOJO_ENABLE_TESTS=ON)" "libgtest-dev")
  # The tests read back the JSON dojo writes with an independent parser.
  find_package(nlohmann_json 3 CONFIG QUIET)
  dojo_require(nlohmann_json_FOUND "nlohmann-json (DOJO_ENABLE_TESTS=ON)" "nlohmann-json3-dev")
  include(GoogleTest)
endif()
