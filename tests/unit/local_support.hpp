// Helpers for the local-socket tests: capability skips and a connected local pair.
// Public API and the standard library only.
#pragma once

#include "temp_dir.hpp"
#include "test_support.hpp"

#include <portsock/local.hpp>

namespace portsock_test {

/// Skips the calling test where the OS has no local stream sockets (Wine 8, old Windows).
#define PORTSOCK_REQUIRE_LOCAL_STREAM()                                                               \
    do {                                                                                              \
        if (!portsock::has_local_stream_sockets())                                                    \
            GTEST_SKIP() << "this OS has no AF_UNIX stream sockets (Wine 8, Windows before 10 1803)"; \
    } while (false)

/// Skips the calling test where the OS has no local datagram sockets (Windows).
#define PORTSOCK_REQUIRE_LOCAL_DATAGRAM()                                                         \
    do {                                                                                          \
        if (!portsock::has_local_datagram_sockets())                                              \
            GTEST_SKIP() << "this OS has no AF_UNIX datagram sockets (Windows has streams only)"; \
    } while (false)

/// A connected local pair, and the listener that made it.
struct local_pair {
    portsock::local_listener listener;
    portsock::local_stream client;
    portsock::local_stream server;
};

inline local_pair make_local_pair(const portsock::local_address& at) {
    local_pair pair;
    pair.listener = portsock::local_listener(at);
    pair.client = portsock::local_stream::connect(at, patience);
    pair.server = pair.listener.accept(patience).stream;
    return pair;
}

}  // namespace portsock_test
