# cmake -DDOC=docs/c-api.md -DEXAMPLE=tests/capi/example.c -DHEADER=inscrire.h
#       -P check_example_doc.cmake
# The ```c block after the line "<!-- example: tests/capi/example.c -->" in the document must
# be the file, byte for byte: the example readers copy is the one the tests run. And the
# document's error table must have a row for every INSCRIRE_E_ constant of the header, with
# its number.
file(READ ${DOC} doc)
file(READ ${EXAMPLE} example)
set(marker "<!-- example: tests/capi/example.c -->\n```c\n")
string(FIND "${doc}" "${marker}" start)
if(start EQUAL -1)
  message(FATAL_ERROR "${DOC}: no example block (a line '<!-- example: tests/capi/example.c -->' "
                      "followed by a ```c fence)")
endif()
string(LENGTH "${marker}" marker_length)
math(EXPR start "${start} + ${marker_length}")
string(SUBSTRING "${doc}" ${start} -1 rest)
string(FIND "${rest}" "```\n" end)
string(SUBSTRING "${rest}" 0 ${end} shown)
if(NOT shown STREQUAL example)
  message(FATAL_ERROR "The example in ${DOC} differs from ${EXAMPLE}: copy the file into the "
                      "document's example block.")
endif()
message(STATUS "The example in ${DOC} is ${EXAMPLE}")

file(STRINGS ${HEADER} constants REGEX "^  INSCRIRE_E_[A-Z0-9_]+ = -[0-9]+,?$")
set(missing "")
foreach(line IN LISTS constants)
  string(REGEX REPLACE "^  (INSCRIRE_E_[A-Z0-9_]+) = (-[0-9]+),?$" "\\1" name "${line}")
  string(REGEX REPLACE "^  (INSCRIRE_E_[A-Z0-9_]+) = (-[0-9]+),?$" "\\2" number "${line}")
  string(FIND "${doc}" "| `${name}` | ${number} |" row)
  if(row EQUAL -1)
    list(APPEND missing "${name} = ${number}")
  endif()
endforeach()
list(LENGTH constants count)
if(count LESS 60)
  message(FATAL_ERROR "found only ${count} INSCRIRE_E_ constants in ${HEADER}")
endif()
if(missing)
  list(JOIN missing "\n  " lines)
  message(FATAL_ERROR "error codes missing from the table of ${DOC}:\n  ${lines}")
endif()
message(STATUS "The error table of ${DOC} lists the ${count} codes of ${HEADER}")
