# cmake -DDOC=docs/c-api.md -DEXAMPLE=tests/capi/example.c -P check_example_doc.cmake
# The ```c block after the line "<!-- example: tests/capi/example.c -->" in the document must
# be the file, byte for byte: the example readers copy is the one the tests run.
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
