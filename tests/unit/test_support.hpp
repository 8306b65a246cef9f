// Helpers shared by the unit tests: loopback connections, a stopwatch and a way to catch
// the std::system_error a throwing call raises. Only the public API is used here, so the
// same tests run unchanged on every port.
#pragma once

#include <portsock/portsock.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace portsock_test {

using namespace std::chrono_literals;

/// How long an operation that is expected to succeed may take: generous, so a loaded CI
/// machine (or Wine, or a sanitizer build) does not turn a pass into a failure.
inline constexpr std::chrono::milliseconds patience = 10s;

/// The longest a timed-out call may overrun its limit before the test calls it a bug.
inline constexpr std::chrono::milliseconds overrun = 3s;

/// Time elapsed since construction.
class stopwatch {
public:
    std::chrono::milliseconds elapsed() const {
        return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start_);
    }

private:
    using clock = std::chrono::steady_clock;
    clock::time_point start_ = clock::now();
};

/// Asserts that a call that timed out waited about as long as it was told to: never less
/// (a little slack for timer granularity), and not absurdly more.
inline void expect_waited(std::chrono::milliseconds elapsed, std::chrono::milliseconds limit) {
    EXPECT_GE(elapsed, limit - limit / 10) << "returned before its timeout";
    EXPECT_LE(elapsed, limit + overrun) << "overran its timeout";
}

/// What a throwing call raised: its code and its what() text.
struct thrown {
    std::error_code code;
    std::string what;
};

/// Runs `call`, which must throw std::system_error, and returns what it threw.
template <class Call>
thrown catch_system_error(Call&& call) {
    try {
        std::forward<Call>(call)();
    } catch (const std::system_error& e) {
        return {e.code(), e.what()};
    }
    ADD_FAILURE() << "expected std::system_error, nothing was thrown";
    return {};
}

/// Runs `call`; returns the code of the std::system_error it threw, or no error.
template <class Call>
std::error_code catch_system_error_if_any(Call&& call) {
    try {
        std::forward<Call>(call)();
    } catch (const std::system_error& e) {
        return e.code();
    }
    return {};
}

/// Checks that a what() text quotes `input` safely: its printable start in single quotes,
/// and not one control byte anywhere in the message (a newline or an escape in the input
/// must not reach a log or a terminal raw).
inline void expect_quoted(const std::string& what, std::string_view input) {
    const auto is_control = [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    };
    std::size_t plain = 0;  // the start that is shown as it is
    while (plain < input.size() && plain < 64 && !is_control(input[plain]) &&
           static_cast<unsigned char>(input[plain]) < 0x80 && input[plain] != '\'' && input[plain] != '\\')
        ++plain;
    EXPECT_NE(what.find("'" + std::string(input.substr(0, plain))), std::string::npos) << what;
    EXPECT_EQ(std::find_if(what.begin(), what.end(), is_control), what.end()) << what;
}

/// True when the Windows build runs under Wine (portsock::platform_name() says so). Wine's
/// socket layer misses a few Windows behaviours; tests of those skip with this reason.
inline bool under_wine() {
    return std::string_view(portsock::platform_name()).find("(Wine") != std::string_view::npos;
}

/// The IPv4 and IPv6 loopback endpoints with port 0 (the OS picks a free port).
inline portsock::endpoint any_port_v4() { return {portsock::ip_address::loopback_v4(), 0}; }
inline portsock::endpoint any_port_v6() { return {portsock::ip_address::loopback_v6(), 0}; }

/// Where a listener is reachable: its bound endpoint (port 0 replaced by the real port).
inline portsock::endpoint where(const portsock::ip_socket& s) { return s.local_endpoint(); }

/// A connected TCP pair over loopback, and the listener that made it.
struct tcp_pair {
    portsock::tcp_listener listener;
    portsock::tcp_stream client;
    portsock::tcp_stream server;
    portsock::endpoint peer;  ///< the client as the server saw it
};

inline tcp_pair make_tcp_pair(const portsock::endpoint& local = any_port_v4()) {
    tcp_pair pair;
    pair.listener = portsock::tcp_listener(local);
    pair.client = portsock::tcp_stream::connect(where(pair.listener), patience);
    auto [stream, peer] = pair.listener.accept(patience);
    pair.server = std::move(stream);
    pair.peer = peer;
    return pair;
}

/// An endpoint on which nothing listens: a port that was bound and then closed, so a
/// connection there is refused (a fixed "unused" port might be in use on the host).
inline portsock::endpoint closed_port(const portsock::endpoint& local = any_port_v4()) {
    portsock::tcp_listener listener(local);
    const portsock::endpoint gone = where(listener);
    listener.close();
    return gone;
}

/// Skips the calling test where the host has no IPv6 loopback (containers, some CI).
#define PORTSOCK_REQUIRE_IPV6()                                                     \
    do {                                                                            \
        if (!portsock::has_ipv6_loopback())                                         \
            GTEST_SKIP() << "this host has no IPv6 loopback (::1 cannot be bound)"; \
    } while (false)

/// Opens sockets until the OS refuses one (bounded in count and time); release() and the
/// destructor close them all again. While the table is full, code must not compare error
/// codes with std::errc: that is a virtual call, and UBSan's check of it needs a descriptor.
class descriptor_table_filler {
public:
    /// Fills the table; false if the bound came first.
    bool fill() {
        const stopwatch clock;
        constexpr std::size_t most = 200000;
        while (sockets_.size() < most && clock.elapsed() < 20s) {
            portsock::udp_socket socket =
                portsock::udp_socket::open(portsock::address_family::ipv4, refusal_);
            if (refusal_) return true;
            sockets_.push_back(std::move(socket));
        }
        return false;
    }
    /// Closes `count` of the sockets, leaving that many descriptors free.
    void free_some(std::size_t count) {
        for (std::size_t i = 0; i < count && !sockets_.empty(); ++i) sockets_.pop_back();
    }
    /// Empties the table again; returns why the last socket could not be opened.
    std::error_code release() {
        sockets_.clear();
        return refusal_;
    }

private:
    std::vector<portsock::udp_socket> sockets_;
    std::error_code refusal_;
};

}  // namespace portsock_test
