# cmake -DBUILD_DIR=... -DWORK_DIR=... -DCONSUMER_DIR=... -DGENERATOR=... -DC_COMPILER=...
#       -DEXPECTED_VERSION=... -P run_consumer.cmake
# The ctest `capi_consumer`: installs the build into WORK_DIR/prefix, checks (0) the installed
# command with its manual page and bash completion, then builds and runs CONSUMER_DIR/main.c
# against it (1) with find_package(inscrire) and (2) with
# `cc -std=c99 main.c $(pkg-config --cflags --libs inscrire)` and LD_LIBRARY_PATH.

# Runs a command; stops the test with its output if it fails. OUTPUT_VARIABLE gets stdout.
function(run)
  cmake_parse_arguments(RUN "" "OUTPUT_VARIABLE" "COMMAND" ${ARGN})
  execute_process(COMMAND ${RUN_COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    list(JOIN RUN_COMMAND " " shown)
    message(FATAL_ERROR "failed (${status}): ${shown}\n${out}\n${err}")
  endif()
  if(RUN_OUTPUT_VARIABLE)
    set(${RUN_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
  endif()
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
run(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})

set(expected "inscrire ${EXPECTED_VERSION}: lea.martin1205")

# 0. The command-line tool, its manual page and its completion.
run(COMMAND ${prefix}/bin/inscrire username Léa Martin 12/05/2014 OUTPUT_VARIABLE out)
if(NOT out MATCHES "^lea.martin1205")
  message(FATAL_ERROR "the installed inscrire printed '${out}'")
endif()
foreach(installed share/man/man1/inscrire.1 share/bash-completion/completions/inscrire)
  if(NOT EXISTS ${prefix}/${installed})
    message(FATAL_ERROR "not installed: ${installed}")
  endif()
endforeach()
message(STATUS "command: ${out}")

# 1. find_package(inscrire)
run(COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${WORK_DIR}/build -G ${GENERATOR}
            -DCMAKE_C_COMPILER=${C_COMPILER} -DCMAKE_PREFIX_PATH=${prefix})
run(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/build)
run(COMMAND ${WORK_DIR}/build/consumer OUTPUT_VARIABLE out)
if(NOT out MATCHES "^${expected}")
  message(FATAL_ERROR "find_package consumer printed '${out}', expected '${expected}'")
endif()
message(STATUS "find_package: ${out}")

# 2. pkg-config, from whichever libdir GNUInstallDirs chose.
file(GLOB_RECURSE pc_files ${prefix}/*/inscrire.pc)
list(LENGTH pc_files pc_count)
if(NOT pc_count EQUAL 1)
  message(FATAL_ERROR "expected one installed inscrire.pc, found: ${pc_files}")
endif()
get_filename_component(pc_dir ${pc_files} DIRECTORY)
run(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir}
            pkg-config --cflags --libs inscrire OUTPUT_VARIABLE flags)
string(STRIP "${flags}" flags)
separate_arguments(flags UNIX_COMMAND "${flags}")
run(COMMAND ${C_COMPILER} -std=c99 -pedantic -Wall -Wextra -Werror ${CONSUMER_DIR}/main.c
            ${flags} -o ${WORK_DIR}/consumer-pc)
run(COMMAND ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pc_dir}
            pkg-config --variable=libdir inscrire OUTPUT_VARIABLE libdir)
string(STRIP "${libdir}" libdir)
run(COMMAND ${CMAKE_COMMAND} -E env LD_LIBRARY_PATH=${libdir} ${WORK_DIR}/consumer-pc
    OUTPUT_VARIABLE out)
if(NOT out MATCHES "^${expected}")
  message(FATAL_ERROR "pkg-config consumer printed '${out}', expected '${expected}'")
endif()
message(STATUS "pkg-config: ${out}")
