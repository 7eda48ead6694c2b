# TRACESTRIP_PRELOAD_FIRST: the sanitizer runtime that must come first in
# LD_PRELOAD when an instrumented shim is preloaded (as tests/guard/e2e does
# for AddressSanitizer), extended to ThreadSanitizer. Empty otherwise.
set(TRACESTRIP_PRELOAD_FIRST "")
set(_runtime "")
if(TRACESTRIP_SANITIZE MATCHES "address")
  set(_runtime libasan.so)
elseif(TRACESTRIP_SANITIZE MATCHES "thread")
  set(_runtime libtsan.so)
endif()
if(_runtime)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang's shared runtimes are named by architecture.
    set(_runtime libclang_rt.${_runtime}-${CMAKE_SYSTEM_PROCESSOR}.so)
    string(REPLACE "libclang_rt.libasan.so" "libclang_rt.asan" _runtime "${_runtime}")
    string(REPLACE "libclang_rt.libtsan.so" "libclang_rt.tsan" _runtime "${_runtime}")
  endif()
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=${_runtime}
                  OUTPUT_VARIABLE _path OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(TRACESTRIP_PRELOAD_FIRST "${_path} ")
endif()

# Under ThreadSanitizer: suppressions for the uninstrumented recording server.
set(TRACESTRIP_TSAN_ENV "TRACESTRIP_TSAN=0")  # never empty: it is a `cmake -E env` argument
if(TRACESTRIP_SANITIZE MATCHES "thread")
  set(TRACESTRIP_TSAN_ENV "TSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/stress/tsan.supp halt_on_error=1"
                          TRACESTRIP_STRESS_WARM_UP=1)
endif()
