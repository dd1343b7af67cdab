# The test examples.find_package: installs this build into a scratch prefix, configures the
# examples as a project of their own against it (find_package(uflow)), builds one and runs it.
#   cmake -DBUILD_DIR=<uflow build> -DEXAMPLES_DIR=<examples/> -DWORK_DIR=<scratch> -P install_test.cmake
foreach(var BUILD_DIR EXAMPLES_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "install_test.cmake: -D${var}=... is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})

function(run_step what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  message(STATUS "${what}: ok")
endfunction()

run_step("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK_DIR}/prefix)
run_step("configure the examples against the installed package" ${CMAKE_COMMAND}
  -S ${EXAMPLES_DIR} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
  -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF)
run_step("build example_custom_op" ${CMAKE_COMMAND} --build ${WORK_DIR}/build
  --target example_custom_op -j2)
run_step("run example_custom_op" ${WORK_DIR}/build/example_custom_op)
