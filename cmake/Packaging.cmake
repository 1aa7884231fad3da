# What `cmake --install` lays out and what CPack puts in the .deb (README.md, "Install"):
#   bin/bis-conform, bin/bis-mock
#   share/bis-conformance/suites/       every suite and the requirement catalogue; an installed
#                                       bis-conform finds them next to itself (../share/...)
#   share/bis-conformance/fixtures/     the mock's default fixtures, as a starting point
#   share/doc/bis-conformance/          README.md and docs/
#   share/man/man1/bis-conform.1, bis-mock.1   generated from --help by help2man
include(GNUInstallDirs)

set(BIS_SHARE_DIR ${CMAKE_INSTALL_DATADIR}/bis-conformance)
set(BIS_DOC_DIR ${CMAKE_INSTALL_DATADIR}/doc/bis-conformance)
install(TARGETS bis-conform bis-mock RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/suites/ DESTINATION ${BIS_SHARE_DIR}/suites)
install(FILES ${PROJECT_SOURCE_DIR}/fixtures/default.yaml DESTINATION ${BIS_SHARE_DIR}/fixtures)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${BIS_DOC_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${BIS_DOC_DIR}/docs)

# Man pages from the programs' own --help (and, for bis-conform, each subcommand's), so they
# cannot drift from the options. help2man comes with scripts/deps.sh; without it the build
# goes on and installs no man page. The sanitizer presets turn them off: running an
# instrumented program at build time would make a sanitizer's exit report a build failure.
option(BIS_MAN_PAGES "Generate man pages from --help with help2man" ON)
find_program(BIS_HELP2MAN help2man)
if(BIS_MAN_PAGES AND BIS_HELP2MAN)
  set(man_dir ${PROJECT_BINARY_DIR}/man)
  set(conform_sections ${man_dir}/bis-conform.h2m)
  add_custom_command(
    OUTPUT ${conform_sections}
    COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:bis-conform> -DOUT=${conform_sections}
            -P ${PROJECT_SOURCE_DIR}/cmake/ManSections.cmake
    DEPENDS bis-conform ${PROJECT_SOURCE_DIR}/cmake/ManSections.cmake
    COMMENT "Collecting bis-conform's subcommand help for its man page")
  add_custom_command(
    OUTPUT ${man_dir}/bis-conform.1
    COMMAND ${BIS_HELP2MAN} --no-info --section=1 --include=${conform_sections}
            "--name=conformance suites for the Back in Stock subscribe API"
            --output=${man_dir}/bis-conform.1 $<TARGET_FILE:bis-conform>
    DEPENDS bis-conform ${conform_sections}
    COMMENT "Generating bis-conform.1")
  add_custom_command(
    OUTPUT ${man_dir}/bis-mock.1
    COMMAND ${BIS_HELP2MAN} --no-info --section=1
            "--name=mock server of the Back in Stock subscribe API"
            --output=${man_dir}/bis-mock.1 $<TARGET_FILE:bis-mock>
    DEPENDS bis-mock
    COMMENT "Generating bis-mock.1")
  add_custom_target(man_pages ALL DEPENDS ${man_dir}/bis-conform.1 ${man_dir}/bis-mock.1)
  install(FILES ${man_dir}/bis-conform.1 ${man_dir}/bis-mock.1
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
elseif(BIS_MAN_PAGES)
  message(STATUS "help2man not found: no man pages (scripts/deps.sh installs it)")
endif()

# `cpack` in the build folder makes build/packages/bis-conformance_VERSION_ARCH.deb. Its
# Depends are the Debian packages of the shared libraries the programs link (dpkg-shlibdeps).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME bis-conformance)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "bis-conformance maintainers <maintainers@bis-conformance.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Conformance suite and mock server for the Back in Stock subscribe API")
set(CPACK_PACKAGE_DESCRIPTION
    "bis-conform runs YAML scenario suites against an implementation of the Back in Stock\
 subscribe API and gives a verdict per documented requirement; bis-mock behaves like the real\
 API, quiet rules included, for developing and testing apps offline.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
