# CPack: the binary packages users install.
#
#   Linux    TGZ, DEB, RPM (RPM when rpmbuild is present: apt-get install rpm)
#   Windows  ZIP and a 64-bit NSIS installer (from the mingw-w64 cross build too)
#   macOS    TGZ
#
# One command builds them: `cmake --workflow --preset package` (Linux) or
# `cmake --workflow --preset package-mingw` (Windows packages from the cross build);
# the files land in build/<preset>/ . By hand: `cpack --config CPackConfig.cmake` in a
# configured, built tree. Included from the top-level CMakeLists.txt for the top-level
# project only, after cmake/PortsockInstall.cmake.
#
# Archives and the installer hold every component listed in CPACK_COMPONENTS_ALL (and
# nothing else, so a test or third-party install rule never leaks into a package); DEB and
# RPM make one package per component: libportsock0 / libportsock-tls0 / libportsock-dev /
# libportsock-tls-dev / portsock-doc / portsock-samples (RPM: portsock / portsock-tls /
# portsock-devel / portsock-tls-devel / portsock-doc / portsock-samples). The TLS
# development files have their own package, as Debian splits them, because they need
# OpenSSL's (libssl-dev), which the core ones do not. With PORTSOCK_DEBIAN_LAYOUT (the
# `package` preset) each DEB also carries what Debian asks of it (cmake/PortsockDebian.cmake).

get_target_property(_portsock_type portsock TYPE)
if(_portsock_type STREQUAL "SHARED_LIBRARY")
    set(_portsock_shared ON)
else()
    set(_portsock_shared OFF)
endif()

set(CPACK_PACKAGE_NAME "portsock")
set(CPACK_PACKAGE_VENDOR "The portsock authors")
set(CPACK_PACKAGE_CONTACT "The portsock authors <maintainers@portsock.dev>")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
"portsock is a portable C++17 sockets SDK: one small, modern API over Winsock 2 and BSD
sockets, with RAII socket types, std::error_code and exception error handling, and
timeouts that behave the same on every OS. Use it from CMake with
find_package(portsock CONFIG REQUIRED) and the portsock::portsock target, or through
pkg-config (portsock.pc).")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
if(EXISTS "${PROJECT_SOURCE_DIR}/README.md")
    set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
endif()
set(CPACK_PACKAGE_INSTALL_DIRECTORY "portsock")
set(CPACK_PACKAGE_CHECKSUM SHA256)
set(CPACK_STRIP_FILES ON)

# File names carry the version and the platform: portsock-0.1.0-Linux-x86_64.tar.gz,
# portsock-0.1.0-win64.zip, portsock-0.1.0-win64.exe (DEB/RPM use their own conventions).
if(WIN32)
    if(CMAKE_SIZEOF_VOID_P EQUAL 8)
        set(_portsock_platform "win64")
    else()
        set(_portsock_platform "win32")
    endif()
else()
    set(_portsock_platform "${CMAKE_SYSTEM_NAME}-${CMAKE_SYSTEM_PROCESSOR}")
