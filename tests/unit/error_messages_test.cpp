// Errors a person can act on, and that mean the same thing on every OS: what() names the
// endpoint and the wait, send_all() and receive_exact() say how far they got, input quoted
// in a message is bounded and escaped, and a full descriptor table is reported as such.
#include "temp_dir.hpp"
#include "test_support.hpp"

#include <portsock/local.hpp>

#include <portsock/portsock.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using portsock::endpoint;
using portsock::ip_address;
using portsock::listen_options;
using portsock::tcp_listener;
using portsock::tcp_stream;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::where;
using namespace std::chrono_literals;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

// --- what() names the endpoint -----------------------------------------------------------

// The conditions portsock reports itself get the OS's socket code and text on every port;
// some C libraries' strerror() has no text for the POSIX-only codes ("Unknown error").
TEST(ErrorMessages, SocketErrorsHaveTextOnEveryPort) {
    for (const std::errc condition :
         {std::errc::timed_out, std::errc::operation_canceled, std::errc::connection_refused,
          std::errc::connection_reset, std::errc::connection_aborted, std::errc::not_connected}) {
        const std::error_code ec = portsock::make_socket_error(condition);
        EXPECT_EQ(ec, condition) << ec.message();
        EXPECT_EQ(&ec.category(), &portsock::socket_category()) << ec.message();
        EXPECT_FALSE(ec.message().empty());
        EXPECT_EQ(ec.message().find("nknown"), std::string::npos) << ec.message();
    }
}

TEST(ErrorMessages, HostTextSaysWhichRuleAndSuggestsEndpointParse) {
    // Issue 20, item 11: an address with a port or brackets, passed as a host.
    for (const char* text : {"127.0.0.1:80", "[::1]", "[::1]:443", "localhost:8080"}) {
        SCOPED_TRACE(text);
        const auto resolved = catch_system_error([&] { (void)portsock::resolve(text, "80"); });
        EXPECT_EQ(resolved.code, portsock::errc::invalid_host) << "refused on every OS, before the resolver";
        EXPECT_NE(resolved.what.find("no brackets and no port"), std::string::npos) << resolved.what;
        EXPECT_NE(resolved.what.find("endpoint::parse()"), std::string::npos) << resolved.what;
        const auto connected = catch_system_error([&] { (void)tcp_stream::connect(text, 80, patience); });
        EXPECT_NE(connected.what.find("endpoint::parse()"), std::string::npos) << connected.what;
        const auto listened = catch_system_error([&] { tcp_listener listener(text, 0); });
        EXPECT_NE(listened.what.find("endpoint::parse()"), std::string::npos) << listened.what;
    }
    // invalid_host says which rule the text broke.
    const struct {
        const char* text;
        const char* rule;
    } broken[] = {{"bad host", "no space"},         {"bad\thost", "no control byte"},
                  {"1.2.3.999", "numeric address"}, {"010.0.0.1", "numeric address"},
                  {"fe80::zz", "IPv6 address"},     {"a:b", "IPv6 address"}};
    for (const auto& entry : broken) {
        SCOPED_TRACE(entry.text);
        const auto thrown = catch_system_error([&] { (void)portsock::resolve(entry.text, "80"); });
        EXPECT_EQ(thrown.code, portsock::errc::invalid_host);
        EXPECT_NE(thrown.what.find(entry.rule), std::string::npos) << thrown.what;
        EXPECT_EQ(thrown.what.find("endpoint::parse()"), std::string::npos)
            << "no port, no brackets: " << thrown.what;
    }
}

TEST(ErrorMessages, ConnectNamesTheEndpoint) {
    const endpoint nobody = portsock_test::closed_port();
    for (const portsock::timeout limit : {portsock::timeout{}, portsock::timeout{patience}}) {
        const auto caught = catch_system_error([&] { (void)tcp_stream::connect(nobody, limit); });
        EXPECT_EQ(caught.code, std::errc::connection_refused);
        EXPECT_TRUE(contains(caught.what, "connect to " + nobody.to_string() + ": ")) << caught.what;
        EXPECT_FALSE(contains(caught.what, "waited")) << "not a timeout: " << caught.what;
    }
}

TEST(ErrorMessages, ConnectByNameNamesHostAndPort) {
    const auto refused = catch_system_error(
        [&] { (void)tcp_stream::connect("127.0.0.1", portsock_test::closed_port().port(), patience); });
    EXPECT_EQ(refused.code, std::errc::connection_refused);
    EXPECT_TRUE(contains(refused.what, "connect to '127.0.0.1' port ")) << refused.what;

    const auto unknown = catch_system_error([] { (void)tcp_stream::connect("nonexistent.invalid", 8080); });
    EXPECT_EQ(unknown.code.category(), portsock::resolver_category());
    EXPECT_TRUE(contains(unknown.what, "'nonexistent.invalid' port 8080")) << unknown.what;
}

