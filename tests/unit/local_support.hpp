// Helpers for the local-socket tests: a private temporary directory for socket files
// (removed at the end), and a connected local pair. Public API and the standard library only.
#pragma once

#include "test_support.hpp"

#include <portsock/local.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>

namespace portsock_test {

/// A fresh directory under the system's temporary directory, removed with its contents on
/// destruction. Its paths are short enough for every OS's sun_path limit.
class temp_dir {
public:
    temp_dir() {
        static std::atomic<unsigned> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = std::filesystem::temp_directory_path() /
                ("ps" + std::to_string(stamp % 1000000007) + "_" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    /// A path in the directory, as a string for local_address.
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

/// Skips the calling test where the OS has no local stream sockets (Wine 8, old Windows).
#define PORTSOCK_REQUIRE_LOCAL_STREAM()                                                          \
    do {                                                                                         \
        if (!portsock::has_local_stream_sockets())                                               \
            GTEST_SKIP() << "this OS has no AF_UNIX stream sockets (Wine 8, Windows before 10 1803)"; \
    } while (false)

/// Skips the calling test where the OS has no local datagram sockets (Windows).
#define PORTSOCK_REQUIRE_LOCAL_DATAGRAM()                                              \
    do {                                                                               \
        if (!portsock::has_local_datagram_sockets())                                   \
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
