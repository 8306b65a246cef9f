// Winsock 2 port: what this host and build can do.
#include "win_common.hpp"

#include <cstdio>

namespace portsock::platform {

bool has_ipv6_loopback() noexcept {
    std::error_code ec;
    const handle h = open(family::ipv6, socket_type::stream, ec);  // holds Winsock for the probe
    if (ec) return false;
    address loopback;
    loopback.fam = family::ipv6;
    loopback.bytes[15] = 1;
    bind(h, loopback, ec);
    std::error_code ignored;
    close(h, ignored);
    return !ec;
}

// open() creates sockets with WSA_FLAG_NO_HANDLE_INHERIT, but accept() has no such flag:
// SetHandleInformation() follows it.
bool has_atomic_close_on_exec() noexcept { return false; }

namespace {

// Wine's ntdll exports wine_get_version(); Windows' does not. Wine's socket layer differs
// from Windows in a few corners (ICMP errors on connected UDP sockets, resets seen as end
// of stream), so the port name says so, for bug reports and for tests that must skip.
const char* wine_version() noexcept {
    const HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
    if (!ntdll) return nullptr;
    const FARPROC found = ::GetProcAddress(ntdll, "wine_get_version");
    if (!found) return nullptr;
    using version_function = const char* (*)();
    // Through void(*)(): the one function-pointer cast -Wcast-function-type allows.
    const auto get = reinterpret_cast<version_function>(reinterpret_cast<void (*)()>(found));
    return get();
}

}  // namespace

const char* port_name() noexcept {
    static const char* const name = []() noexcept -> const char* {
        static char buffer[64];
        const char* wine = wine_version();
        if (!wine) return "win32";
        std::snprintf(buffer, sizeof buffer, "win32 (Wine %s)", wine);
        return buffer;
    }();
    return name;
}

}  // namespace portsock::platform
