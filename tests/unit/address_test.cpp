// ip_address, endpoint and parse_port: parsing, formatting, comparison, hashing, and every
// way text can fail to be an address.
#include "test_support.hpp"

#include <portsock/address.hpp>
#include <portsock/error.hpp>

#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

using portsock::address_family;
using portsock::endpoint;
using portsock::ip_address;
using portsock_test::catch_system_error;

// --- ip_address: construction and queries --------------------------------------------

TEST(IpAddress, DefaultIsIpv4Unspecified) {
    const ip_address a;
    EXPECT_TRUE(a.is_v4());
    EXPECT_FALSE(a.is_v6());
    EXPECT_EQ(a.family(), address_family::ipv4);
    EXPECT_TRUE(a.is_unspecified());
    EXPECT_FALSE(a.is_loopback());
    EXPECT_EQ(a.to_string(), "0.0.0.0");
    EXPECT_EQ(a, ip_address::any_v4());
}

TEST(IpAddress, NamedAddresses) {
    EXPECT_EQ(ip_address::loopback_v4().to_string(), "127.0.0.1");
    EXPECT_TRUE(ip_address::loopback_v4().is_loopback());
    EXPECT_EQ(ip_address::loopback_v6().to_string(), "::1");
    EXPECT_TRUE(ip_address::loopback_v6().is_loopback());
    EXPECT_TRUE(ip_address::loopback_v6().is_v6());
    EXPECT_EQ(ip_address::any_v6().to_string(), "::");
    EXPECT_TRUE(ip_address::any_v6().is_unspecified());
    EXPECT_TRUE(ip_address::any_v6().is_v6());
    EXPECT_NE(ip_address::any_v4(), ip_address::any_v6()) << "same bytes, different families";
}

TEST(IpAddress, LoopbackCoversTheWholeIpv4Block) {
    EXPECT_TRUE(ip_address::parse("127.255.0.9").is_loopback());
    EXPECT_FALSE(ip_address::parse("128.0.0.1").is_loopback());
    EXPECT_FALSE(ip_address::parse("::2").is_loopback());
    EXPECT_FALSE(ip_address::parse("::ffff:127.0.0.1").is_loopback()) << "mapped, but IPv6";
    EXPECT_FALSE(ip_address::parse("10.0.0.1").is_unspecified());
}

TEST(IpAddress, BytesRoundTrip) {
    const ip_address v4 = ip_address::v4({192, 0, 2, 7});
    EXPECT_EQ(v4.to_string(), "192.0.2.7");
    EXPECT_EQ(v4.to_v4_bytes(), (ip_address::bytes_v4{192, 0, 2, 7}));
    EXPECT_EQ(v4.scope_id(), 0u);

    const ip_address::bytes_v6 bytes{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42};
    const ip_address v6 = ip_address::v6(bytes, 7);
    EXPECT_EQ(v6.to_v6_bytes(), bytes);
    EXPECT_EQ(v6.scope_id(), 7u);
    EXPECT_EQ(v6.to_string(), "2001:db8::42%7");
}

// --- ip_address: parse and format -------------------------------------------------------

TEST(IpAddress, ParseFormatRoundTrip) {
    const char* const texts[] = {"0.0.0.0",   "127.0.0.1", "255.255.255.255", "192.0.2.1",
                                 "::",        "::1",       "2001:db8::1",     "fe80::1%1",
                                 "::ffff:127.0.0.1", "2001:db8:0:1:2:3:4:5"};
    for (const char* text : texts) {
        std::error_code ec = portsock::errc::not_open;  // must be cleared on success
        const ip_address parsed = ip_address::parse(text, ec);
        EXPECT_FALSE(ec) << text << ": " << ec.message();
        EXPECT_EQ(parsed.to_string(), text);
        EXPECT_EQ(ip_address::parse(parsed.to_string()), parsed) << text;
        EXPECT_EQ(ip_address::parse(std::string_view(text)), parsed) << "throwing form agrees: " << text;
    }
}

TEST(IpAddress, ParseNormalisesIpv6Text) {
    EXPECT_EQ(ip_address::parse("0:0:0:0:0:0:0:1"), ip_address::loopback_v6());
    EXPECT_EQ(ip_address::parse("2001:DB8::A").to_string(), "2001:db8::a");
}

TEST(IpAddress, ParseScopeId) {
    const ip_address a = ip_address::parse("fe80::1%1");
    EXPECT_TRUE(a.is_v6());
    EXPECT_EQ(a.scope_id(), 1u);
    EXPECT_NE(a, ip_address::parse("fe80::1")) << "the scope id is part of the address";
    EXPECT_EQ(ip_address::parse("fe80::1").scope_id(), 0u);
    EXPECT_EQ(ip_address::parse("fe80::1%4294967295").scope_id(), 4294967295u);
}

