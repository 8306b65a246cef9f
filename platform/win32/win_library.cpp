// Winsock 2 port: automatic, reference-counted start-up of the Winsock library.
//
// Users never call WSAStartup. open() and accept() take one reference per handle (dropped
// by close()); resolve() holds one for the call. The first reference calls WSAStartup(2.2),
// the last release calls WSACleanup, so a program that closes every socket leaves Winsock
// as it found it. A failed start-up is the error of the call that needed it.
//
// The lock is an SRWLOCK: constant-initialised and never destroyed, so a socket closed by
// a static destructor at exit still finds it usable (a std::mutex gives no such promise
// across every standard library Windows compilers ship).
#include "win_common.hpp"

namespace portsock::platform {
namespace {

SRWLOCK library_lock = SRWLOCK_INIT;
unsigned long library_references = 0;

class exclusive {
public:
    exclusive() noexcept { ::AcquireSRWLockExclusive(&library_lock); }
    ~exclusive() { ::ReleaseSRWLockExclusive(&library_lock); }
    exclusive(const exclusive&) = delete;
    exclusive& operator=(const exclusive&) = delete;
};

}  // namespace

std::error_code acquire_library() noexcept {
    const exclusive lock;
    if (library_references == 0) {
        WSADATA data{};
        const int status = ::WSAStartup(MAKEWORD(2, 2), &data);
        if (status != 0) return socket_error(status);  // WSAStartup returns its error
        if (LOBYTE(data.wVersion) != 2 || HIBYTE(data.wVersion) != 2) {
            ::WSACleanup();
            return socket_error(WSAVERNOTSUPPORTED);
        }
    }
    ++library_references;
    return {};
}

void release_library() noexcept {
    const exclusive lock;
    if (library_references == 0) return;  // unbalanced release: never go below zero
    if (--library_references == 0) ::WSACleanup();
}

}  // namespace portsock::platform
