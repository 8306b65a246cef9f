# Install rules of the optional TLS component (portsock::tls), when it is built. Included
# from cmake/PortsockInstall.cmake.
#
#   tls          the shared TLS library (lib/libportsock_tls.so.N, bin/*.dll): its own
#                DEB/RPM package, which depends on OpenSSL's runtime library
#   tls_development  its link-time files, tls.hpp, tls_export.hpp, portsockTlsTargets.cmake
#                (loaded by find_package(portsock COMPONENTS tls)) and portsock-tls.pc: a
#                package of its own (libportsock-tls-dev), which needs OpenSSL's headers
install(TARGETS portsock_tls
    EXPORT portsockTlsTargets
    RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT tls
    LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT tls
        NAMELINK_COMPONENT tls_development
    ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT tls_development)
install(FILES
        "${PROJECT_SOURCE_DIR}/sdk/include/portsock/tls.hpp"
        "${PROJECT_BINARY_DIR}/generated/include/portsock/tls_export.hpp"
    DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/portsock"
    COMPONENT tls_development)
install(EXPORT portsockTlsTargets
    NAMESPACE portsock::
    FILE portsockTlsTargets.cmake
    DESTINATION "${PORTSOCK_INSTALL_CMAKEDIR}"
    COMPONENT tls_development)

# pkg-config: portsock-tls requires portsock; OpenSSL is private for a shared library and
# needed by every link of a static one.
set(PORTSOCK_TLS_PC_CFLAGS "")
set(PORTSOCK_TLS_PC_REQUIRES "portsock")
set(PORTSOCK_TLS_PC_REQUIRES_PRIVATE "openssl >= 3.0")
set(PORTSOCK_TLS_PC_LIBS "")
if(NOT PORTSOCK_CONFIG_SHARED)
    set(PORTSOCK_TLS_PC_CFLAGS " -DPORTSOCK_TLS_STATIC_DEFINE")
    set(PORTSOCK_TLS_PC_REQUIRES "portsock, openssl >= 3.0")
    set(PORTSOCK_TLS_PC_REQUIRES_PRIVATE "")
    if(WIN32)
        set(PORTSOCK_TLS_PC_LIBS " -lcrypt32 -luser32 -lws2_32")
    endif()
endif()
configure_file("${PROJECT_SOURCE_DIR}/cmake/portsock-tls.pc.in" "${PROJECT_BINARY_DIR}/portsock-tls.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/portsock-tls.pc"
    DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    COMPONENT tls_development)
