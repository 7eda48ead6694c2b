# Applies TRACESTRIP_SANITIZE to every target of the build.
if(TRACESTRIP_SANITIZE)
  add_compile_options(-fsanitize=${TRACESTRIP_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${TRACESTRIP_SANITIZE})
endif()
