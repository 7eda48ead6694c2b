# tracestrip_warnings(<target>): the project's warning set, -Werror on request.
function(tracestrip_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                         -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast)
  if(TRACESTRIP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