TEST(ErrorMessages, BindNamesTheEndpoint) {
    tcp_listener first(portsock_test::any_port_v4());
    const endpoint taken = where(first);
    const auto tcp = catch_system_error([&] { tcp_listener second(taken); });
    EXPECT_EQ(tcp.code, std::errc::address_in_use);
    EXPECT_TRUE(contains(tcp.what, "bind to " + taken.to_string() + ": ")) << tcp.what;

    udp_socket bound(portsock_test::any_port_v4());
    const endpoint udp_taken = where(bound);
    const auto udp = catch_system_error([&] { udp_socket second(udp_taken); });
    EXPECT_EQ(udp.code, std::errc::address_in_use);
    EXPECT_TRUE(contains(udp.what, "bind to " + udp_taken.to_string() + ": ")) << udp.what;

    const auto by_name = catch_system_error([&] { tcp_listener second("127.0.0.1", taken.port()); });
    EXPECT_EQ(by_name.code, std::errc::address_in_use);
    EXPECT_TRUE(contains(by_name.what, "listen on '127.0.0.1' port " + std::to_string(taken.port())))
        << by_name.what;
}

// Local sockets name their path as TCP names its endpoint, quoted as user text is; a UDP
// send names its destination.
TEST(ErrorMessages, LocalSocketsNameThePathAndUdpTheDestination) {
    portsock_test::temp_dir dir;
    const portsock::local_address missing{dir.file("nobody-listens.sock")};
    if (portsock::has_local_stream_sockets()) {
        const auto connect =
            catch_system_error([&] { (void)portsock::local_stream::connect(missing, patience); });
        EXPECT_TRUE(
            contains(connect.what, "portsock::local_stream::connect to '" + missing.to_string() + "': "))
            << connect.what;
        portsock::local_listener first(missing);
        const auto busy = catch_system_error([&] { portsock::local_listener second(missing); });
        EXPECT_EQ(busy.code, std::errc::address_in_use);
        EXPECT_TRUE(contains(busy.what, "listen on '" + missing.to_string() + "'")) << busy.what;
    }
    udp_socket sender(portsock_test::any_port_v4());
    const endpoint nowhere{ip_address::parse("::1"), 9};  // an IPv4 socket cannot reach it
    const auto udp = catch_system_error([&] { (void)sender.send_to("x", 1, nowhere, patience); });
    EXPECT_EQ(udp.code, std::errc::address_family_not_supported);
    EXPECT_TRUE(contains(udp.what, "send_to " + nowhere.to_string() + ": ")) << udp.what;
}

TEST(ErrorMessages, AcceptNamesTheListenerAndItsWait) {
    tcp_listener listener(portsock_test::any_port_v4());
    const auto caught = catch_system_error([&] { (void)listener.accept(30ms); });
    EXPECT_EQ(caught.code, std::errc::timed_out);
    EXPECT_TRUE(contains(caught.what, "accept on " + where(listener).to_string() + " (waited 30 ms): "))
        << caught.what;
}

// --- a timeout says how long it waited ------------------------------------------------------

TEST(ErrorMessages, TimeoutsSayHowLongTheyWaited) {
    auto pair = make_tcp_pair();
    char byte = 0;
    const auto tcp = catch_system_error([&] { (void)pair.client.receive(&byte, 1, 25ms); });
    EXPECT_EQ(tcp.code, std::errc::timed_out);
    EXPECT_TRUE(contains(tcp.what, "receive (waited 25 ms): ")) << tcp.what;

    const auto text = catch_system_error([&] { (void)pair.client.receive(16, 1500us); });
    EXPECT_TRUE(contains(text.what, "(waited 2 ms)")) << "rounded up to whole ms: " << text.what;

    udp_socket udp(portsock_test::any_port_v4());
    const auto datagram = catch_system_error([&] { (void)udp.receive_from(&byte, 1, 20ms); });
    EXPECT_EQ(datagram.code, std::errc::timed_out);
    EXPECT_TRUE(contains(datagram.what, "receive_from (waited 20 ms): ")) << datagram.what;

    // Other errors of a timed call say nothing about waiting.
    pair.server.close();
    pair.client.close();
    const auto closed = catch_system_error([&] { (void)pair.client.receive(&byte, 1, 25ms); });
    EXPECT_EQ(closed.code, portsock::errc::not_open);
    EXPECT_FALSE(contains(closed.what, "waited")) << closed.what;
}

// --- send_all() and receive_exact() say how far they got -------------------------------------

