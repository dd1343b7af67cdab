# `cmake --install`: the libraries, their headers (include/uflow/<part>/…), the uflow command and
# a CMake package, so that another project can use
#   find_package(uflow REQUIRED)
#   target_link_libraries(app PRIVATE uflow::flow uflow::imaging)
# with the same uflow::<part> names the examples use inside this tree.
include(CMakePackageConfigHelpers)

set(UFLOW_PARTS tensor autograd imaging layers flow contrario weights metrics)
set(uflow_install_targets "")
foreach(part ${UFLOW_PARTS})
  if(TARGET uflow_${part})
    set_target_properties(uflow_${part} PROPERTIES EXPORT_NAME ${part})
    list(APPEND uflow_install_targets uflow_${part})
    install(DIRECTORY ${UFLOW_ROOT}/${part}/ DESTINATION ${UFLOW_INSTALL_INCLUDEDIR}/${part}
      FILES_MATCHING PATTERN "*.h" PATTERN "*.cuh")
  endif()
endforeach()
install(TARGETS ${uflow_install_targets} EXPORT uflowTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(TARGET uflow)
  install(TARGETS uflow RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(UFLOW_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/uflow)
install(EXPORT uflowTargets NAMESPACE uflow:: DESTINATION ${UFLOW_CMAKE_DIR})
configure_package_config_file(${UFLOW_ROOT}/cmake/uflowConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/uflowConfig.cmake INSTALL_DESTINATION ${UFLOW_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/uflowConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/uflowConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/uflowConfigVersion.cmake DESTINATION ${UFLOW_CMAKE_DIR})
