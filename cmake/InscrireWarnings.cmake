# inscrire_warnings(target): the project's warning set, errors when INSCRIRE_WERROR is on.
function(inscrire_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                           -Wno-sign-conversion)
  if(INSCRIRE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
