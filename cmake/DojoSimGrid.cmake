# DOJO_SIMGRID: builds collectives/simgrid (dojo::collectives, dojo-bench-collectives and
# dojo-simgrid-smoke compiled by smpicxx) as an external project in <build>/simgrid, since SMPI's
# compiler wrapper cannot share a CMake project with the real MPI build. Rebuilt on every build
# (ninja in the sub-build does nothing when nothing changed).
if(NOT DOJO_SIMGRID)
  return()
endif()
find_program(DOJO_SMPIRUN smpirun DOC "SimGrid's SMPI launcher (DOJO_SIMGRID)")
if(NOT DOJO_SMPICXX OR NOT DOJO_SMPIRUN)
  message(FATAL_ERROR "DOJO_SIMGRID=ON needs SimGrid's smpicxx and smpirun: install the Debian "
                      "packages 'simgrid' and 'libsimgrid-dev', or configure with -DDOJO_SIMGRID=OFF")
endif()
include(ExternalProject)
set(DOJO_SIMGRID_BINARY_DIR ${PROJECT_BINARY_DIR}/simgrid)
ExternalProject_Add(dojo_simgrid
  SOURCE_DIR ${PROJECT_SOURCE_DIR}/collectives/simgrid
  BINARY_DIR ${DOJO_SIMGRID_BINARY_DIR}
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${DOJO_SMPICXX} -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
             -DDOJO_WERROR=${DOJO_WERROR}
  BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target dojo-bench-collectives
                dojo-simgrid-smoke
  BUILD_ALWAYS ON
  INSTALL_COMMAND ""
  USES_TERMINAL_BUILD ON)
