// Every public noexcept form clears its std::error_code on success (the std::filesystem
// convention): one table, one row per form, each called with `ec` already holding a stale
// error and made to succeed. A form missing from the table is a form not checked: add a
// row with every new one.
#include "local_support.hpp"
#include "test_support.hpp"

#include <portsock/portsock.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__has_feature)
#define PORTSOCK_TEST_HAS_FEATURE(x) __has_feature(x)  // clang's way to ask for a sanitizer
#else
#define PORTSOCK_TEST_HAS_FEATURE(x) 0
#endif

namespace {

using namespace portsock;
using portsock_test::any_port_v4;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using portsock_test::where;

/// One noexcept form, called with a stale `ec` after whatever set-up makes it succeed.
struct form {
    const char* name;
    std::function<void(std::error_code& ec)> call;
};

/// A connected UDP pair: `a` is connected to `b`, and `b` is bound.
struct udp_pair {
    udp_socket a{any_port_v4()};
    udp_socket b{any_port_v4()};
    udp_pair() { a.connect(where(b)); }
};

/// A byte the peer sent, already queued at `to` (so a receive does not wait).
void queue_bytes(tcp_stream& from, std::string_view bytes) { from.send_all(bytes, patience); }

std::vector<form> address_forms() {
    return {
        {"ip_address::parse", [](std::error_code& ec) { (void)ip_address::parse("127.0.0.1", ec); }},
        {"endpoint::parse", [](std::error_code& ec) { (void)endpoint::parse("[::1]:80", ec); }},
        {"parse_port", [](std::error_code& ec) { (void)parse_port("80", ec); }},
        {"resolve", [](std::error_code& ec) { (void)resolve("127.0.0.1", "80", ec); }},
    };
}

std::vector<form> socket_forms() {
    return {
        {"basic_socket::close (open)", [](std::error_code& ec) { udp_socket(any_port_v4()).close(ec); }},
        {"basic_socket::close (empty)", [](std::error_code& ec) { udp_socket().close(ec); }},
        {"basic_socket::local_endpoint",
         [](std::error_code& ec) { (void)udp_socket(any_port_v4()).local_endpoint(ec); }},
        {"basic_socket::set_non_blocking",
         [](std::error_code& ec) { udp_socket(any_port_v4()).set_non_blocking(true, ec); }},
    };
}

std::vector<form> tcp_stream_forms() {
    return {
        {"tcp_stream::connect(endpoint)",
         [](std::error_code& ec) {
             tcp_listener l(any_port_v4());
             (void)tcp_stream::connect(where(l), ec);
         }},
        {"tcp_stream::connect(endpoint, timeout)",
         [](std::error_code& ec) {
             tcp_listener l(any_port_v4());
             (void)tcp_stream::connect(where(l), ec, patience);
         }},
        {"tcp_stream::connect(host, port)",
         [](std::error_code& ec) {
             tcp_listener l(any_port_v4());
             (void)tcp_stream::connect("127.0.0.1", where(l).port(), ec, patience);
         }},
        {"tcp_stream::start_connect",
         [](std::error_code& ec) {
             tcp_listener l(any_port_v4());
             (void)tcp_stream::start_connect(where(l), ec);
         }},
        {"tcp_stream::finish_connect",
         [](std::error_code& ec) {
             tcp_listener l(any_port_v4());
             tcp_stream s = tcp_stream::start_connect(where(l));
             s.finish_connect(ec, patience);
         }},
        {"tcp_stream::send",
         [](std::error_code& ec) { (void)make_tcp_pair().client.send("x", 1, ec, patience); }},
        {"tcp_stream::send (0 bytes)",
         [](std::error_code& ec) { (void)make_tcp_pair().client.send("", 0, ec); }},
        {"tcp_stream::send_all",
         [](std::error_code& ec) { (void)make_tcp_pair().client.send_all("xy", 2, ec); }},
        {"tcp_stream::send_all (0 bytes)",
         [](std::error_code& ec) {
             (void)make_tcp_pair().client.send_all(static_cast<const void*>(nullptr), 0, ec);
         }},
        {"tcp_stream::send_all(string_view)",
         [](std::error_code& ec) { (void)make_tcp_pair().client.send_all("xy", ec); }},
        {"tcp_stream::receive",
         [](std::error_code& ec) {
             auto pair = make_tcp_pair();
             queue_bytes(pair.server, "x");
             char byte = 0;
             (void)pair.client.receive(&byte, 1, ec, patience);
         }},
        {"tcp_stream::receive (string)",
         [](std::error_code& ec) {
             auto pair = make_tcp_pair();
             queue_bytes(pair.server, "x");
             (void)pair.client.receive(16, ec, patience);
         }},
        {"tcp_stream::receive (string, end of stream)",
         [](std::error_code& ec) {
             auto pair = make_tcp_pair();
             pair.server.shutdown(shutdown_type::send);
             (void)pair.client.receive(16, ec, patience);
         }},
        {"tcp_stream::receive_exact",
         [](std::error_code& ec) {
             auto pair = make_tcp_pair();
             queue_bytes(pair.server, "xy");
             char bytes[2];
             (void)pair.client.receive_exact(bytes, 2, ec, patience);
         }},
        {"tcp_stream::receive_exact (0 bytes)",
         [](std::error_code& ec) { (void)make_tcp_pair().client.receive_exact(nullptr, 0, ec); }},
        {"tcp_stream::shutdown",
         [](std::error_code& ec) { make_tcp_pair().client.shutdown(shutdown_type::send, ec); }},
        {"tcp_stream::remote_endpoint",
         [](std::error_code& ec) { (void)make_tcp_pair().client.remote_endpoint(ec); }},
        {"tcp_stream::set_no_delay",
         [](std::error_code& ec) { make_tcp_pair().client.set_no_delay(true, ec); }},
        {"tcp_stream::no_delay", [](std::error_code& ec) { (void)make_tcp_pair().client.no_delay(ec); }},
        {"tcp_stream::set_keep_alive",
         [](std::error_code& ec) { make_tcp_pair().client.set_keep_alive(true, ec); }},
        {"tcp_stream::keep_alive", [](std::error_code& ec) { (void)make_tcp_pair().client.keep_alive(ec); }},
    };
}

std::vector<form> tcp_listener_forms() {
    return {
        {"tcp_listener::listen(endpoint)",
         [](std::error_code& ec) { (void)tcp_listener::listen(any_port_v4(), ec); }},
        {"tcp_listener::listen(host, port)",
         [](std::error_code& ec) { (void)tcp_listener::listen("127.0.0.1", 0, ec); }},
        {"tcp_listener::accept",
         [](std::error_code& ec) {
             tcp_listener l(any_port_v4());
             tcp_stream client = tcp_stream::connect(where(l), patience);
             (void)l.accept(ec);
         }},
        {"tcp_listener::accept (timeout)",
         [](std::error_code& ec) {
             tcp_listener l(any_port_v4());
             tcp_stream client = tcp_stream::connect(where(l), patience);
             (void)l.accept(ec, patience);
         }},
    };
}

std::vector<form> udp_forms() {
    return {
        {"udp_socket::bind", [](std::error_code& ec) { (void)udp_socket::bind(any_port_v4(), ec); }},
        {"udp_socket::bind (options)",
         [](std::error_code& ec) {
             udp_bind_options shared;
             shared.reuse_address = true;
             (void)udp_socket::bind(any_port_v4(), ec, shared);
         }},
        {"udp_socket::open", [](std::error_code& ec) { (void)udp_socket::open(address_family::ipv4, ec); }},
        {"udp_socket::send_to",
         [](std::error_code& ec) {
             udp_pair p;
             (void)p.a.send_to("x", 1, where(p.b), ec, patience);
         }},
        {"udp_socket::send_to(string_view)",
         [](std::error_code& ec) {
             udp_pair p;
             (void)p.a.send_to("x", where(p.b), ec);
         }},
        {"udp_socket::receive_from",
         [](std::error_code& ec) {
             udp_pair p;
             p.a.send("x", 1, patience);
             char byte = 0;
             (void)p.b.receive_from(&byte, 1, ec, patience);
         }},
        {"udp_socket::send_batch",
         [](std::error_code& ec) {
             udp_pair p;
             const outgoing_datagram batch[] = {{"x", 1, where(p.b)}, {"y", 1, where(p.b)}};
             (void)p.a.send_batch(batch, 2, ec, patience);
         }},
        {"udp_socket::send_batch (0 datagrams)",
         [](std::error_code& ec) { (void)udp_pair().a.send_batch(nullptr, 0, ec); }},
        {"udp_socket::receive_batch",
         [](std::error_code& ec) {
             udp_pair p;
             p.a.send("x", 1, patience);
             char byte = 0;
             incoming_datagram slot(&byte, 1);
             (void)p.b.receive_batch(&slot, 1, ec, patience);
         }},
        {"udp_socket::receive_batch (0 datagrams)",
         [](std::error_code& ec) { (void)udp_pair().b.receive_batch(nullptr, 0, ec); }},
        {"udp_socket::connect",
         [](std::error_code& ec) {
             udp_pair p;
             p.b.connect(where(p.a), ec);
         }},
        {"udp_socket::send", [](std::error_code& ec) { (void)udp_pair().a.send("x", 1, ec, patience); }},
        {"udp_socket::receive",
         [](std::error_code& ec) {
             udp_pair p;
             p.b.connect(where(p.a));
             p.a.send("x", 1, patience);
             char byte = 0;
             (void)p.b.receive(&byte, 1, ec, patience);
         }},
        {"udp_socket::remote_endpoint", [](std::error_code& ec) { (void)udp_pair().a.remote_endpoint(ec); }},
        {"udp_socket::set_broadcast", [](std::error_code& ec) { udp_pair().a.set_broadcast(true, ec); }},
        {"udp_socket::broadcast", [](std::error_code& ec) { (void)udp_pair().a.broadcast(ec); }},
    };
}

std::vector<form> poller_forms() {
    return {
        {"poller::create", [](std::error_code& ec) { (void)poller::create(ec); }},
        {"poller::add",
         [](std::error_code& ec) {
             poller p;
             udp_socket s(any_port_v4());
             p.add(s, poll_events::readable, 1, ec);
         }},
        {"poller::modify",
         [](std::error_code& ec) {
             poller p;
             udp_socket s(any_port_v4());
             p.add(s, poll_events::readable, 1);
             p.modify(s, poll_events::writable, 2, ec);
         }},
        {"poller::remove",
         [](std::error_code& ec) {
             poller p;
             udp_socket s(any_port_v4());
             p.add(s, poll_events::readable, 1);
             p.remove(s, ec);
         }},
        {"poller::wait (nothing ready)",
         [](std::error_code& ec) {
             poller p;
             poll_event events[4];
             (void)p.wait(events, 4, ec, std::chrono::milliseconds(0));
         }},
        {"poller::wait(array)",
         [](std::error_code& ec) {
             poller p;
             udp_socket s(any_port_v4());
             p.add(s, poll_events::writable, 1);
             std::array<poll_event, 4> events;
             (void)p.wait(events, ec, patience);
         }},
        {"poller::wake", [](std::error_code& ec) { poller().wake(ec); }},
    };
}

std::vector<form> every_form() {
    std::vector<form> all;
    for (auto part : {address_forms(), socket_forms(), tcp_stream_forms(), tcp_listener_forms(), udp_forms(),
                      poller_forms()})
        all.insert(all.end(), part.begin(), part.end());
    return all;
}

TEST(ErrorCodeForms, EveryNoexceptFormClearsAStaleErrorOnSuccess) {
    const std::error_code stale = make_error_code(std::errc::io_error);
    const std::vector<form> forms = every_form();
    EXPECT_GE(forms.size(), 50u);
    for (const form& f : forms) {
        std::error_code ec = stale;
        f.call(ec);
        EXPECT_FALSE(ec) << f.name << " left: " << ec.message();
    }
}

TEST(ErrorCodeForms, StringReceiveOfMoreThanAStringHoldsIsInvalidArgument) {
    auto pair = make_tcp_pair();
    queue_bytes(pair.server, "x");
    for (const std::size_t size : {std::numeric_limits<std::size_t>::max(), std::string().max_size() + 1}) {
        std::error_code ec;
        const std::string got = pair.client.receive(size, ec, patience);
        EXPECT_EQ(ec, std::errc::invalid_argument) << size;
        EXPECT_TRUE(got.empty());
        EXPECT_EQ(catch_system_error([&] { (void)pair.client.receive(size, patience); }).code,
                  std::errc::invalid_argument);
    }
    // Nothing was consumed: the byte is still there.
    EXPECT_EQ(pair.client.receive(16, patience), "x");

    // A big buffer that receives a few bytes does not keep its room.
    queue_bytes(pair.server, "y");
    const std::string small = pair.client.receive(std::size_t{16} << 20, patience);
    EXPECT_EQ(small, "y");
    EXPECT_LT(small.capacity(), std::size_t{64} * 1024);
}

// Every receive that returns a string sizes it in one place (detail::receive_into_string):
// datagrams and local streams refuse an impossible size as TCP does, consuming nothing.
TEST(ErrorCodeForms, EveryStringReceiveRefusesASizeNoStringHolds) {
    udp_pair p;
    p.a.send("x", 1, patience);
    for (const std::size_t size : {std::numeric_limits<std::size_t>::max(), std::string().max_size() + 1}) {
        std::error_code ec;
        EXPECT_TRUE(p.b.receive(size, ec, patience).empty());
        EXPECT_EQ(ec, std::errc::invalid_argument) << size;
        const received_datagram from = p.b.receive_from(size, ec, patience);
        EXPECT_EQ(ec, std::errc::invalid_argument) << size;
        EXPECT_TRUE(from.data.empty());
        EXPECT_EQ(catch_system_error([&] { (void)p.b.receive(size, patience); }).code,
                  std::errc::invalid_argument);
        EXPECT_EQ(catch_system_error([&] { (void)p.b.receive_from(size, patience); }).code,
                  std::errc::invalid_argument);
    }
    EXPECT_EQ(p.b.receive(16, patience), "x") << "the datagram is still queued";

    if (!has_local_stream_sockets()) return;  // the UDP half above still ran (Wine 8 has no AF_UNIX)
    portsock_test::temp_dir dir;
    auto local = portsock_test::make_local_pair(local_address{dir.file("s.sock")});
    local.server.send_all("y", patience);
    std::error_code ec;
    EXPECT_TRUE(local.client.receive(std::numeric_limits<std::size_t>::max(), ec, patience).empty());
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(local.client.receive(16, patience), "y");
}

// A size a string could hold but this process cannot allocate (half the address space): an
// error code, with nothing consumed, never std::bad_alloc.
TEST(ErrorCodeForms, StringReceiveThatCannotBeAllocatedIsNotEnoughMemory) {
#if defined(__SANITIZE_ADDRESS__) || PORTSOCK_TEST_HAS_FEATURE(address_sanitizer)
    GTEST_SKIP() << "AddressSanitizer's operator new ends the process on a failed allocation "
                    "instead of throwing std::bad_alloc";
#endif
    const std::size_t huge = std::string().max_size() / 2;
    auto pair = make_tcp_pair();
    queue_bytes(pair.server, "x");
    std::error_code ec;
    EXPECT_TRUE(pair.client.receive(huge, ec, patience).empty());
    EXPECT_EQ(ec, std::errc::not_enough_memory);
    // max_size() itself: a string says it can hold it, then the library refuses it with
    // std::length_error or std::bad_alloc; neither may escape the noexcept form.
    EXPECT_TRUE(pair.client.receive(std::string().max_size(), ec, patience).empty());
    EXPECT_TRUE(ec == std::errc::not_enough_memory || ec == std::errc::invalid_argument) << ec.message();
    EXPECT_EQ(catch_system_error([&] { (void)pair.client.receive(huge, patience); }).code,
              std::errc::not_enough_memory);
    EXPECT_EQ(pair.client.receive(16, patience), "x");

    udp_pair p;
    p.a.send("z", 1, patience);
    EXPECT_TRUE(p.b.receive(huge, ec, patience).empty());
    EXPECT_EQ(ec, std::errc::not_enough_memory);
    EXPECT_TRUE(p.b.receive_from(huge, ec, patience).data.empty());
    EXPECT_EQ(ec, std::errc::not_enough_memory);
    EXPECT_EQ(p.b.receive(16, patience), "z");
}

TEST(ErrorCodeForms, StringReceiveOnAnEmptyStreamIsNotOpen) {
    tcp_stream empty;
    std::error_code ec;
    EXPECT_TRUE(empty.receive(std::numeric_limits<std::size_t>::max(), ec).empty());
    EXPECT_EQ(ec, errc::not_open);
}

// --- an error-code form never throws for a bad argument (issue 20, item 5) ----------------
// The argument is converted before the noexcept call runs: a conversion that throws (a
// path too long for sun_path, address text) would escape the error-code form. Paths reach
// the local forms through local_address_view, which never throws; text never becomes an
// ip_address or an endpoint implicitly.

/// Calls each local error-code form with `path` as the address, as a user writes it.
template <class Path>
void expect_each_local_form_reports(const Path& path, std::errc expected, const char* what) {
    const std::string message = std::string(what) + " as a local address";
    std::error_code ec;
    EXPECT_NO_THROW((void)local_stream::connect(path, ec, patience)) << message;
    EXPECT_EQ(ec, expected) << message << ", local_stream::connect: " << ec.message();
    ec.clear();
    EXPECT_NO_THROW((void)local_listener::listen(path, ec)) << message;
    EXPECT_EQ(ec, expected) << message << ", local_listener::listen: " << ec.message();
    ec.clear();
    EXPECT_NO_THROW((void)local_datagram::bind(path, ec)) << message;
    EXPECT_EQ(ec, expected) << message << ", local_datagram::bind: " << ec.message();
    if (!has_local_datagram_sockets()) return;  // the next need an open socket
    local_datagram open = local_datagram::open();
    ec.clear();
    EXPECT_NO_THROW(open.connect(path, ec)) << message;
    EXPECT_EQ(ec, expected) << message << ", local_datagram::connect: " << ec.message();
    ec.clear();
    EXPECT_NO_THROW((void)open.send_to("x", 1, path, ec, patience)) << message;
    EXPECT_EQ(ec, expected) << message << ", local_datagram::send_to: " << ec.message();
}

TEST(ErrorCodeForms, ALocalPathTooLongIsReportedNeverThrown) {
    const std::string too_long(local_address::max_path_length() + 1, 'p');
    expect_each_local_form_reports(too_long, std::errc::filename_too_long, "std::string");
    expect_each_local_form_reports(too_long.c_str(), std::errc::filename_too_long, "const char*");
    expect_each_local_form_reports(std::string_view(too_long), std::errc::filename_too_long,
                                   "std::string_view");
    const std::string far_too_long(100000, 'p');
    expect_each_local_form_reports(far_too_long, std::errc::filename_too_long, "a 100000-byte path");
    // The throwing forms still throw, naming the limit.
    const auto thrown = catch_system_error([&] { (void)local_stream::connect(too_long, patience); });
    EXPECT_EQ(thrown.code, std::errc::filename_too_long);
    EXPECT_NE(thrown.what.find(std::to_string(local_address::max_path_length())), std::string::npos)
        << thrown.what;
}

TEST(ErrorCodeForms, AnEmptyOrNulLocalPathIsReportedNeverThrown) {
    expect_each_local_form_reports("", std::errc::invalid_argument, "\"\"");
    expect_each_local_form_reports(static_cast<const char*>(nullptr), std::errc::invalid_argument,
                                   "a null pointer");
    expect_each_local_form_reports(std::string("a\0b", 3), std::errc::invalid_argument, "a path with a NUL");
    expect_each_local_form_reports(local_address(), std::errc::invalid_argument, "an unnamed address");
}

TEST(ErrorCodeForms, AGoodLocalPathStillWorksThroughEveryForm) {
    PORTSOCK_REQUIRE_LOCAL_DATAGRAM();
    portsock_test::temp_dir dir;
    const std::string path = dir.file("ok.sock");
    std::error_code ec = make_error_code(std::errc::io_error);
    local_datagram receiver = local_datagram::bind(path, ec);
    ASSERT_FALSE(ec) << ec.message();
    local_datagram sender = local_datagram::open();
    EXPECT_EQ(sender.send_to("hi", 2, path.c_str(), ec, patience), 2u);
    EXPECT_FALSE(ec) << ec.message();
    sender.connect(std::string_view(path), ec);
    EXPECT_FALSE(ec) << ec.message();
    char buffer[4];
    EXPECT_EQ(receiver.receive(buffer, sizeof buffer, patience), 2u);
}

/// True if `{text, port}` can be passed where a `const endpoint&` goes (an implicit conversion).
template <class Text>
auto endpoint_from_braced_text(int)
    -> decltype(std::declval<void (&)(const endpoint&)>()({std::declval<Text>(), std::uint16_t{}}), true) {
    return true;
}
template <class Text>
bool endpoint_from_braced_text(long) {
    return false;
}

TEST(ErrorCodeForms, TextNeverBecomesAnAddressUnseen) {
    static_assert(!std::is_convertible_v<const char*, ip_address>, "text to ip_address must be explicit");
    static_assert(!std::is_convertible_v<std::string_view, ip_address>,
                  "text to ip_address must be explicit");
    static_assert(std::is_constructible_v<ip_address, const char*>, "ip_address{\"239.1.2.3\"} compiles");
    static_assert(std::is_constructible_v<endpoint, const char*, std::uint16_t>,
                  "endpoint{\"::1\", 80} compiles");
    EXPECT_FALSE(endpoint_from_braced_text<const char*>(0))
        << "a braced {text, port} would be converted, and could throw";
    EXPECT_TRUE((std::is_convertible_v<const char*, local_address_view>))
        << "a path goes where an address goes";
    // What the explicit forms give, and that the ec forms of the same text do not throw.
    std::error_code ec;
    EXPECT_NO_THROW((void)ip_address::parse("127.0.0.1:80", ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_NO_THROW((void)endpoint::parse("localhost", 80, ec));
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

// Every static factory with an error_code form has a throwing twin that reports the same
// error: listen() and bind() as their constructors do.
TEST(ErrorCodeForms, StaticListenAndBindHaveThrowingTwinsThatAgree) {
    tcp_listener taken = tcp_listener::listen(any_port_v4());
    const endpoint busy = where(taken);
    std::error_code ec;
    (void)tcp_listener::listen(busy, ec);
    EXPECT_EQ(ec, std::errc::address_in_use);
    EXPECT_EQ(catch_system_error([&] { (void)tcp_listener::listen(busy); }).code, std::errc::address_in_use);

    (void)tcp_listener::listen("", busy.port(), ec);
    EXPECT_EQ(ec, errc::empty_host);
    EXPECT_EQ(catch_system_error([&] { (void)tcp_listener::listen("", busy.port()); }).code,
              errc::empty_host);
    EXPECT_TRUE(tcp_listener::listen("127.0.0.1", 0).is_open());

    udp_socket bound = udp_socket::bind(any_port_v4());
    (void)udp_socket::bind(where(bound), ec, {});
    EXPECT_EQ(ec, std::errc::address_in_use);
    EXPECT_EQ(catch_system_error([&] { (void)udp_socket::bind(where(bound)); }).code,
              std::errc::address_in_use);
}

TEST(ErrorCodeForms, LocalStaticListenHasAThrowingTwinThatAgrees) {
    PORTSOCK_REQUIRE_LOCAL_STREAM();
    const portsock_test::temp_dir dir;
    const std::string missing_dir = dir.file("no/such/dir/s");
    std::error_code ec;
    (void)local_listener::listen(missing_dir, ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory);
    EXPECT_EQ(catch_system_error([&] { (void)local_listener::listen(missing_dir); }).code,
              std::errc::no_such_file_or_directory);
    EXPECT_TRUE(local_listener::listen(dir.file("s")).is_open());
}

}  // namespace
