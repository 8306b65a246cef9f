# portsock_posix_probes(<target>): finds which Linux/BSD extensions this system has and
# defines PORTSOCK_HAVE_<NAME> to 1 or 0 for <target> (and sets the variable of that name in
# the caller, which picks the poller and batch files by it). PORTSOCK_POSIX_GENERIC forces every
# one to 0, so the fallbacks macOS and the BSDs take are built and tested on Linux.
#
# Close-on-exec: SOCK_CLOEXEC (socket()), accept4() and pipe2() are probed one by one and
# each is used wherever it exists (Linux, the BSDs). Without one, fcntl(FD_CLOEXEC) follows
# the call, and a fork() in another thread between the two can leak the descriptor into a
# child. macOS lacks all three, so the generic build forces all three off.
include(CheckCXXSourceCompiles)
include(CheckSymbolExists)

function(portsock_posix_probes target)
    set(CMAKE_REQUIRED_DEFINITIONS -D_GNU_SOURCE)
    check_symbol_exists(accept4 "sys/socket.h" PORTSOCK_PROBE_ACCEPT4)
    check_symbol_exists(SOCK_CLOEXEC "sys/socket.h" PORTSOCK_PROBE_SOCK_CLOEXEC)
    check_symbol_exists(pipe2 "unistd.h;fcntl.h" PORTSOCK_PROBE_PIPE2)
    check_symbol_exists(MSG_NOSIGNAL "sys/socket.h" PORTSOCK_PROBE_MSG_NOSIGNAL)
    check_symbol_exists(SO_NOSIGPIPE "sys/socket.h" PORTSOCK_PROBE_SO_NOSIGPIPE)
    # Local sockets: Linux's peer credentials and abstract names (forced off by the generic
    # build, like the rest), and the BSDs' getpeereid(), which is the fallback, not forced.
    check_symbol_exists(SO_PEERCRED "sys/socket.h" PORTSOCK_PROBE_SO_PEERCRED)
    check_symbol_exists(getpeereid "unistd.h" PORTSOCK_PROBE_GETPEEREID)
    if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
        set(PORTSOCK_PROBE_ABSTRACT_LOCAL 1)
    else()
        set(PORTSOCK_PROBE_ABSTRACT_LOCAL 0)
    endif()
    if(PORTSOCK_PROBE_GETPEEREID)
        target_compile_definitions(${target} PRIVATE PORTSOCK_HAVE_GETPEEREID=1)
    else()
        target_compile_definitions(${target} PRIVATE PORTSOCK_HAVE_GETPEEREID=0)
    endif()
    # IPv4 multicast interface by index (Linux ip_mreqn); the fallback finds the address.
    check_cxx_source_compiles([=[
        #include <netinet/in.h>
        int main() { ip_mreqn r{}; r.imr_ifindex = 1; return r.imr_ifindex; }
    ]=] PORTSOCK_PROBE_IP_MREQN)
    # The poller's Linux backend (with its eventfd wake-up) and the batch datagram calls.
    check_cxx_source_compiles([=[
        #include <sys/epoll.h>
        #include <sys/eventfd.h>
        int main() { return epoll_create1(EPOLL_CLOEXEC) + eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }
    ]=] PORTSOCK_PROBE_EPOLL)
    check_cxx_source_compiles([=[
        #include <sys/socket.h>
        int main() {
            mmsghdr m[1] = {};
            return sendmmsg(0, m, 1, 0) + recvmmsg(0, m, 1, MSG_WAITFORONE, nullptr);
        }
    ]=] PORTSOCK_PROBE_SENDMMSG)
    # Linux's sendfile(2) to a socket (macOS and the BSDs have a different sendfile).
    check_cxx_source_compiles([=[
        #include <sys/sendfile.h>
        int main() { off_t at = 0; return static_cast<int>(sendfile(1, 0, &at, 1)); }
    ]=] PORTSOCK_PROBE_LINUX_SENDFILE)
    # The BSD sendfile (file first, socket second), in its two signatures: FreeBSD's, with
    # the count in and the bytes sent out through separate arguments, and macOS's, with one
    # in-out count. Neither compiles on Linux, whose <sys/socket.h> has no sendfile.
    check_cxx_source_compiles([=[
        #include <sys/types.h>
        #include <sys/socket.h>
        #include <sys/uio.h>
        int main() {
            off_t sent = 0;
            return sendfile(0, 1, off_t{0}, size_t{1}, static_cast<sf_hdtr*>(nullptr), &sent, 0);
        }
    ]=] PORTSOCK_PROBE_FREEBSD_SENDFILE)
    check_cxx_source_compiles([=[
        #include <sys/types.h>
        #include <sys/socket.h>
        #include <sys/uio.h>
        int main() {
            off_t length = 1;
            return sendfile(0, 1, off_t{0}, &length, static_cast<sf_hdtr*>(nullptr), 0);
        }
    ]=] PORTSOCK_PROBE_MACOS_SENDFILE)
    # UDP generic segmentation offload for send_batch()'s sendmmsg path (Linux 4.18+; the
    # kernel is asked at run time too): the C library's <netinet/udp.h> (glibc 2.28+, musl)
    # or, with an older one, the kernel's <linux/udp.h>. Never both: each defines udphdr.
    set(PORTSOCK_PROBE_UDP_SEGMENT 0)
    set(udp_segment_in_netinet 0)
    foreach(header netinet linux)
        if(NOT PORTSOCK_PROBE_SENDMMSG)
            break()
        endif()
        check_cxx_source_compiles("
            #include <sys/socket.h>
            #include <netinet/in.h>
            #include <${header}/udp.h>
            int main() { return IPPROTO_UDP + UDP_SEGMENT + static_cast<int>(sizeof(cmsghdr)); }
        " PORTSOCK_PROBE_UDP_SEGMENT_${header})
        if(PORTSOCK_PROBE_UDP_SEGMENT_${header})
            set(PORTSOCK_PROBE_UDP_SEGMENT 1)
            string(COMPARE EQUAL "${header}" netinet udp_segment_in_netinet)
            break()
        endif()
    endforeach()
    target_compile_definitions(${target} PRIVATE PORTSOCK_UDP_SEGMENT_IN_NETINET=${udp_segment_in_netinet})

    set(summary "")
    foreach(feature ACCEPT4 SOCK_CLOEXEC PIPE2 MSG_NOSIGNAL SO_NOSIGPIPE IP_MREQN EPOLL SENDMMSG UDP_SEGMENT
                    SO_PEERCRED ABSTRACT_LOCAL LINUX_SENDFILE FREEBSD_SENDFILE MACOS_SENDFILE)
        if(PORTSOCK_PROBE_${feature} AND NOT PORTSOCK_POSIX_GENERIC)
            set(value 1)
        else()
            set(value 0)
        endif()
        target_compile_definitions(${target} PRIVATE PORTSOCK_HAVE_${feature}=${value})
        set(PORTSOCK_HAVE_${feature} ${value} PARENT_SCOPE)  # for choosing source files
        string(APPEND summary " ${feature}=${value}")
    endforeach()
    if(PORTSOCK_POSIX_GENERIC)
        target_compile_definitions(${target} PRIVATE PORTSOCK_POSIX_GENERIC=1)
    else()
        target_compile_definitions(${target} PRIVATE PORTSOCK_POSIX_GENERIC=0)
    endif()
    target_compile_definitions(${target} PRIVATE _GNU_SOURCE)
    message(STATUS "portsock POSIX port:${summary}")
endfunction()
