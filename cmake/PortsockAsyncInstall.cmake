# Install rules of the optional async component (portsock::async, C++20 coroutines), when it
# is built. Included from cmake/PortsockInstall.cmake.
#
#   async        the shared async library (lib/libportsock_async.so.N, bin/*.dll): its own
#                DEB/RPM package, which depends on libportsock
#   development  its headers (async.hpp, async/*.hpp, async_export.hpp), link-time files,
#                portsockAsyncTargets.cmake (loaded by find_package(portsock COMPONENTS async))
#                and portsock-async.pc
#   tls_development  async/tls.hpp, the awaitable TLS stream: header-only over both
#                components, it includes portsock/tls.hpp, so it ships with the TLS headers
install(TARGETS portsock_async
    EXPORT portsockAsyncTargets
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT async
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT async
        NAMELINK_COMPONENT development
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT development)
install(FILES
        "${PROJECT_SOURCE_DIR}/sdk/include/portsock/async.hpp"
        "${PROJECT_BINARY_DIR}/generated/include/portsock/async_export.hpp"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/portsock"
    COMPONENT development)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/sdk/include/portsock/async"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/portsock"
    COMPONENT development
    FILES_MATCHING PATTERN "*.hpp"
    PATTERN "tls.hpp" EXCLUDE)
if(TARGET portsock_tls)
    install(FILES "${PROJECT_SOURCE_DIR}/sdk/include/portsock/async/tls.hpp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/portsock/async"
        COMPONENT tls_development)
endif()
install(EXPORT portsockAsyncTargets
    NAMESPACE portsock::
    FILE portsockAsyncTargets.cmake
    DESTINATION "${PORTSOCK_INSTALL_CMAKEDIR}"
    COMPONENT development)

# pkg-config: portsock-async requires portsock and C++20.
set(PORTSOCK_ASYNC_PC_CFLAGS "")
set(PORTSOCK_ASYNC_PC_LIBS "")
if(NOT PORTSOCK_CONFIG_SHARED)
    set(PORTSOCK_ASYNC_PC_CFLAGS " -DPORTSOCK_ASYNC_STATIC_DEFINE")
endif()
if(NOT WIN32 AND CMAKE_THREAD_LIBS_INIT)
    set(PORTSOCK_ASYNC_PC_LIBS " ${CMAKE_THREAD_LIBS_INIT}")
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/portsock-async.pc.in" "${PROJECT_BINARY_DIR}/portsock-async.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/portsock-async.pc"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    COMPONENT development)
