// Raw AF_UNIX stream sockets for the local benchmarks' reference loop, beside the TCP ones
// of raw_baseline.hpp (whose send, receive and close calls work on these handles too).
// Not part of the library; built only with PORTSOCK_BUILD_BENCHMARKS, on POSIX.
#pragma once

#include "raw_baseline.hpp"

namespace portsock::raw {

/// A connected AF_UNIX stream pair made with socket(), bind(), listen(), connect() and
/// accept() on a fresh path in a temporary directory; the path is removed once connected.
struct local_pair {
    raw_handle client;
    raw_handle server;
};
local_pair connect_local_pair();

}  // namespace portsock::raw