TEST(ErrorMessages, SendAllReportsTheBytesSentBeforeItFailed) {
    auto pair = make_tcp_pair();  // the server never reads: the send fills both buffers, then waits
    const std::string big(32u << 20, 'x');
    std::size_t sent = 0;
    std::string what;
    try {
        pair.client.send_all(big, 200ms);
        ADD_FAILURE() << "32 MiB went out to a peer that never reads";
    } catch (const portsock::transfer_error& error) {
        sent = error.bytes_transferred();
        what = error.what();
        EXPECT_EQ(error.code(), std::errc::timed_out);
    }
    EXPECT_GT(sent, 0u) << "the socket buffers took some";
    EXPECT_LT(sent, big.size());
    EXPECT_TRUE(
        contains(what, "(" + std::to_string(sent) + " of " + std::to_string(big.size()) + " bytes sent)"))
        << what;
    EXPECT_TRUE(contains(what, "(waited 200 ms)")) << what;

    // Still a std::system_error for code that does not care about the count.
    const auto caught = catch_system_error([&] { pair.client.send_all(big, 50ms); });
    EXPECT_EQ(caught.code, std::errc::timed_out);

    // The error_code form returns the same count.
    pair.server.close();
    std::error_code ec;
    const std::size_t more = pair.client.send_all(big, ec, patience);
    EXPECT_TRUE(ec) << "the peer has gone";
    EXPECT_LT(more, big.size());
}

TEST(ErrorMessages, ReceiveExactReportsTheBytesReceived) {
    auto pair = make_tcp_pair();
    pair.server.send_all("abcd", patience);
    pair.server.close();
    char buffer[10];
    try {
        pair.client.receive_exact(buffer, sizeof buffer, patience);
        ADD_FAILURE() << "ten bytes from a peer that sent four";
    } catch (const portsock::transfer_error& error) {
        EXPECT_EQ(error.code(), portsock::errc::end_of_stream);
        EXPECT_EQ(error.bytes_transferred(), 4u);
        EXPECT_TRUE(contains(error.what(), "(4 of 10 bytes received)")) << error.what();
    }
}

// --- input quoted in what() -------------------------------------------------------------

TEST(ErrorMessages, QuotedInputIsBoundedAndEscaped) {
    const std::string huge(8u << 20, '7');
    const std::string forged = "1.2.3.4\n[ERROR] forged line \x1b[31m\\'";
    // Every parser and resolve() quote the same way.
    const std::vector<std::pair<const char*, std::function<void(const std::string&)>>> calls = {
        {"ip_address::parse", [](const std::string& t) { (void)ip_address::parse(t); }},
        {"endpoint::parse", [](const std::string& t) { (void)endpoint::parse(t); }},
        {"parse_port", [](const std::string& t) { (void)portsock::parse_port(t); }},
        {"resolve", [](const std::string& t) { (void)portsock::resolve(t, "80"); }},
        {"tcp_stream::connect", [](const std::string& t) { (void)tcp_stream::connect(t, 80); }},
        {"tcp_listener", [](const std::string& t) { tcp_listener listener(t, 0); }},
    };
    for (const auto& entry : calls) {
        SCOPED_TRACE(entry.first);
        const auto& call = entry.second;  // not a structured binding: lambdas capture it
        const auto big = catch_system_error([&] { call(huge); });
        EXPECT_LT(big.what.size(), 400u) << "bounded, whatever the input's size";
        EXPECT_TRUE(contains(big.what, "'" + std::string(64, '7') + "...' (8388608 bytes)")) << big.what;

        const auto control = catch_system_error([&] { call(forged); });
        EXPECT_EQ(control.what.find('\n'), std::string::npos) << "a newline would forge a log line";
        EXPECT_EQ(control.what.find('\x1b'), std::string::npos) << "an escape would drive the terminal";
        EXPECT_TRUE(contains(control.what, R"('1.2.3.4\x0a[ERROR] forged line \x1b[31m\\\'')"))
            << control.what;
    }
}

// --- a full descriptor table is reported as such --------------------------------------------

using portsock_test::descriptor_table_filler;

// The name of the loopback interface, for a scope ("lo" on Linux, "lo0" on the BSDs).
std::string loopback_interface() {
    for (const char* name : {"lo", "lo0"}) {
        std::error_code ec;
        (void)ip_address::parse(std::string("fe80::1%") + name, ec);
        if (!ec) return name;
    }
    return {};
}