endif()
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-${_portsock_platform}")
set(CPACK_SOURCE_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${CPACK_PACKAGE_VERSION}-src")
set(CPACK_SOURCE_GENERATOR "TGZ")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/\\\\.cache/" "/\\\\.vscode/")

# --- generators --------------------------------------------------------------------------
if(WIN32)
    set(CPACK_GENERATOR "ZIP")
    find_program(PORTSOCK_MAKENSIS makensis)
    if(PORTSOCK_MAKENSIS)
        list(APPEND CPACK_GENERATOR "NSIS")
    else()
        message(STATUS "portsock: makensis not found, the NSIS installer is skipped")
    endif()
elseif(APPLE)
    set(CPACK_GENERATOR "TGZ")
else()
    set(CPACK_GENERATOR "TGZ")
    find_program(PORTSOCK_DPKG_DEB dpkg-deb)
    if(PORTSOCK_DPKG_DEB)
        list(APPEND CPACK_GENERATOR "DEB")
    endif()
    find_program(PORTSOCK_RPMBUILD rpmbuild)
    if(PORTSOCK_RPMBUILD)
        list(APPEND CPACK_GENERATOR "RPM")
    else()
        message(STATUS "portsock: rpmbuild not found, the RPM package is skipped (apt-get install rpm)")
    endif()
endif()

# --- components ----------------------------------------------------------------------------
if(_portsock_shared)
    set(CPACK_COMPONENTS_ALL runtime development docs samples)
    if(TARGET portsock_tls)
        list(APPEND CPACK_COMPONENTS_ALL tls tls_development)  # the TLS library, its own packages
    endif()
    if(TARGET portsock_async)
        list(APPEND CPACK_COMPONENTS_ALL async)  # the async library, its own package
    endif()
else()
    set(CPACK_COMPONENTS_ALL development docs samples)  # a static build has no runtime files
    if(TARGET portsock_tls)
        list(APPEND CPACK_COMPONENTS_ALL tls_development)
    endif()
endif()
# One archive / installer with every component; DEB and RPM switch to one package per
# component in cmake/PortsockCPackOptions.cmake.in (read by CPack for each generator).
set(CPACK_ARCHIVE_COMPONENT_INSTALL ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_RPM_COMPONENT_INSTALL ON)
# Archives unpack into one directory named like the file (portsock-0.1.0-Linux-x86_64/):
# CPACK_COMPONENT_INCLUDE_TOPLEVEL_DIRECTORY, set per generator in PortsockCPackOptions.
set(CPACK_COMPONENTS_GROUPING ALL_COMPONENTS_IN_ONE)

set(_portsock_dev_depends "")
set(_portsock_tls_dev_depends development)
if(_portsock_shared)
    set(_portsock_dev_depends runtime)
    list(APPEND _portsock_tls_dev_depends tls)
    if(TARGET portsock_async)
        list(APPEND _portsock_dev_depends async)
    endif()
endif()

# --- DEB -------------------------------------------------------------------------------------
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)         # Depends: of the library from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)    # a shlibs file for packages that link it
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)   # libportsock-dev Depends: libportsock0 (= version)
set(CPACK_DEBIAN_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "libportsock${PROJECT_VERSION_MAJOR}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION "libs")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME "libportsock-dev")
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION "libdevel")
# libportsock-tls0: Depends: libssl3 comes from dpkg-shlibdeps, like libportsock0's own;
# libportsock0 (= version) from the component DEPENDS. dpkg-shlibdeps must find
# libportsock.so.0, which is in the other package: -l points it at the build tree.
set(CPACK_DEBIAN_TLS_PACKAGE_NAME "libportsock-tls${PROJECT_VERSION_MAJOR}")
set(CPACK_DEBIAN_TLS_PACKAGE_SECTION "libs")
# libportsock-async0: the async component (C++20 coroutines), Depends: libportsock0 (= version).
set(CPACK_DEBIAN_ASYNC_PACKAGE_NAME "libportsock-async${PROJECT_VERSION_MAJOR}")
set(CPACK_DEBIAN_ASYNC_PACKAGE_SECTION "libs")
if(TARGET portsock_tls OR TARGET portsock_async)
    get_target_property(_portsock_lib_dir portsock LIBRARY_OUTPUT_DIRECTORY)
    if(NOT _portsock_lib_dir)
        get_target_property(_portsock_lib_dir portsock BINARY_DIR)
    endif()
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${_portsock_lib_dir}")
    unset(_portsock_lib_dir)
endif()
# libportsock-tls-dev: tls.hpp, the TLS CMake targets, portsock-tls.pc and the link-time
# library; find_package(portsock COMPONENTS tls) and pkg-config portsock-tls need OpenSSL's
# development files, so it depends on libssl-dev (plus libportsock-dev and
# libportsock-tls0, from the component DEPENDS).
set(CPACK_DEBIAN_TLS_DEVELOPMENT_PACKAGE_NAME "libportsock-tls-dev")
set(CPACK_DEBIAN_TLS_DEVELOPMENT_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_TLS_DEVELOPMENT_PACKAGE_DEPENDS "libssl-dev (>= 3.0)")
set(CPACK_DEBIAN_DOCS_PACKAGE_NAME "portsock-doc")
set(CPACK_DEBIAN_DOCS_PACKAGE_SECTION "doc")
set(CPACK_DEBIAN_DOCS_PACKAGE_ARCHITECTURE "all")
set(CPACK_DEBIAN_SAMPLES_PACKAGE_NAME "portsock-samples")
set(CPACK_DEBIAN_SAMPLES_PACKAGE_SECTION "devel")
set(CPACK_DEBIAN_SAMPLES_PACKAGE_ARCHITECTURE "all")
# Plus libportsock-dev (= version), from the component DEPENDS.
set(CPACK_DEBIAN_SAMPLES_PACKAGE_DEPENDS "cmake (>= 3.21), g++ | c++-compiler")
if(NOT _portsock_shared)
    # Nothing for dpkg-shlibdeps to read in a static -dev package: name what a link needs.
    set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS "libc6-dev, libstdc++-dev | libstdc++-12-dev")
endif()

# --- RPM -------------------------------------------------------------------------------------
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_RELEASE 1)
set(CPACK_RPM_PACKAGE_LICENSE "MIT")
set(CPACK_RPM_PACKAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RPM_PACKAGE_GROUP "Development/Libraries")
set(CPACK_RPM_RUNTIME_PACKAGE_NAME "portsock")
set(CPACK_RPM_DEVELOPMENT_PACKAGE_NAME "portsock-devel")
# portsock-tls: rpmbuild's automatic Requires: add libssl.so.3 and libcrypto.so.3.
set(CPACK_RPM_TLS_PACKAGE_NAME "portsock-tls")
set(CPACK_RPM_TLS_PACKAGE_REQUIRES "portsock = ${PROJECT_VERSION}")
set(CPACK_RPM_TLS_DEVELOPMENT_PACKAGE_NAME "portsock-tls-devel")
set(CPACK_RPM_TLS_DEVELOPMENT_PACKAGE_REQUIRES "portsock-devel = ${PROJECT_VERSION}, openssl-devel >= 3.0")
if(_portsock_shared)
    string(APPEND CPACK_RPM_TLS_DEVELOPMENT_PACKAGE_REQUIRES ", portsock-tls = ${PROJECT_VERSION}")
