// resolve(): names and numeric hosts to endpoints, family filters, and its errors. No test
// needs DNS: "localhost" comes from the hosts file and ".invalid" never resolves (RFC 6761).
#include "test_support.hpp"

#include <portsock/resolve.hpp>
#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

#include <string>
#include <vector>

namespace {

using portsock::address_family;
using portsock::endpoint;
using portsock::ip_address;
using portsock_test::catch_system_error;

TEST(Resolve, LocalhostGivesLoopbackEndpoints) {
    const std::vector<endpoint> found = portsock::resolve("localhost", "8080");
    ASSERT_FALSE(found.empty());
    for (const endpoint& ep : found) {
        EXPECT_TRUE(ep.address().is_loopback()) << ep;
        EXPECT_EQ(ep.port(), 8080) << ep;
    }
}

TEST(Resolve, NoexceptFormClearsTheError) {
    std::error_code ec = portsock::errc::not_open;
    const std::vector<endpoint> found = portsock::resolve("localhost", "1", ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_FALSE(found.empty());
}

TEST(Resolve, NumericHostsNeedNoResolver) {
    const std::vector<endpoint> v4 = portsock::resolve("127.0.0.1", "80");
    ASSERT_EQ(v4.size(), 1u) << "one address, one socket type";
    EXPECT_EQ(v4[0], endpoint::parse("127.0.0.1:80"));

    const std::vector<endpoint> v6 = portsock::resolve("::1", "443");
    ASSERT_EQ(v6.size(), 1u);
    EXPECT_EQ(v6[0], endpoint::parse("[::1]:443"));
}

TEST(Resolve, FamilyFilter) {
    std::error_code ec;
    const std::vector<endpoint> v4 = portsock::resolve("localhost", "80", ec, address_family::ipv4);
    ASSERT_FALSE(ec) << ec.message();
    ASSERT_FALSE(v4.empty());
    for (const endpoint& ep : v4) EXPECT_TRUE(ep.address().is_v4()) << ep;

    const std::vector<endpoint> v6 = portsock::resolve("::1", "80", ec, address_family::ipv6);
    ASSERT_FALSE(ec) << ec.message();
    for (const endpoint& ep : v6) EXPECT_TRUE(ep.address().is_v6()) << ep;

    // An IPv4 literal has no IPv6 form: a resolver error, never an empty success.
    const std::vector<endpoint> none = portsock::resolve("127.0.0.1", "80", ec, address_family::ipv6);
    EXPECT_TRUE(ec);
    EXPECT_TRUE(none.empty());
}

TEST(Resolve, NumericHostOfTheOtherFamilyIsNoAddressInFamily) {
    // glibc says EAI_ADDRFAMILY, Windows EAI_NONAME: portsock says the same on every OS.
    const struct {
        const char* host;
        address_family family;
    } cases[] = {{"::1", address_family::ipv4},
                 {"127.0.0.1", address_family::ipv6},
                 {"fe80::1%1", address_family::ipv4},
                 {"::ffff:127.0.0.1", address_family::ipv4}};
    for (const auto& c : cases) {
        SCOPED_TRACE(c.host);
        std::error_code ec;
        EXPECT_TRUE(portsock::resolve(c.host, "80", ec, c.family).empty());
        EXPECT_EQ(ec, portsock::resolve_errc::no_address_in_family) << ec.message();
        EXPECT_NE(ec, portsock::resolve_errc::failure) << "a specific code, not the catch-all";
        EXPECT_EQ(catch_system_error([&] { (void)portsock::resolve(c.host, "80", c.family); }).code,
                  portsock::resolve_errc::no_address_in_family);
    }
}

// --- text that reaches the resolver: one grammar ---------------------------------------

TEST(Resolve, NulOrControlByteInHostIsInvalidHost) {
    using namespace std::string_view_literals;
    // "127.0.0.1\0.trusted.example" must never resolve as 127.0.0.1: an allow-list bypass.
    const std::string_view hosts[] = {"127.0.0.1\0.trusted.example"sv,
                                      "\0127.0.0.1"sv,
                                      "127.0.0.1\0"sv,
                                      "localhost\0"sv,
                                      "local\0host"sv,
                                      "127.0.0.1\n"sv,
                                      "local\x1b[31mhost"sv,
                                      "localhost\r\nX-Forged: 1"sv,
                                      "\x7f"sv,
                                      "\t"sv};
    for (const std::string_view host : hosts) {
        SCOPED_TRACE(testing::PrintToString(std::string(host)));
        std::error_code ec;
        EXPECT_TRUE(portsock::resolve(host, "80", ec).empty());
        EXPECT_EQ(ec, portsock::errc::invalid_host) << ec.message();
        EXPECT_EQ(ec, std::errc::invalid_argument);
        const auto caught = catch_system_error([&] { (void)portsock::resolve(host, "80"); });
        EXPECT_EQ(caught.code, std::errc::invalid_argument);
        portsock_test::expect_quoted(caught.what, host);
    }
}

// Text that ends in a number is meant as an address, so it must be one in
// ip_address::parse()'s grammar: the resolver's inet_aton() rules would read "010.0.0.1" as
// 8.0.0.1 (octal) and "127.1" or "0" as addresses that text never spelt. The same check
// runs for resolve(), connect by name and listen by name.
TEST(Resolve, TextEndingInANumberMustBeAnAddress) {
    const char* legacy[] = {"127.1",      "0",          "010.0.0.1",    "0x7f.1",
                            "0x7f000001", "2130706433", "127.0.0.1.",   "1.2.3.4.5",
                            "256.0.0.1",  "1.2.3.04",   "127.0.1",      "example.0x10",
                            "1.2.3.4 ",   "host.123",   "1.2.3.4 junk", " localhost"};
    for (const char* host : legacy) {
        SCOPED_TRACE(host);
        std::error_code ec;
        EXPECT_TRUE(portsock::resolve(host, "80", ec).empty());
        EXPECT_EQ(ec, portsock::errc::invalid_host) << ec.message();
        const auto caught = catch_system_error([&] { (void)portsock::resolve(host, "80"); });
        EXPECT_EQ(caught.code, portsock::errc::invalid_host);
        portsock_test::expect_quoted(caught.what, host);
        EXPECT_EQ(catch_system_error([&] { portsock::tcp_listener listener(host, 0); }).code,
                  portsock::errc::invalid_host);
        EXPECT_EQ(catch_system_error([&] {
                      (void)portsock::tcp_stream::connect(host, 9, portsock_test::patience);
                  }).code,
                  portsock::errc::invalid_host);
    }
    // Addresses in the one grammar, and names whose last label is not a number, still resolve.
    EXPECT_EQ(portsock::resolve("127.0.0.1", "80").front(), (endpoint{ip_address::loopback_v4(), 80}));
    EXPECT_EQ(portsock::resolve("::ffff:127.0.0.1", "80").front().address(),
              ip_address::parse("::ffff:127.0.0.1"));
    EXPECT_EQ(portsock::resolve("::1", "80").front().address(), ip_address::loopback_v6());
    EXPECT_FALSE(portsock::resolve("localhost", "80").empty());
    std::error_code ec;
    (void)portsock::resolve("1.2.3.4.invalid", "80", ec);  // a name (RFC 6761), not rejected as text
    EXPECT_NE(ec, portsock::errc::invalid_host) << ec.message();
    EXPECT_TRUE(ec) << "'.invalid' never resolves";
}

TEST(Resolve, AFamilyThatIsNoAddressFamilyIsInvalidArgument) {
    for (const int value : {3, 7, 255}) {
        const auto family = static_cast<address_family>(value);
        std::error_code ec;
        EXPECT_TRUE(portsock::resolve("127.0.0.1", "80", ec, family).empty());
        EXPECT_EQ(ec, std::errc::invalid_argument) << value;
        EXPECT_EQ(catch_system_error([&] { (void)portsock::resolve("localhost", "80", family); }).code,
                  std::errc::invalid_argument);
        EXPECT_EQ(catch_system_error([&] { (void)portsock::udp_socket::open(family); }).code,
                  std::errc::invalid_argument);
        (void)portsock::udp_socket::open(family, ec);
        EXPECT_EQ(ec, std::errc::invalid_argument);
    }
}

TEST(Resolve, ABadServiceIsQuotedNotTheHost) {
    const auto caught = catch_system_error([] { (void)portsock::resolve("localhost", "70000"); });
    EXPECT_EQ(caught.code, portsock::errc::invalid_port);
    EXPECT_NE(caught.what.find("'70000'"), std::string::npos) << caught.what;
    EXPECT_EQ(caught.what.find("localhost"), std::string::npos) << caught.what;
}

TEST(Resolve, NumericServiceFollowsParsePortExactly) {
    using namespace std::string_view_literals;
    // getaddrinfo() would skip blanks, take a sign, stop at a NUL and wrap to 16 bits.
    const std::string_view services[] = {
        "+70000"sv,     " 65536"sv, ""sv,     " 80"sv, "+80"sv,   "80\0junk"sv,
        "-1"sv,         "80 "sv,    "\t80"sv, "8 0"sv, "65536"sv, "99999"sv,
        "4294967376"sv, "000080"sv, "0080"sv, "0"sv,   "65535"sv, "00000000000000000000000000000080"sv,
        "\0"sv,         "80\n"sv,   "1.5"sv,  "-0"sv};
    for (const std::string_view service : services) {
        SCOPED_TRACE(testing::PrintToString(std::string(service)));
        std::error_code port_ec;
        const std::uint16_t port = portsock::parse_port(service, port_ec);
        std::error_code ec;
        const std::vector<endpoint> found = portsock::resolve("127.0.0.1", service, ec);
        if (port_ec) {
            EXPECT_EQ(port_ec, portsock::errc::invalid_port);
            EXPECT_EQ(ec, portsock::errc::invalid_port) << "both an error: " << ec.message();
            EXPECT_TRUE(found.empty());
        } else {
            ASSERT_FALSE(ec) << ec.message();
            ASSERT_EQ(found.size(), 1u);
            EXPECT_EQ(found[0].port(), port) << "the same port";
        }
    }
}

TEST(Resolve, MalformedServiceNamesAreInvalidPort) {
    using namespace std::string_view_literals;
    for (const std::string_view service : {"-http"sv, "http-"sv, "ht--tp"sv, "ht tp"sv, "http\0"sv,
                                           "h\0ttp"sv, "http\n"sv, "80junk\0"sv, "h_ttp"sv, "http/tcp"sv}) {
        SCOPED_TRACE(testing::PrintToString(std::string(service)));
        std::error_code ec;
        EXPECT_TRUE(portsock::resolve("127.0.0.1", service, ec).empty());
        EXPECT_EQ(ec, portsock::errc::invalid_port) << ec.message();
    }
    // A well-formed name goes to the resolver: known or not, never invalid_port.
    std::error_code ec;
    (void)portsock::resolve("127.0.0.1", "no-such-service-x", ec);
    EXPECT_EQ(ec.category(), portsock::resolver_category()) << ec.message();
}

TEST(Resolve, WhatQuotesTheHostBoundedAndEscaped) {
    const std::string host = std::string(1 << 20, 'a') + "\n";
    std::error_code ec;
    (void)portsock::resolve(host, "80", ec);
    EXPECT_EQ(ec, portsock::errc::invalid_host);
    const auto caught = catch_system_error([&] { (void)portsock::resolve(host, "80"); });
    EXPECT_LT(caught.what.size(), 400u) << "the message does not grow with the input";
    EXPECT_EQ(caught.what.find('\n'), std::string::npos) << "no raw newline";
    EXPECT_NE(caught.what.find("(1048577 bytes)"), std::string::npos) << caught.what;
}

TEST(Resolve, EmptyHostIsRejected) {
    std::error_code ec;
    EXPECT_TRUE(portsock::resolve("", "80", ec).empty());
    EXPECT_EQ(ec, portsock::errc::empty_host);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(catch_system_error([] { (void)portsock::resolve("", "80"); }).code, portsock::errc::empty_host);
}

TEST(Resolve, UnknownNameIsAResolverError) {
    // Without DNS the resolver may say "not found" or "try again"; either way the error is
    // of the resolver category, not a socket error.
    std::error_code ec;
    EXPECT_TRUE(portsock::resolve("nonexistent.invalid", "80", ec).empty());
    ASSERT_EQ(ec.category(), portsock::resolver_category()) << ec.category().name() << ": " << ec.message();
    EXPECT_TRUE(ec == portsock::resolve_errc::host_not_found || ec == portsock::resolve_errc::try_again)
        << ec.message();
    EXPECT_FALSE(ec.message().empty());

    const auto caught = catch_system_error([] { (void)portsock::resolve("nonexistent.invalid", "80"); });
    EXPECT_EQ(caught.code.category(), portsock::resolver_category());
    EXPECT_NE(caught.what.find("nonexistent.invalid"), std::string::npos) << caught.what;
}

TEST(Resolve, PortAboveRangeIsInvalidPort) {
    for (const char* service : {"65536", "99999", "123456"}) {
        SCOPED_TRACE(service);
        std::error_code ec;
        EXPECT_TRUE(portsock::resolve("127.0.0.1", service, ec).empty());
        EXPECT_EQ(ec, portsock::errc::invalid_port);
        EXPECT_EQ(catch_system_error([&] { (void)portsock::resolve("127.0.0.1", service); }).code,
                  portsock::errc::invalid_port);
    }
}

TEST(Resolve, UnknownServiceIsAResolverError) {
    std::error_code ec;
    EXPECT_TRUE(portsock::resolve("127.0.0.1", "no-such-service-x", ec).empty());
    EXPECT_EQ(ec.category(), portsock::resolver_category()) << ec.category().name() << ": " << ec.message();
}

}  // namespace
