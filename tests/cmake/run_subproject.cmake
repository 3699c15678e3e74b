# cmake -DSOURCE_DIR=... -DWORK_DIR=... -DSUBPROJECT_DIR=... -DGENERATOR=... -DC_COMPILER=...
#       -DCXX_COMPILER=... -DEXPECTED_VERSION=... -P run_subproject.cmake
# The ctest `capi_subproject`: configures SUBPROJECT_DIR (which add_subdirectory()s inscrire)
# with GTest, Google Benchmark, pybind11 and Python made unfindable, builds it and runs the
# consumer it links against inscrire::inscrire.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    list(JOIN ARGN " " shown)
    message(FATAL_ERROR "failed (${status}): ${shown}\n${out}\n${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
run(${CMAKE_COMMAND} -S ${SUBPROJECT_DIR} -B ${WORK_DIR} -G ${GENERATOR}
    -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    -DINSCRIRE_SOURCE_DIR=${SOURCE_DIR}
    -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_benchmark=ON
    -DCMAKE_DISABLE_FIND_PACKAGE_pybind11=ON -DCMAKE_DISABLE_FIND_PACKAGE_Python3=ON)
run(${CMAKE_COMMAND} --build ${WORK_DIR} --target consumer -j 2)
run(${WORK_DIR}/consumer)
set(expected "inscrire ${EXPECTED_VERSION}: lea.martin1205")
if(NOT output MATCHES "^${expected}")
  message(FATAL_ERROR "the vendored consumer printed '${output}', expected '${expected}'")
endif()
message(STATUS "add_subdirectory: ${output}")
