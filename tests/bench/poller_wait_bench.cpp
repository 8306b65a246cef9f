// The cost of one poller wait against the number of idle sockets registered beside one
// ready socket, and the cost of registering a socket, for each poller backend.
//
//   poller_wait_bench [--idle 8,10,1000,4000,10000] [--rounds 7] [--waits 200]
//
// Public API only, so one source measures epoll and poll natively and AFD and WSAPoll under
// Wine. The idle sockets are UDP sockets on loopback that nothing sends to; the ready one is
// a TCP stream with unread bytes, so every wait returns at once with exactly one event
// (level-triggered). Each round measures every (backend, idle count) pair once, in turn, so
// slow drifts of the machine fall on all of them alike; a round's figure is the median of
// its individually timed waits, and the figures printed are the medians over the rounds.
// Prints one line per pair:
//   backend idle wait_us ratio_to_first registration_us_per_socket
// Not a test: a measurement (tests/bench/run_poller_wait_bench.sh).
#include <portsock/portsock.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;

struct options {
    std::vector<std::size_t> idle{8, 10, 1000, 4000, 10000};
    int rounds = 7;
    int waits = 200;
};

struct sample {
    double wait_us = 0;
    double register_us_per_socket = 0;
};

double micros(clock_type::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/// One measurement: a fresh poller with `idle` idle sockets and the ready one.
sample measure(portsock::poller_backend backend, const portsock::tcp_stream& ready,
               const std::vector<portsock::udp_socket>& idle_sockets, std::size_t idle, int waits) {
    portsock::poller p(backend);
    std::array<portsock::poll_event, 4> events{};
    const auto start = clock_type::now();
    for (std::size_t i = 0; i < idle; ++i) p.add(idle_sockets[i], portsock::poll_events::readable, i + 1);
    p.wait(events, std::chrono::milliseconds(0));  // AFD issues its polls in the first wait
    const auto registered = clock_type::now();
    p.add(ready, portsock::poll_events::readable, 0);
    for (int i = 0; i < 3; ++i) p.wait(events);  // warm up
    // Each wait is timed on its own and the median taken: on a shared machine a wait that
    // another process preempted is an outlier, which a mean over the waits would carry.
    std::vector<double> each;
    each.reserve(static_cast<std::size_t>(waits));
    for (int i = 0; i < waits; ++i) {
        const auto before = clock_type::now();
        const std::size_t n = p.wait(events);
        each.push_back(micros(clock_type::now() - before));
        if (n != 1 || events[0].token != 0) {
            std::cerr << "unexpected wait result\n";
            std::exit(1);
        }
    }
    sample s;
    s.wait_us = median(each);
    s.register_us_per_socket = idle ? micros(registered - start) / static_cast<double>(idle) : 0;
    return s;
}

options parse(int argc, char** argv) {
    options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string name = argv[i];
        const std::string value = argv[i + 1];
        if (name == "--rounds")
            o.rounds = std::stoi(value);
        else if (name == "--waits")
            o.waits = std::stoi(value);
        else if (name == "--idle") {
            o.idle.clear();
            std::stringstream list(value);
            for (std::string item; std::getline(list, item, ',');) o.idle.push_back(std::stoul(item));
        } else {
            std::cerr << "usage: poller_wait_bench [--idle N,N,...] [--rounds R] [--waits W]\n";
            std::exit(2);
        }
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    std::vector<portsock::poller_backend> backends{portsock::poller_backend::scalable,
                                                   portsock::poller_backend::portable};
    std::error_code ec;
    portsock::poller::create(portsock::poller_backend::scalable, ec);
    if (ec) backends.erase(backends.begin());  // no scalable backend on this port

    portsock::tcp_listener listener(portsock::endpoint{"127.0.0.1", 0});
    auto writer = portsock::tcp_stream::connect(listener.local_endpoint());
    auto ready = listener.accept().stream;
    writer.send_all("unread");  // readable for good
    const std::size_t most = *std::max_element(o.idle.begin(), o.idle.end());
    std::vector<portsock::udp_socket> idle_sockets;
    idle_sockets.reserve(most);
    for (std::size_t i = 0; i < most; ++i) idle_sockets.emplace_back(portsock::endpoint{"127.0.0.1", 0});

    // samples[backend][idle index] over the rounds
    std::vector<std::vector<std::vector<sample>>> samples(backends.size(),
                                                          std::vector<std::vector<sample>>(o.idle.size()));
    for (int round = 0; round < o.rounds; ++round)
        for (std::size_t k = 0; k < o.idle.size(); ++k)
            for (std::size_t b = 0; b < backends.size(); ++b)
                samples[b][k].push_back(measure(backends[b], ready, idle_sockets, o.idle[k], o.waits));

    std::printf("%-8s %7s %12s %8s %18s\n", "backend", "idle", "wait_us", "ratio", "register_us/socket");
    for (std::size_t b = 0; b < backends.size(); ++b) {
        const char* name = portsock::poller(backends[b]).backend_in_use();
        double base = 0;
        for (std::size_t k = 0; k < o.idle.size(); ++k) {
            std::vector<double> waits, registers;
            for (const sample& s : samples[b][k]) {
                waits.push_back(s.wait_us);
                registers.push_back(s.register_us_per_socket);
            }
            const double wait_us = median(waits);
            if (k == 0) base = wait_us;
            std::printf("%-8s %7zu %12.2f %8.2f %18.2f\n", name, o.idle[k], wait_us, wait_us / base,
                        median(registers));
        }
    }
}
