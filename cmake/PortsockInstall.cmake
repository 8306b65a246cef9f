# Install rules: the portsock::portsock package as users consume it.
#
# Components
#   runtime      the shared library (bin/*.dll on Windows, lib/*.so.N on Linux)
#   development  public and generated headers, the static library or the link-time
#                files (.so symlink, .dll.a import library), CMake and pkg-config files
#   docs         LICENSE, README and (when built) the HTML reference
#   samples      the samples' sources and their standalone CMakeLists.txt, which builds
#                against the installed package with find_package(portsock)
#
# Included from the top-level CMakeLists.txt when PORTSOCK_INSTALL is on.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PORTSOCK_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/portsock"
    CACHE STRING "Where portsockConfig.cmake is installed (relative to the prefix)")
mark_as_advanced(PORTSOCK_INSTALL_CMAKEDIR)

get_target_property(_portsock_type portsock TYPE)
if(_portsock_type STREQUAL "SHARED_LIBRARY")
    set(PORTSOCK_CONFIG_SHARED ON)
else()
    set(PORTSOCK_CONFIG_SHARED OFF)
endif()

# --- the library -----------------------------------------------------------------------
install(TARGETS portsock
    EXPORT portsockTargets
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT runtime
        NAMELINK_COMPONENT development
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)

# Public headers only: platform/ and sdk/src/ headers are private and never installed.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/sdk/include/portsock"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
    COMPONENT development
    FILES_MATCHING PATTERN "*.hpp"
    PATTERN "tls.hpp" EXCLUDE   # the TLS component's, installed with it (PortsockTlsInstall)
    PATTERN "async.hpp" EXCLUDE  # the async component's, installed with it (PortsockAsyncInstall)
    PATTERN "async" EXCLUDE)
# Generated public headers: config.hpp, version.hpp, export.hpp.
install(FILES
        "${PROJECT_BINARY_DIR}/generated/include/portsock/config.hpp"
        "${PROJECT_BINARY_DIR}/generated/include/portsock/version.hpp"
        "${PROJECT_BINARY_DIR}/generated/include/portsock/export.hpp"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/portsock"
    COMPONENT development)

# --- CMake package ---------------------------------------------------------------------
install(EXPORT portsockTargets
    NAMESPACE portsock::
    FILE portsockTargets.cmake
    DESTINATION "${PORTSOCK_INSTALL_CMAKEDIR}"
    COMPONENT development)

# The TLS component's targets are loaded only when `tls` is requested, and only then is
# OpenSSL looked for: find_package(portsock) alone never needs it.
if(TARGET portsock_tls)
    set(PORTSOCK_CONFIG_HAS_TLS ON)
else()
    set(PORTSOCK_CONFIG_HAS_TLS OFF)
endif()

if(TARGET portsock_async)
    set(PORTSOCK_CONFIG_HAS_ASYNC ON)
else()
    set(PORTSOCK_CONFIG_HAS_ASYNC OFF)
endif()

# What portsock::portsock needs from the consumer's side. A shared library hides its
# private dependencies; a static one exports them as $<LINK_ONLY:...>, which needs the
# imported targets (Threads::Threads) defined. Plain names (ws2_32) need nothing.
set(PORTSOCK_CONFIG_DEPENDENCIES "")
if(NOT WIN32)
    string(APPEND PORTSOCK_CONFIG_DEPENDENCIES
        "set(THREADS_PREFER_PTHREAD_FLAG ON)\nfind_dependency(Threads)\n")
endif()

configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/portsockConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/portsockConfig.cmake"
    INSTALL_DESTINATION "${PORTSOCK_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/portsockConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}"
    COMPATIBILITY SameMajorVersion)
install(FILES
        "${PROJECT_BINARY_DIR}/portsockConfig.cmake"
        "${PROJECT_BINARY_DIR}/portsockConfigVersion.cmake"
    DESTINATION "${PORTSOCK_INSTALL_CMAKEDIR}"
    COMPONENT development)

# --- pkg-config ------------------------------------------------------------------------
# Relocatable: prefix is found from the .pc file's own directory.
file(RELATIVE_PATH PORTSOCK_PC_RELATIVE_PREFIX
    "/portsock-prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/portsock-prefix")
string(REGEX REPLACE "/$" "" PORTSOCK_PC_RELATIVE_PREFIX "${PORTSOCK_PC_RELATIVE_PREFIX}")
set(_portsock_pc_system_libs "")
if(WIN32)
    foreach(lib IN LISTS PORTSOCK_SYSTEM_LIBRARIES)
        string(APPEND _portsock_pc_system_libs " -l${lib}")
    endforeach()
else()
    set(THREADS_PREFER_PTHREAD_FLAG ON)
    find_package(Threads REQUIRED)
    if(CMAKE_THREAD_LIBS_INIT)
        string(APPEND _portsock_pc_system_libs " ${CMAKE_THREAD_LIBS_INIT}")
    endif()
endif()
set(PORTSOCK_PC_CFLAGS "")
set(PORTSOCK_PC_LIBS "")
set(PORTSOCK_PC_LIBS_PRIVATE "")
if(PORTSOCK_CONFIG_SHARED)
    set(PORTSOCK_PC_LIBS_PRIVATE "${_portsock_pc_system_libs}")
else()
    # Only a static library is installed: its system libraries are needed by every link.
    set(PORTSOCK_PC_CFLAGS " -DPORTSOCK_STATIC_DEFINE")
    set(PORTSOCK_PC_LIBS "${_portsock_pc_system_libs}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/portsock.pc.in"
    "${PROJECT_BINARY_DIR}/portsock.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/portsock.pc"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    COMPONENT development)

# --- the optional TLS component --------------------------------------------------------
if(TARGET portsock_tls)
    include(PortsockTlsInstall)
endif()

# --- the optional async component ------------------------------------------------------
if(TARGET portsock_async)
    include(PortsockAsyncInstall)
endif()

# --- docs ------------------------------------------------------------------------------
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE"
    DESTINATION "${CMAKE_INSTALL_DOCDIR}"
    COMPONENT docs)
if(EXISTS "${PROJECT_SOURCE_DIR}/README.md")
    install(FILES "${PROJECT_SOURCE_DIR}/README.md" "${PROJECT_SOURCE_DIR}/CHANGELOG.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        COMPONENT docs)
endif()
# The HTML reference is installed to ${CMAKE_INSTALL_DOCDIR}/html by docs/CMakeLists.txt.

# --- samples ---------------------------------------------------------------------------
# Sources only, with the standalone CMakeLists.txt: they build against this package.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/samples/"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/portsock/samples"
    COMPONENT samples
    FILES_MATCHING
        PATTERN "CMakeLists.txt"
        PATTERN "*.cpp"
        PATTERN "*.hpp"
        PATTERN "*.md")

unset(_portsock_type)
unset(_portsock_pc_system_libs)
