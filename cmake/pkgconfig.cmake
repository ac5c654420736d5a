# Writes and installs retort.pc, and retort-web.pc with the web layer
# (included by the top CMakeLists.txt after the targets exist). The prefix is
# relative to the .pc file, so an installed tree can be moved (cmake --install
# --prefix elsewhere, tests/packaging).
#
# The libraries are static: Libs lists them in link order (facade first, util
# last) and the private part names what they use. sqlite3 comes through its own
# .pc; libpq is -lpq itself, because Debian's libpq.pc asks a static link for
# libpgcommon, libgssapi_krb5 and libldap archives that libpq-dev does not ship.

file(RELATIVE_PATH RETORT_PC_PREFIX_FROM_PCDIR "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
string(REGEX REPLACE "/$" "" RETORT_PC_PREFIX_FROM_PCDIR "${RETORT_PC_PREFIX_FROM_PCDIR}")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(FATAL_ERROR "retort.pc needs CMAKE_INSTALL_LIBDIR and CMAKE_INSTALL_INCLUDEDIR relative to the prefix")
endif()

set(RETORT_PC_LIBS "-lretort -lretort_orm")
foreach(backend IN LISTS RETORT_BACKENDS)
  string(APPEND RETORT_PC_LIBS " -lretort_${backend}")
endforeach()
string(APPEND RETORT_PC_LIBS " -lretort_engine -lretort_sql -lretort_util")
set(RETORT_PC_LIBS_PRIVATE "-pthread")
if(RETORT_WITH_POSTGRESQL)
  set(RETORT_PC_LIBS_PRIVATE "-lpq -pthread")
endif()
list(JOIN RETORT_BACKENDS ", " RETORT_PC_BACKENDS)

configure_file(${CMAKE_CURRENT_LIST_DIR}/retort.pc.in ${CMAKE_CURRENT_BINARY_DIR}/retort.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/retort.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# retort-web.pc: -lretort_web ahead of retort's libraries (pkg-config puts a
# package's own Libs before those of its Requires). cpp-httplib and
# nlohmann_json by their Debian .pc names.
if(RETORT_WITH_WEB)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/retort-web.pc.in ${CMAKE_CURRENT_BINARY_DIR}/retort-web.pc @ONLY)
  install(FILES ${CMAKE_CURRENT_BINARY_DIR}/retort-web.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endif()
