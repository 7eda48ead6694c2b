# tracestrip_preload_test(<test>
#                         [MODE strip|report|off] [SCOPE s3|sigv4]
#                         [HOSTS host...] [HEADERS name...] [KEEP name...]
#                         [LOG off|stderr|path] [REPORT path|stderr]
#                         [LIBRARY path])
#
# Runs an existing ctest test (add_test, same directory) with libtracestrip.so
# preloaded. The shim goes at the END of LD_PRELOAD, after whatever the test's
# ENVIRONMENT or ctest's own environment already put there, so that an agent
# preloaded first reaches curl through tracestrip. Lists (HOSTS, HEADERS, KEEP)
# are joined with commas. Settings not given are left alone.
#
# Uses ENVIRONMENT_MODIFICATION (CMake 3.22), which ctest applies after
# ENVIRONMENT: a later set_tests_properties(... ENVIRONMENT ...) cannot drop
# the preload, and LD_PRELOAD inherited from the environment ctest runs in is
# kept in front.
function(tracestrip_preload_test test)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "MODE;SCOPE;LOG;REPORT;LIBRARY" "HOSTS;HEADERS;KEEP")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tracestrip_preload_test(${test}): unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(CMAKE_VERSION VERSION_LESS 3.22)
    message(FATAL_ERROR "tracestrip_preload_test needs CMake 3.22 (ENVIRONMENT_MODIFICATION)")
  endif()
  if(NOT TEST "${test}")
    message(FATAL_ERROR "tracestrip_preload_test: no test '${test}' (call it after add_test, in the same directory)")
  endif()
  if(arg_LIBRARY)
    set(library "${arg_LIBRARY}")
  elseif(TARGET tracestrip::preload)
    set(library "$<TARGET_FILE:tracestrip::preload>")
  elseif(TARGET tracestrip)  # inside tracestrip's own build
    set(library "$<TARGET_FILE:tracestrip>")
  else()
    message(FATAL_ERROR "tracestrip_preload_test(${test}): no tracestrip::preload target; find_package(tracestrip) first or pass LIBRARY")
  endif()
  if(DEFINED arg_MODE AND NOT arg_MODE MATCHES "^(strip|report|off)$")
    message(FATAL_ERROR "tracestrip_preload_test(${test}): MODE must be strip, report or off, not '${arg_MODE}'")
  endif()

  set(mods "LD_PRELOAD=path_list_append:${library}")
  foreach(setting MODE SCOPE LOG REPORT)
    if(DEFINED arg_${setting})
      list(APPEND mods "TRACESTRIP_${setting}=set:${arg_${setting}}")
    endif()
  endforeach()
  foreach(setting HOSTS HEADERS KEEP)
    if(DEFINED arg_${setting})
      list(JOIN arg_${setting} "," joined)
      list(APPEND mods "TRACESTRIP_${setting}=set:${joined}")
    endif()
  endforeach()
  set_property(TEST "${test}" APPEND PROPERTY ENVIRONMENT_MODIFICATION ${mods})
endfunction()
