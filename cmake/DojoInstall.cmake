# Installs dojo::collectives and the library it needs, dojo::common, with an exported CMake
# package, so another project can link the collectives alone:
#   find_package(dojo CONFIG REQUIRED COMPONENTS collectives)
#   target_link_libraries(app PRIVATE dojo::collectives)
# Everything here is install COMPONENT "collectives":
#   cmake --install build --component collectives --prefix /opt/dojo
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(DOJO_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/dojo CACHE STRING
    "Where the dojo CMake package (dojoConfig.cmake) is installed, relative to the prefix")

set_target_properties(dojo_common PROPERTIES EXPORT_NAME common)
set_target_properties(dojo_collectives PROPERTIES EXPORT_NAME collectives)
install(TARGETS dojo_common dojo_collectives EXPORT dojoTargets COMPONENT collectives
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/common/include/ ${PROJECT_SOURCE_DIR}/collectives/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT collectives
        PATTERN "topology_geometry.hpp" EXCLUDE)  # needs dojo::topology, which is not installed
install(EXPORT dojoTargets NAMESPACE dojo:: DESTINATION ${DOJO_INSTALL_CMAKEDIR}
        COMPONENT collectives)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/dojoConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/dojoConfig.cmake
                              INSTALL_DESTINATION ${DOJO_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/dojoConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/dojoConfig.cmake ${PROJECT_BINARY_DIR}/dojoConfigVersion.cmake
        DESTINATION ${DOJO_INSTALL_CMAKEDIR} COMPONENT collectives)