endif()
set(CPACK_RPM_ASYNC_PACKAGE_NAME "portsock-async")
set(CPACK_RPM_ASYNC_PACKAGE_REQUIRES "portsock = ${PROJECT_VERSION}")
set(CPACK_RPM_DOCS_PACKAGE_NAME "portsock-doc")
set(CPACK_RPM_DOCS_PACKAGE_ARCHITECTURE "noarch")
set(CPACK_RPM_SAMPLES_PACKAGE_NAME "portsock-samples")
set(CPACK_RPM_SAMPLES_PACKAGE_ARCHITECTURE "noarch")
if(_portsock_shared)
    set(CPACK_RPM_DEVELOPMENT_PACKAGE_REQUIRES "portsock = ${PROJECT_VERSION}")
    if(TARGET portsock_async)
        string(APPEND CPACK_RPM_DEVELOPMENT_PACKAGE_REQUIRES ", portsock-async = ${PROJECT_VERSION}")
    endif()
endif()
set(CPACK_RPM_SAMPLES_PACKAGE_REQUIRES "portsock-devel = ${PROJECT_VERSION}")
# Directories every system already owns must not be claimed by these packages.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION
    /usr/share/doc /usr/lib/cmake /usr/lib/pkgconfig /usr/lib64/cmake /usr/lib64/pkgconfig)
if(CMAKE_LIBRARY_ARCHITECTURE)  # the multiarch directory of PORTSOCK_DEBIAN_LAYOUT
    list(APPEND CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}"
        "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake" "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/pkgconfig")
endif()

# --- NSIS (64-bit) ---------------------------------------------------------------------------
# A 64-bit, Unicode installer. CMake 3.25's NSIS generator overwrites CPACK_NSIS_DEFINES
# with its own defines, so the Target line also rides on the SetCompressor line of the
# template (CPACK_NSIS_COMPRESSOR), which comes before any page or section. The Windows
# package tests check that the installer is a PE32+ x86-64 program.
set(CPACK_NSIS_DEFINES "Target amd64-unicode")
set(CPACK_NSIS_COMPRESSOR "lzma\n  Target amd64-unicode")
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
set(CPACK_NSIS_PACKAGE_NAME "portsock ${PROJECT_VERSION}")
set(CPACK_NSIS_DISPLAY_NAME "portsock ${PROJECT_VERSION}")
set(CPACK_NSIS_URL_INFO_ABOUT "${PROJECT_HOMEPAGE_URL}")
set(CPACK_NSIS_CONTACT "${CPACK_PACKAGE_CONTACT}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH OFF)

# Copyright, changelog and ldconfig trigger for every DEB (lintian: 0 errors).
if(PORTSOCK_DEBIAN_LAYOUT AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
    include(PortsockDebian)
    portsock_debian_package_files()
endif()

# Per-generator switches: DEB and RPM make one package per component.
configure_file("${PROJECT_SOURCE_DIR}/cmake/PortsockCPackOptions.cmake.in"
    "${PROJECT_BINARY_DIR}/PortsockCPackOptions.cmake" @ONLY)
set(CPACK_PROJECT_CONFIG_FILE "${PROJECT_BINARY_DIR}/PortsockCPackOptions.cmake")

include(CPack)

cpack_add_component(runtime
    DISPLAY_NAME "Runtime library"
    DESCRIPTION "The portsock shared library programs need at run time.")
cpack_add_component(development
    DISPLAY_NAME "Development files"
    DESCRIPTION "Headers, the library to link, CMake package (find_package(portsock)) and pkg-config file."
    DEPENDS ${_portsock_dev_depends})
if(TARGET portsock_tls)
    cpack_add_component(tls
        DISPLAY_NAME "TLS library"
        DESCRIPTION "portsock::tls, TLS streams on OpenSSL 3."
        DEPENDS runtime)
endif()
if(TARGET portsock_tls)
    cpack_add_component(tls_development
        DISPLAY_NAME "TLS development files"
        DESCRIPTION "tls.hpp, the portsock::tls CMake target (find_package(portsock COMPONENTS tls)) and portsock-tls.pc."
        DEPENDS ${_portsock_tls_dev_depends})
endif()
if(TARGET portsock_async)
    cpack_add_component(async
        DISPLAY_NAME "Async library"
        DESCRIPTION "portsock::async, C++20 coroutines over portsock's poller."
        DEPENDS runtime)
endif()
cpack_add_component(docs
    DISPLAY_NAME "Documentation"
    DESCRIPTION "The HTML reference, guides and the license.")
cpack_add_component(samples
    DISPLAY_NAME "Samples"
    DESCRIPTION "Sample programs' sources, a CMake project that builds against the installed package."
    DEPENDS development)

unset(_portsock_type)
unset(_portsock_shared)
unset(_portsock_platform)
unset(_portsock_dev_depends)
unset(_portsock_tls_dev_depends)