struct bad_text {
    std::string_view text;
    const char* why;
};

// Text that is not an IP address; each must fail the same way in both forms.
const bad_text bad_addresses[] = {
    {"256.1.1.1", "octet above 255"},
    {"1.2.3", "three octets"},
    {"1.2.3.4.5", "five octets"},
    {"1.2.3.-4", "negative octet"},
    {"::g", "not a hex digit"},
    {"1::2::3", "two double colons"},
    {"1:2:3:4:5:6:7:8:9", "nine groups"},
    {"", "empty"},
    {" 127.0.0.1", "leading space"},
    {"127.0.0.1 ", "trailing space"},
    {"[::1]", "brackets belong to endpoints"},
    {"127.0.0.1:80", "a port belongs to endpoints"},
    {"localhost", "a host name, not an address"},
    {"fe80::1%", "empty scope"},
    {"fe80::1%4294967296", "scope id above 32 bits"},
    {"fe80::1%-1", "negative scope id"},
    {"fe80::1%no-such-interface-9", "unknown interface name"},
    {"1.2.3.4%1", "scope on IPv4"},
    {std::string_view("127.0.0.1\0", 10), "embedded NUL at the end"},
    {std::string_view("127.0\0.0.1", 10), "embedded NUL inside"},
    {std::string_view("::1\0junk", 8), "embedded NUL before junk"},
};

TEST(IpAddress, ParseRejectsMalformedText) {
    for (const bad_text& bad : bad_addresses) {
        SCOPED_TRACE(bad.why);
        std::error_code ec;
        const ip_address out = ip_address::parse(bad.text, ec);
        EXPECT_EQ(ec, portsock::errc::invalid_address);
        EXPECT_EQ(ec, std::errc::invalid_argument);
        EXPECT_EQ(ec.category(), portsock::error_category());
        EXPECT_EQ(out, ip_address{}) << "the error value is 0.0.0.0";
    }
}

TEST(IpAddress, ParseThrowsWithTheTextInWhat) {
    for (const bad_text& bad : bad_addresses) {
        SCOPED_TRACE(bad.why);
        const auto caught = catch_system_error([&] { (void)ip_address::parse(bad.text); });
        EXPECT_EQ(caught.code, portsock::errc::invalid_address);
        EXPECT_EQ(caught.code, std::errc::invalid_argument);
        // what() is a C string: it can show the input only up to an embedded NUL.
        const std::string_view shown = bad.text.substr(0, bad.text.find('\0'));
        EXPECT_NE(caught.what.find("'" + std::string(shown)), std::string::npos) << caught.what;
    }
}

TEST(IpAddress, ParseRejectsOverlongText) {
    const std::string huge(4096, '1');
    std::error_code ec;
    (void)ip_address::parse(huge, ec);
    EXPECT_EQ(ec, portsock::errc::invalid_address);
    const std::string long_scope = "fe80::1%" + std::string(200, 'x');
    (void)ip_address::parse(long_scope, ec);
    EXPECT_EQ(ec, portsock::errc::invalid_address);
}

TEST(IpAddress, ParseErrorIsClearedBySuccess) {
    std::error_code ec;
    (void)ip_address::parse("nope", ec);
    ASSERT_TRUE(ec);
    (void)ip_address::parse("10.1.2.3", ec);
    EXPECT_FALSE(ec);
}

// --- ip_address: comparison, hashing, streaming ---------------------------------------

TEST(IpAddress, Comparisons) {
    const ip_address a = ip_address::parse("10.0.0.1");
    const ip_address b = ip_address::parse("10.0.0.2");
    const ip_address c = ip_address::parse("::1");
    EXPECT_EQ(a, ip_address::parse("10.0.0.1"));
    EXPECT_NE(a, b);
    EXPECT_TRUE(a < b);
    EXPECT_FALSE(b < a);
    EXPECT_FALSE(a < a);
    EXPECT_TRUE(b < c) << "IPv4 orders before IPv6";
    EXPECT_FALSE(c < b);
    EXPECT_TRUE(ip_address::parse("fe80::1%1") < ip_address::parse("fe80::1%2")) << "then scope id";
    // A strict weak order: a std::set keeps each distinct address once, in order.
    const std::set<ip_address> sorted{c, b, a, b, c};
    ASSERT_EQ(sorted.size(), 3u);
    EXPECT_EQ(*sorted.begin(), a);
    EXPECT_EQ(*sorted.rbegin(), c);
}