TEST(DescriptorTable, FullTableIsTooManyFilesOpen) {
    if (portsock_test::under_wine())
        GTEST_SKIP() << "Wine keeps every socket in wineserver, shared by all Wine processes: "
                        "filling its table would fail the tests that run beside this one";
    const std::string scoped = "fe80::1%" + loopback_interface();
    const std::string numeric_host = "127.0.0.1";
    descriptor_table_filler filler;
    const bool full = filler.fill();
    // With the table full: the calls only, their codes checked once it is empty again.
    std::error_code resolved, resolved_again, parsed, connected, connected_by_name;
    if (full) {
        (void)portsock::resolve("localhost", "80", resolved);
        // glibc reports a stale errno (EBUSY, EINVAL) from the second look-up on.
        (void)portsock::resolve("localhost", "80", resolved_again);
        (void)ip_address::parse(scoped, parsed);
        (void)tcp_stream::connect(numeric_host, 80, connected, patience);
        (void)tcp_stream::connect("localhost", 80, connected_by_name, patience);
    }
    const std::error_code refusal = filler.release();
    if (!full) GTEST_SKIP() << "no descriptor limit reached within 200,000 sockets or 20 s";
    ASSERT_TRUE(refusal == std::errc::too_many_files_open ||
                refusal == std::errc::too_many_files_open_in_system)
        << "the table filled up for another reason: " << refusal.message();

    EXPECT_TRUE(!resolved || resolved == std::errc::too_many_files_open) << resolved.message();
    EXPECT_NE(resolved, portsock::resolve_errc::host_not_found) << "the real cause, not \"not found\"";
    EXPECT_TRUE(!resolved_again || resolved_again == std::errc::too_many_files_open)
        << resolved_again.message();
    EXPECT_TRUE(!connected_by_name || connected_by_name == std::errc::too_many_files_open)
        << connected_by_name.message();
    EXPECT_TRUE(!connected_by_name || portsock::is_resource_exhaustion(connected_by_name));
    if (scoped != "fe80::1%") {
        EXPECT_EQ(parsed, std::errc::too_many_files_open) << "not invalid_address: " << parsed.message();
    }
    EXPECT_EQ(connected, std::errc::too_many_files_open) << connected.message();

    // With descriptors back, the same calls work: the table was the cause.
    std::error_code ec;
    EXPECT_FALSE(portsock::resolve("localhost", "80", ec).empty()) << ec.message();
    if (scoped != "fe80::1%") {
        (void)ip_address::parse(scoped, ec);
        EXPECT_FALSE(ec) << ec.message();
    }
}

// --- the same error on every OS -------------------------------------------------------------

TEST(SameErrorEverywhere, SecondListenerIsAddressInUseWhateverTheFirstsOptions) {
    // Windows says WSAEACCES when either socket is exclusive (SO_EXCLUSIVEADDRUSE): portsock
    // reports address_in_use for every combination.
    for (const bool first_reuse : {true, false}) {
        listen_options first_options;
        first_options.reuse_address = first_reuse;
        tcp_listener first(portsock_test::any_port_v4(), first_options);
        for (const bool second_reuse : {true, false}) {
            SCOPED_TRACE(std::string("first reuse ") + (first_reuse ? "on" : "off") + ", second " +
                         (second_reuse ? "on" : "off"));
            listen_options options;
            options.reuse_address = second_reuse;
            std::error_code ec;
            EXPECT_FALSE(tcp_listener::listen(where(first), ec, options).is_open());
            EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
            EXPECT_NE(ec, std::errc::permission_denied);
        }
    }
    udp_socket bound(portsock_test::any_port_v4());
    std::error_code ec;
    EXPECT_FALSE(udp_socket::bind(where(bound), ec).is_open());
    EXPECT_EQ(ec, std::errc::address_in_use) << ec.message();
}

TEST(SameErrorEverywhere, TimedConnectToAClosedPortIsRefusedNotTimedOut) {
    // The refusal must be read from SO_ERROR even if the wait saw nothing (WSAPoll before
    // Windows 10 2004), so a short limit does not turn it into a timeout.
    for (const auto limit : {5000ms, 500ms}) {
        SCOPED_TRACE(limit.count());
        const endpoint nobody = portsock_test::closed_port();
        const portsock_test::stopwatch clock;
        std::error_code ec;
        EXPECT_FALSE(tcp_stream::connect(nobody, ec, limit).is_open());
        EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
        EXPECT_LT(clock.elapsed(), limit) << "a refusal does not wait out the limit";
    }
}

TEST(SameErrorEverywhere, FinishConnectReportsTheRefusal) {
    const endpoint nobody = portsock_test::closed_port();
    std::error_code ec;
    tcp_stream stream = tcp_stream::start_connect(nobody, ec);
    if (ec) {  // some systems refuse on loopback at once
        EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
        return;
    }
    // Polled with a zero limit, as an event loop would: in progress, then refused.
    const portsock_test::stopwatch clock;
    do {
        stream.finish_connect(ec, 0ms);
    } while (ec == std::errc::operation_in_progress && clock.elapsed() < patience);
    EXPECT_EQ(ec, std::errc::connection_refused) << ec.message();
}

}  // namespace
