// The load generator of the scale benchmarks: one client program, built on portsock,
// drives every server alike (raw epoll, portsock blocking and poller, asio, libuv) and
// reads the server's CPU time and peak memory from /proc. Run by run_scale_bench.sh,
// which starts the servers and interleaves the repetitions.
//
// usage: scale_loadgen run <server-pid> <echo-port> <welcome-port> <udp-port> <seconds>
//        scale_loadgen idle <server-pid> <echo-port> <connections>
//        scale_loadgen udp-batch <seconds>
// Prints one "<row> <value> [<server CPU µs per operation>]" line per measurement.
// Every loop is bounded in time.
#include <portsock/portsock.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;
constexpr auto patience = 30s;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

/// The server's user + system CPU time in seconds (/proc/<pid>/stat, 100 ticks a second).
double server_cpu(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));  // after "pid (name) "
    std::string field;
    double ticks = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i)
        if (i >= 14) ticks += std::stod(field);  // utime, stime
    return ticks / 100.0;
}

/// A line of /proc/<pid>/status in KiB, e.g. "VmHWM".
long status_kib(int pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    return -1;
}

portsock::endpoint at(std::uint16_t port) { return {portsock::ip_address::loopback_v4(), port}; }

portsock::tcp_stream connect_to(std::uint16_t port) {
    auto s = portsock::tcp_stream::connect(at(port), patience);
    s.set_no_delay(true);
    return s;
}

void report(const std::string& row, double value, double cpu_per_op_us = -1) {
    std::cout << row << ' ' << value;
    if (cpu_per_op_us >= 0) std::cout << ' ' << cpu_per_op_us;
    std::cout << std::endl;
}

// --- rows -------------------------------------------------------------------------------

void throughput(int pid, std::uint16_t port, double seconds) {
    auto s = connect_to(port);
    std::atomic<bool> stop{false};
    std::thread sender([&] {
        std::vector<char> chunk(64 * 1024, 'x');
        std::error_code ec;
        while (!stop && !ec) s.send_all(chunk.data(), chunk.size(), ec, 5s);
        s.shutdown(portsock::shutdown_type::send, ec);
    });
    std::vector<char> buffer(256 * 1024);
    const double cpu0 = server_cpu(pid);
    const auto start = clock_type::now();
    std::size_t bytes = 0;
    std::error_code ec;
    while (seconds_since(start) < seconds) bytes += s.receive(buffer.data(), buffer.size(), ec, 5s);
    const double elapsed = seconds_since(start);
    const double cpu = server_cpu(pid) - cpu0;
    stop = true;
    while (s.receive(buffer.data(), buffer.size(), ec, 5s) > 0 && !ec) {
    }  // drain to end of stream
    sender.join();
    report("throughput_MiB_per_s", static_cast<double>(bytes) / elapsed / (1 << 20),
           cpu * 1e6 / (static_cast<double>(bytes) / (64 * 1024)));
}

void ping_pong(int pid, std::uint16_t port, double seconds) {
    auto s = connect_to(port);
    std::array<char, 64> message{};
    const double cpu0 = server_cpu(pid);
    const auto start = clock_type::now();
    long trips = 0;
    while (seconds_since(start) < seconds) {
        s.send_all(message.data(), message.size(), 5s);
        s.receive_exact(message.data(), message.size(), 5s);
        ++trips;
    }
    const double elapsed = seconds_since(start);
    report("pingpong_round_trips_per_s", static_cast<double>(trips) / elapsed,
           (server_cpu(pid) - cpu0) * 1e6 / static_cast<double>(trips));
}

/// 1000 connections at once, each doing 100 sequential 64-byte round trips, driven by
/// one poller so the client never waits on one connection while others are ready.
void concurrent(int pid, std::uint16_t port, std::size_t connections, int rounds) {
    std::vector<portsock::tcp_stream> streams;
    for (std::size_t i = 0; i < connections; ++i) streams.push_back(connect_to(port));
    std::vector<int> done(connections, 0);
    std::vector<std::size_t> got(connections, 0);
    portsock::poller poller;
    std::array<char, 64> message{};
    std::array<char, 64> sink{};
    const double cpu0 = server_cpu(pid);
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < connections; ++i) {
        streams[i].send_all(message.data(), message.size(), 5s);
        streams[i].set_non_blocking(true);
        poller.add(streams[i], portsock::poll_events::readable, i);
    }
    std::size_t finished = 0;
    std::array<portsock::poll_event, 256> events;
    while (finished < connections && seconds_since(start) < 60) {
        const std::size_t n = poller.wait(events, 5s);
        for (std::size_t e = 0; e < n; ++e) {
            const std::size_t i = events[e].token;
            std::error_code ec;
            got[i] += streams[i].receive(sink.data(), sink.size() - got[i], ec);
            if (ec && ec != std::errc::operation_would_block)
                throw std::system_error(ec, "concurrent receive");
            if (got[i] < message.size()) continue;
            got[i] = 0;
            if (++done[i] == rounds) {
                poller.remove(streams[i]);
                ++finished;
            } else {
                streams[i].send_all(message.data(), message.size(), ec);  // 64 bytes always fit
            }
        }
    }
    const double elapsed = seconds_since(start);
    const double trips = static_cast<double>(connections) * rounds;
    if (finished < connections) throw std::runtime_error("1000-connection row did not finish in 60 s");
    report("conn1000_round_trips_per_s", trips / elapsed, (server_cpu(pid) - cpu0) * 1e6 / trips);
}