TEST(IpAddress, HashWorksInUnorderedSet) {
    std::unordered_set<ip_address> set;
    set.insert(ip_address::parse("127.0.0.1"));
    set.insert(ip_address::parse("127.0.0.1"));
    set.insert(ip_address::parse("::1"));
    set.insert(ip_address::parse("fe80::1%1"));
    set.insert(ip_address::parse("fe80::1%2"));
    set.insert(ip_address::any_v4());
    set.insert(ip_address::any_v6());
    EXPECT_EQ(set.size(), 6u);
    EXPECT_EQ(set.count(ip_address::loopback_v4()), 1u);
    EXPECT_EQ(set.count(ip_address::parse("fe80::1%3")), 0u);
    const std::hash<ip_address> hash;
    EXPECT_EQ(hash(ip_address::parse("::1")), hash(ip_address::loopback_v6())) << "equal values hash equal";
}

TEST(IpAddress, StreamsItsText) {
    std::ostringstream out;
    out << ip_address::parse("192.0.2.1") << ' ' << ip_address::parse("fe80::1%3");
    EXPECT_EQ(out.str(), "192.0.2.1 fe80::1%3");
}

// --- endpoint -------------------------------------------------------------------------

TEST(Endpoint, DefaultAndAccessors) {
    const endpoint none;
    EXPECT_EQ(none.address(), ip_address{});
    EXPECT_EQ(none.port(), 0);
    EXPECT_EQ(none.to_string(), "0.0.0.0:0");

    const endpoint ep{ip_address::loopback_v6(), 8080};
    EXPECT_EQ(ep.address(), ip_address::loopback_v6());
    EXPECT_EQ(ep.port(), 8080);
    EXPECT_EQ(ep.family(), address_family::ipv6);
}

TEST(Endpoint, ToStringBracketsIpv6) {
    EXPECT_EQ((endpoint{ip_address::loopback_v6(), 80}).to_string(), "[::1]:80");
    EXPECT_EQ((endpoint{ip_address::loopback_v4(), 80}).to_string(), "127.0.0.1:80");
    EXPECT_EQ((endpoint{ip_address::parse("fe80::1%2"), 65535}).to_string(), "[fe80::1%2]:65535");
}

TEST(Endpoint, ParseFormatRoundTrip) {
    const char* const texts[] = {"127.0.0.1:80", "0.0.0.0:0",      "255.255.255.255:65535",
                                 "[::1]:80",     "[::]:0",         "[fe80::1%1]:8080",
                                 "[2001:db8::7]:443", "[::ffff:127.0.0.1]:1"};
    for (const char* text : texts) {
        std::error_code ec = portsock::errc::not_open;
        const endpoint ep = endpoint::parse(text, ec);
        EXPECT_FALSE(ec) << text << ": " << ec.message();
        EXPECT_EQ(ep.to_string(), text);
        EXPECT_EQ(endpoint::parse(ep.to_string()), ep) << text;
    }
    const endpoint scoped = endpoint::parse("[fe80::1%1]:8080");
    EXPECT_EQ(scoped.address().scope_id(), 1u);
    EXPECT_EQ(scoped.port(), 8080);
}

struct bad_endpoint {
    std::string_view text;
    portsock::errc expected;
    const char* why;
};

const bad_endpoint bad_endpoints[] = {
    {"[::1]", portsock::errc::invalid_address, "bracketed IPv6 without a port"},
    {"[::1:80", portsock::errc::invalid_address, "no closing bracket"},
    {"[::1]x:80", portsock::errc::invalid_address, "junk after the bracket"},
    {"[]:80", portsock::errc::invalid_address, "empty brackets"},
    {":80", portsock::errc::invalid_address, "no address"},
    {"::1:80", portsock::errc::invalid_address, "ambiguous unbracketed IPv6"},
    {"[1.2.3.4]:80", portsock::errc::invalid_address, "bracketed IPv4"},
    {"256.1.1.1:80", portsock::errc::invalid_address, "bad IPv4"},
    {"[::g]:80", portsock::errc::invalid_address, "bad IPv6"},
    {" 127.0.0.1:80", portsock::errc::invalid_address, "leading space"},
    {"localhost:80", portsock::errc::invalid_address, "a host name"},
    {std::string_view("127.0\0.0.1:80", 13), portsock::errc::invalid_address, "NUL in the address"},
    {"1.2.3.4:", portsock::errc::invalid_port, "empty port"},
    {"1.2.3.4:65536", portsock::errc::invalid_port, "port above 65535"},
    {"1.2.3.4:99999", portsock::errc::invalid_port, "port far above 65535"},
    {"1.2.3.4:-1", portsock::errc::invalid_port, "negative port"},
    {"1.2.3.4:+80", portsock::errc::invalid_port, "signed port"},
    {"1.2.3.4:80 ", portsock::errc::invalid_port, "trailing space"},
    {"1.2.3.4:8o", portsock::errc::invalid_port, "letter in the port"},
    {"[::1]:", portsock::errc::invalid_port, "bracketed, empty port"},
    {"[::1]:123456", portsock::errc::invalid_port, "six digits"},
    {std::string_view("1.2.3.4:8\0", 10), portsock::errc::invalid_port, "NUL in the port"},
    {"127.0.0.1", portsock::errc::invalid_port, "no port at all"},
    {"", portsock::errc::invalid_port, "empty"},
};

