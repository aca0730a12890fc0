# cmake/Packaging: what `cmake --install` puts where, and the Debian package CPack builds from
# the same rules (`cpack --config build/CPackConfig.cmake`, or `cmake --build build --target
# package`). Included from the top-level CMakeLists.txt after the targets exist.
include(GNUInstallDirs)

install(TARGETS rtksync rtksync-emulator RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The man page is generated from the binary's help (scripts/gen-manpage.py) and committed;
# the test manpage.up_to_date fails when it no longer matches `rtksync --help`.
install(FILES ${PROJECT_SOURCE_DIR}/docs/rtksync.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/completions/rtksync.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME rtksync)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_rtksync
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        PATTERN "invalid" EXCLUDE)

# Regenerates docs/rtksync.1 in the source tree from the freshly built binary.
find_program(RTK_PYTHON3_FOR_DOCS NAMES python3)
add_custom_target(manpage
  COMMAND ${RTK_PYTHON3_FOR_DOCS} ${PROJECT_SOURCE_DIR}/scripts/gen-manpage.py
          $<TARGET_FILE:rtksync> --out ${PROJECT_SOURCE_DIR}/docs/rtksync.1
  DEPENDS rtksync
  COMMENT "Regenerating docs/rtksync.1 from rtksync --help"
  VERBATIM)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rtksync)
set(CPACK_PACKAGE_VENDOR "rtksync")
# The Maintainer field of the .deb: set it to your team when you build packages you publish.
set(RTKSYNC_PACKAGE_MAINTAINER "rtksync maintainers <maintainers@rtksync.invalid>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_PACKAGE_CONTACT "${RTKSYNC_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Keep Cloudflare RealtimeKit meetings in line with YAML files in git")
set(CPACK_PACKAGE_DESCRIPTION
    "rtksync plans and applies Cloudflare RealtimeKit meetings and their participants from\n\
YAML files kept in a git repository: plan on pull requests, apply in the deployment\n\
pipeline. The package also ships rtksync-emulator, a local RealtimeKit API for tests and\n\
CI, the rtksync(1) man page and bash and zsh completion.")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # rtksync_VERSION-RELEASE_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies (libcurl, libfyaml, libyaml, libssl, libstdc++ ...) are
# read from the binaries by dpkg-shlibdeps, so they match the distribution it was built on.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates")  # libcurl verifies TLS against them
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "git, bash-completion")
include(CPack)