void connect_rate(int pid, std::uint16_t port, double seconds) {
    const double cpu0 = server_cpu(pid);
    const auto start = clock_type::now();
    long connections = 0;
    std::array<char, 64> buffer{};
    while (seconds_since(start) < seconds) {
        auto s = portsock::tcp_stream::connect(at(port), patience);
        std::size_t total = 0;
        for (std::size_t n; (n = s.receive(buffer.data(), buffer.size(), 5s)) > 0;) total += n;
        if (total != 22) throw std::runtime_error("bad welcome");
        ++connections;
    }
    const double elapsed = seconds_since(start);
    report("connect_welcome_close_per_s", static_cast<double>(connections) / elapsed,
           (server_cpu(pid) - cpu0) * 1e6 / static_cast<double>(connections));
}

void udp_echo(int pid, std::uint16_t port, double seconds) {
    auto s = portsock::udp_socket::open(portsock::address_family::ipv4);
    s.connect(at(port));
    std::array<char, 64> message{};
    const double cpu0 = server_cpu(pid);
    const auto start = clock_type::now();
    long trips = 0;
    while (seconds_since(start) < seconds) {
        s.send(message.data(), message.size());
        std::error_code ec;
        s.receive(message.data(), message.size(), ec, 1s);  // a lost datagram costs a second
        if (!ec) ++trips;
    }
    const double elapsed = seconds_since(start);
    report("udp_round_trips_per_s", static_cast<double>(trips) / elapsed,
           (server_cpu(pid) - cpu0) * 1e6 / static_cast<double>(trips));
}

/// Holds `count` connections open and idle (each has done one echo, so the server has
/// surely registered it), then reads the server's peak resident memory.
void idle(int pid, std::uint16_t port, std::size_t count) {
    std::vector<portsock::tcp_stream> streams;
    streams.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        streams.push_back(portsock::tcp_stream::connect(at(port), patience));
    char byte = 'x';
    for (auto& s : streams) s.send_all(&byte, 1, 5s);
    for (auto& s : streams) s.receive_exact(&byte, 1, patience);
    report("idle10k_server_VmHWM_KiB", static_cast<double>(status_kib(pid, "VmHWM")));
}

// --- UDP: the batch calls against one call per datagram, in this process ---------------

void udp_batch(double seconds) {
    const portsock::endpoint loopback{portsock::ip_address::loopback_v4(), 0};
    portsock::udp_socket receiver(loopback);
    portsock::udp_socket sender(loopback);
    const portsock::endpoint to = receiver.local_endpoint();
    constexpr std::size_t batch = 64;
    std::array<char, 64> payload{};
    std::array<portsock::outgoing_datagram, batch> out;
    out.fill({payload.data(), payload.size(), to});
    std::array<std::array<char, 2048>, batch> buffers{};
    std::array<portsock::incoming_datagram, batch> in;
    for (std::size_t i = 0; i < batch; ++i) in[i] = {buffers[i].data(), buffers[i].size()};
    receiver.set_non_blocking(true);
    std::error_code ec;
    // Each round sends 64 datagrams and receives them: one call per datagram each way, or
    // one send_batch() and as few receive_batch() calls as it takes. 64 small datagrams fit
    // the receive buffer, so none is lost and the rates compare delivered datagrams. Only
    // datagrams of the size sent count (the batch may go as one segmented message, which
    // the receiver must get back as 64 datagrams).
    for (bool batched : {false, true}) {
        long delivered = 0;
        const auto start = clock_type::now();
        while (seconds_since(start) < seconds) {
            if (batched) {
                sender.send_batch(out.data(), batch, ec);
                for (std::size_t n; (n = receiver.receive_batch(in.data(), batch, ec)) > 0;)
                    for (std::size_t i = 0; i < n; ++i) delivered += in[i].size == payload.size() ? 1 : 0;
            } else {
                for (std::size_t i = 0; i < batch; ++i)
                    sender.send_to(payload.data(), payload.size(), to, ec);
                for (;;) {
                    const auto info = receiver.receive_from(buffers[0].data(), buffers[0].size(), ec);
                    if (ec) break;
                    delivered += info.size == payload.size() ? 1 : 0;
                }
            }
        }
        report(batched ? "udp_batch_datagrams_per_s" : "udp_single_datagrams_per_s",
               static_cast<double>(delivered) / seconds_since(start));
    }
    report("udp_segmentation_offload", portsock::has_udp_segmentation_offload() ? 1 : 0);
}

}  // namespace

int main(int argc, char* argv[]) try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "run" && argc == 7) {
        const int pid = std::stoi(argv[2]);
        const auto echo = portsock::parse_port(argv[3]), welcome = portsock::parse_port(argv[4]),
                   udp = portsock::parse_port(argv[5]);
        const double seconds = std::stod(argv[6]);
        throughput(pid, echo, seconds);
        ping_pong(pid, echo, seconds);
        concurrent(pid, echo, 1000, 100);
        connect_rate(pid, welcome, seconds);
        udp_echo(pid, udp, seconds);
    } else if (mode == "idle" && argc == 5) {
        idle(std::stoi(argv[2]), portsock::parse_port(argv[3]), std::stoul(argv[4]));
    } else if (mode == "udp-batch" && argc == 3) {
        udp_batch(std::stod(argv[2]));
    } else {
        std::cerr << "usage: see the header of tests/bench/scale_loadgen.cpp\n";
        return 2;
    }
} catch (const std::exception& error) {
    std::cerr << "scale_loadgen: " << error.what() << '\n';
    return 1;
}
