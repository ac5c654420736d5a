# CPack: `cpack -G DEB` in the build tree makes libretort-dev, a Debian
# package of what `cmake --install` installs (the headers, the static
# libraries, the CMake package, retort.pc and retort-web.pc) under /usr.
# Included by the top CMakeLists.txt after the install rules, and only when
# Retort is the top project, so a parent's add_subdirectory keeps its own
# CPack settings.
# tests/packaging/deb_test.sh builds the package and a consumer against it.

set(CPACK_PACKAGE_NAME libretort-dev)
set(CPACK_PACKAGE_VENDOR "Retort")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VERSION_MAJOR ${PROJECT_VERSION_MAJOR})
set(CPACK_PACKAGE_VERSION_MINOR ${PROJECT_VERSION_MINOR})
set(CPACK_PACKAGE_VERSION_PATCH ${PROJECT_VERSION_PATCH})
set(RETORT_PACKAGE_MAINTAINER "Retort maintainers <maintainers@retort.invalid>"
    CACHE STRING "The Maintainer field of the Debian package (Name <email>)")
set(CPACK_PACKAGE_CONTACT "${RETORT_PACKAGE_MAINTAINER}")
list(JOIN RETORT_BACKENDS ", " _retort_package_backends)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "C++20 ORM after SQLAlchemy - development files")
# The extended description, one line per line of the control file's Description.
string(CONCAT CPACK_PACKAGE_DESCRIPTION
       "Retort is a C++20 ORM with SQLAlchemy's relationship model: plain structs\n"
       "as models, an identity map, a unit of work that flushes in foreign-key\n"
       "order, relationships kept in sync on both sides, lazy and eager loading,\n"
       "and SQLAlchemy's session life cycle.\n"
       "\n"
       "This package has the headers, the static libraries (backends:\n"
       "${_retort_package_backends}), the CMake package (find_package(retort), target\n"
       "retort::retort) and retort.pc for pkg-config.")
if(RETORT_WITH_WEB)
  string(APPEND CPACK_PACKAGE_DESCRIPTION
         "\n"
         "\n"
         "It also has the web layer, after Flask and Flask-SQLAlchemy: component web\n"
         "(find_package(retort COMPONENTS web), target retort::web) and retort-web.pc.")
endif()
# Installed under /usr, as a distribution's package; the tree is the same as
# `cmake --install --prefix /usr` (lib/ and include/ of GNUInstallDirs).
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)

set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # libretort-dev_0.1.0-1_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# What a program built against the package needs: the libraries are static, so
# the backends' own -dev packages (libsqlite3.so, libpq.so and their .pc /
# CMake modules, which retortConfig.cmake and retort.pc look up), and
# pkg-config, which retortConfig.cmake uses to find sqlite3.
set(_retort_depends "libsqlite3-dev")
if(RETORT_WITH_POSTGRESQL)
  string(APPEND _retort_depends ", libpq-dev")
endif()
string(APPEND _retort_depends ", pkgconf | pkg-config")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_retort_depends}")
# The header-only fmt formatters (retort/fmt.hpp), spdlog sink and JSON columns
# (retort/engine/spdlog_sink.hpp, retort/sql/json.hpp) need these only when included.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libfmt-dev, libspdlog-dev, nlohmann-json3-dev, cmake")
# The web layer (libretort_web.a, when built) needs cpp-httplib to link and
# nlohmann-json in its headers. Recommends, not Depends: the ORM alone is
# usable without them (retortConfig.cmake looks them up only for COMPONENTS
# web), so a server that never links retort::web need not carry OpenSSL's and
# brotli's -dev packages, which libcpp-httplib-dev depends on; yet apt
# installs Recommends by default, so the web component works out of the box.
# Not libkainjow-mustache-dev: the templates are compiled into the library and
# no installed header includes mustache.hpp.
if(RETORT_WITH_WEB)
  set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcpp-httplib-dev, nlohmann-json3-dev")
  set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libfmt-dev, libspdlog-dev, cmake")
endif()
# Static libraries only: no shared-library dependencies to compute.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)

include(CPack)