TEST(Endpoint, ParseRejectsMalformedText) {
    for (const bad_endpoint& bad : bad_endpoints) {
        SCOPED_TRACE(bad.why);
        std::error_code ec;
        const endpoint out = endpoint::parse(bad.text, ec);
        EXPECT_EQ(ec, bad.expected) << ec.message();
        EXPECT_EQ(ec, std::errc::invalid_argument);
        EXPECT_EQ(out, endpoint{}) << "the error value is 0.0.0.0:0";
    }
}

TEST(Endpoint, ParseThrowsWithTheTextInWhat) {
    for (const bad_endpoint& bad : bad_endpoints) {
        SCOPED_TRACE(bad.why);
        const auto caught = catch_system_error([&] { (void)endpoint::parse(bad.text); });
        EXPECT_EQ(caught.code, bad.expected);
        EXPECT_EQ(caught.code, std::errc::invalid_argument);
        const std::string_view shown = bad.text.substr(0, bad.text.find('\0'));
        EXPECT_NE(caught.what.find("'" + std::string(shown)), std::string::npos) << caught.what;
    }
}

TEST(Endpoint, ComparisonsAndOrder) {
    const endpoint a{ip_address::loopback_v4(), 80};
    const endpoint b{ip_address::loopback_v4(), 81};
    const endpoint c{ip_address::loopback_v6(), 1};
    EXPECT_EQ(a, endpoint::parse("127.0.0.1:80"));
    EXPECT_NE(a, b);
    EXPECT_NE(a, (endpoint{ip_address::parse("127.0.0.2"), 80}));
    EXPECT_TRUE(a < b) << "same address: by port";
    EXPECT_FALSE(b < a);
    EXPECT_FALSE(a < a);
    EXPECT_TRUE(b < c) << "by address first";
    EXPECT_FALSE(c < b);
}

TEST(Endpoint, HashWorksInUnorderedSet) {
    std::unordered_set<endpoint> set;
    set.insert(endpoint::parse("127.0.0.1:80"));
    set.insert(endpoint::parse("127.0.0.1:80"));
    set.insert(endpoint::parse("127.0.0.1:81"));
    set.insert(endpoint::parse("[::1]:80"));
    EXPECT_EQ(set.size(), 3u);
    EXPECT_EQ(set.count(endpoint{ip_address::loopback_v6(), 80}), 1u);
    EXPECT_EQ(set.count(endpoint{ip_address::loopback_v6(), 81}), 0u);
}

TEST(Endpoint, StreamsItsText) {
    std::ostringstream out;
    out << endpoint::parse("[::1]:80") << ' ' << endpoint::parse("10.0.0.1:9");
    EXPECT_EQ(out.str(), "[::1]:80 10.0.0.1:9");
}

// --- parse_port -----------------------------------------------------------------------

TEST(ParsePort, AcceptsTheWholeRange) {
    const std::pair<const char*, std::uint16_t> good[] = {
        {"0", 0}, {"1", 1}, {"80", 80}, {"8080", 8080}, {"65535", 65535}, {"00080", 80}};
    for (const auto& [text, port] : good) {
        std::error_code ec = portsock::errc::not_open;
        EXPECT_EQ(portsock::parse_port(text, ec), port) << text;
        EXPECT_FALSE(ec) << text;
        EXPECT_EQ(portsock::parse_port(text), port) << text;
    }
}

TEST(ParsePort, RejectsOutOfRangeAndJunk) {
    const std::string_view bad[] = {"65536", "99999",  "100000", "-1", "",   "12a", "a12",
                                    " 80",   "80 ",    "+80",    "0x50", "4294967376",
                                    std::string_view("8\0", 2)};
    for (const std::string_view text : bad) {
        SCOPED_TRACE(std::string(text));
        std::error_code ec;
        EXPECT_EQ(portsock::parse_port(text, ec), 0);
        EXPECT_EQ(ec, portsock::errc::invalid_port);
        EXPECT_EQ(ec, std::errc::invalid_argument);

        const auto caught = catch_system_error([&] { (void)portsock::parse_port(text); });
        EXPECT_EQ(caught.code, portsock::errc::invalid_port);
        // what() is a C string: it can show the input only up to an embedded NUL.
        const std::string_view shown = text.substr(0, text.find('\0'));
        const std::string quoted = "'" + std::string(shown) + (shown.size() == text.size() ? "'" : "");
        EXPECT_NE(caught.what.find(quoted), std::string::npos) << caught.what;
    }
}

}  // namespace
