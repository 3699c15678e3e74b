# cmake -DLIBRARY=libinscrire.so -DSYMBOLS=inscrire.symbols -DHEADER=inscrire.h -P check_symbols.cmake
# The ctest `capi_symbols`: the names the library exports, the checked-in list and the
# functions the header declares must be the same set, and nothing else may be exported
# (but the linker's own _init/_fini/_edata/_end/__bss_start).
execute_process(COMMAND nm -D --defined-only ${LIBRARY}
  OUTPUT_VARIABLE nm_output RESULT_VARIABLE nm_status)
if(NOT nm_status EQUAL 0)
  message(FATAL_ERROR "nm -D failed on ${LIBRARY}")
endif()

set(exported "")
set(foreign "")
string(REPLACE "\n" ";" nm_lines "${nm_output}")
foreach(line IN LISTS nm_lines)
  if(line MATCHES "^[0-9a-fA-F]* *[A-Za-z] (.+)$")
    set(name "${CMAKE_MATCH_1}")
    if(name MATCHES "^inscrire_")
      list(APPEND exported "${name}")
    elseif(NOT name MATCHES "^(_init|_fini|_edata|_end|__bss_start)$")
      list(APPEND foreign "${name}")
    endif()
  endif()
endforeach()

file(STRINGS ${SYMBOLS} listed REGEX "^inscrire_")
file(READ ${HEADER} header_text)
# The name follows the return type after a space, a `*` or a line break (clang-format breaks
# after the return type when the declaration fits no other way).
string(REGEX MATCHALL "INSCRIRE_API[^;(]*[ *\n](inscrire_[a-z0-9_]+)[ \n]*\\(" declarations
       "${header_text}")
set(declared "")
foreach(declaration IN LISTS declarations)
  string(REGEX REPLACE ".*[ *\n](inscrire_[a-z0-9_]+)[ \n]*\\($" "\\1" name "${declaration}")
  list(APPEND declared "${name}")
endforeach()

# Prints the names of `a` missing from `b`; sets `failed`.
function(report_missing a_name b_name)
  set(missing ${${a_name}})
  list(REMOVE_ITEM missing ${${b_name}})
  if(missing)
    list(JOIN missing "\n  " lines)
    message(SEND_ERROR "in ${a_name} but not in ${b_name}:\n  ${lines}")
  endif()
endfunction()

foreach(set_name exported listed declared)
  list(LENGTH ${set_name} count)
  message(STATUS "${set_name}: ${count} names")
endforeach()
report_missing(exported listed)
report_missing(listed exported)
report_missing(declared listed)
report_missing(listed declared)
if(foreign)
  list(JOIN foreign "\n  " lines)
  message(SEND_ERROR "exported names without the inscrire_ prefix:\n  ${lines}")
endif()

list(SORT listed)
file(STRINGS ${SYMBOLS} as_written REGEX "^inscrire_")
if(NOT listed STREQUAL as_written)
  message(SEND_ERROR "${SYMBOLS} is not sorted")
endif()
