# Packaging: what `cmake --install` exports for other projects (a CMake
# package and a pkg-config file), the header-only GoogleTest helper, the docs,
# and the Debian package built by `cpack -G DEB`.
#
# Included at the end of the top-level CMakeLists.txt, once every component's
# own install rules exist. Install components:
#   runtime  libtracestrip.so, tracestrip-run, tracestrip-checkpoint (src/*)
#   dev      CMake package, tracestrip.pc, include/tracestrip/testing/
#   doc      README.md, docs/*.md
#   demo     libdemoagent.so, s3-legacy-upload: never in the .deb
include(CMakePackageConfigHelpers)

set(TRACESTRIP_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/tracestrip)
set(_ts_pkg_dir ${PROJECT_BINARY_DIR}/packaging)

# --- CMake package: tracestrip::preload, tracestrip::tracestrip-run, ----------
# --- tracestrip::testing, tracestrip_preload_test() ---------------------------
# Written by hand rather than with install(EXPORT): the shim is a preload, not
# something to link, and the launcher is a configured script. Paths are
# relative to the config file, so an installed tree can be moved.
set(TRACESTRIP_PACKAGE_LIBDIR ${CMAKE_INSTALL_LIBDIR})
set(TRACESTRIP_PACKAGE_BINDIR ${CMAKE_INSTALL_BINDIR})
set(TRACESTRIP_PACKAGE_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/tracestripConfig.cmake.in ${_ts_pkg_dir}/tracestripConfig.cmake
  INSTALL_DESTINATION ${TRACESTRIP_CMAKE_DIR}
  PATH_VARS TRACESTRIP_PACKAGE_LIBDIR TRACESTRIP_PACKAGE_BINDIR TRACESTRIP_PACKAGE_INCLUDEDIR)
# The shim has no ABI to link against: only the same major version is
# compatible, and the architecture check stays off (a preload for another
# architecture can still be named, e.g. when building images).
write_basic_package_version_file(${_ts_pkg_dir}/tracestripConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${_ts_pkg_dir}/tracestripConfig.cmake ${_ts_pkg_dir}/tracestripConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/tracestripPreloadTest.cmake
        DESTINATION ${TRACESTRIP_CMAKE_DIR} COMPONENT dev)

# --- pkg-config: tracestrip.pc -------------------------------------------------
# Written at install time, so that its prefix is the one actually installed to
# (`cmake --install --prefix …`, or /usr inside the .deb). Each prefix gets its
# own staging copy: concurrent installs of one build (tests) do not collide.
install(CODE "
  set(TRACESTRIP_PC_LIBDIR \"${CMAKE_INSTALL_LIBDIR}\")
  set(TRACESTRIP_PC_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(TRACESTRIP_PC_INCLUDEDIR \"${CMAKE_INSTALL_INCLUDEDIR}\")
  set(TRACESTRIP_PC_VERSION \"${PROJECT_VERSION}\")
  string(MD5 _ts_pc_tag \"\$ENV{DESTDIR}|\${CMAKE_INSTALL_PREFIX}\")
  set(_ts_pc \"${_ts_pkg_dir}/pc/\${_ts_pc_tag}/tracestrip.pc\")
  configure_file(\"${CMAKE_CURRENT_LIST_DIR}/tracestrip.pc.in\" \"\${_ts_pc}\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\" TYPE FILE FILES \"\${_ts_pc}\")
" COMPONENT dev)

# --- Test-harness header ----------------------------------------------------------
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/tracestrip/testing
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tracestrip COMPONENT dev
        FILES_MATCHING PATTERN "*.h")

# --- Docs -------------------------------------------------------------------------
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT doc)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT doc
        FILES_MATCHING PATTERN "*.md")

# --- Debian package ------------------------------------------------------------------
# Build it from a build configured for /usr, so that GNUInstallDirs picks the
# multiarch libdir (lib/x86_64-linux-gnu) and tracestrip-run looks there:
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DTRACESTRIP_BUILD_TESTS=OFF \
#         -DTRACESTRIP_BUILD_BENCHMARKS=OFF -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
#   cmake --build build-deb --target tracestrip tracestrip-run tracestrip-checkpoint
#   (cd build-deb && cpack -G DEB)
set(CPACK_PACKAGE_NAME tracestrip)
set(CPACK_PACKAGE_VENDOR "tracestrip developers")
set(CPACK_PACKAGE_CONTACT "tracestrip developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "LD_PRELOAD shim removing tracing headers from libcurl requests to Amazon S3")
set(CPACK_PACKAGE_DESCRIPTION
"tracestrip keeps APM agents from breaking S3 uploads. libtracestrip.so,
loaded with LD_PRELOAD (or by the tracestrip-run launcher), removes
distributed-tracing headers (traceparent, b3, Pinpoint-*, x-datadog-*, sw8, ...)
from libcurl requests bound for Amazon S3 and S3-compatible stores before curl
signs and sends them, so that SigV4 signatures stay valid. Other traffic is
left as the program made it.
.
The package also contains tracestrip-checkpoint, a loopback S3 endpoint that
verifies signatures the way S3 does, a CMake package and pkg-config file for
test suites, and a header-only GoogleTest helper.")
set(CPACK_RESOURCE_FILE_README ${PROJECT_SOURCE_DIR}/README.md)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# Install with DESTDIR into the staging tree: install-time code (tracestrip.pc)
# then sees the real prefix, /usr, instead of the staging directory.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build[^/]*/")
# Only the runtime pieces, their docs, and the files test suites use; the
# demo agent and the legacy uploader are demonstrations (and the agent adds
# the very headers tracestrip removes), so they stay out: they install as
# component "demo" (src/demoagent, src/uploader).
set(CPACK_COMPONENTS_ALL runtime dev doc)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)  # one .deb holding the components above
set(CPACK_DEBIAN_PACKAGE_NAME tracestrip)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "tracestrip developers")
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcurl4 | libcurl3-gnutls")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "python3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# CPack's dependency scan needs dpkg-shlibdeps (dpkg-dev) and file.
find_program(TRACESTRIP_DPKG_SHLIBDEPS dpkg-shlibdeps)
find_program(TRACESTRIP_FILE_PROGRAM file)
if(TRACESTRIP_DPKG_SHLIBDEPS AND TRACESTRIP_FILE_PROGRAM)
  # libc6 for the shim; tracestrip-checkpoint adds libssl3, libstdc++6 and
  # cpp-httplib's library.
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.36), libstdc++6, libssl3, libcpp-httplib0.11")
endif()
set(CPACK_GENERATOR DEB)
# Checked when cpack runs: a package whose libdir is not multiarch, or whose
# launcher looks elsewhere, is refused.
set(TRACESTRIP_CONFIGURED_PREFIX ${CMAKE_INSTALL_PREFIX})
set(TRACESTRIP_CONFIGURED_LIBDIR ${CMAKE_INSTALL_LIBDIR})
configure_file(${CMAKE_CURRENT_LIST_DIR}/CPackProjectConfig.cmake.in ${_ts_pkg_dir}/CPackProjectConfig.cmake @ONLY)
set(CPACK_PROJECT_CONFIG_FILE ${_ts_pkg_dir}/CPackProjectConfig.cmake)
include(CPack)
