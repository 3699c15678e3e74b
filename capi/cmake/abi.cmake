# cmake -DLIBRARY=libinscrire.so -DHEADERS=dir -DGENERATED_HEADERS=dir -DOUTPUT=file.abi
#       [-DBASELINE=libinscrire.abi] -P abi.cmake
# Writes the ABI of the library's public interface with abidw: the exported functions and the
# types of inscrire.h, the opaque structs as declarations only (their C++ definitions are
# private), without source locations or parameter names, which are no part of the ABI. With
# BASELINE, compares it to that checked-in baseline with abidiff and fails on any difference,
# compatible or not, so that every ABI change is reviewed and the baseline refreshed with
# `cmake --build <build> --target capi_abi_baseline`.
execute_process(
  COMMAND abidw --headers-dir ${HEADERS} --headers-dir ${GENERATED_HEADERS}
          --drop-private-types --exported-interfaces-only --drop-undefined-syms
          --no-corpus-path --no-comp-dir-path --no-elf-needed --no-show-locs --no-parameter-names
          --type-id-style hash --out-file ${OUTPUT} ${LIBRARY}
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "abidw failed (${status}) on ${LIBRARY}")
endif()
if(NOT DEFINED BASELINE)
  message(STATUS "ABI written to ${OUTPUT}")
  return()
endif()
execute_process(COMMAND abidiff --no-show-locs ${BASELINE} ${OUTPUT} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "The ABI differs from ${BASELINE} (abidiff status ${status}). If the "
                      "change is intended, refresh the baseline: cmake --build <build> "
                      "--target capi_abi_baseline (see docs/c-api.md).")
endif()
message(STATUS "ABI identical to ${BASELINE}")
