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

TEST(IpAddress, TextConstructorAgreesWithParseAndEndpoint) {
    for (const char* text : {"239.1.2.3", "127.0.0.1", "::1", "ff02::fb", "::ffff:192.0.2.1", "fe80::1%3"}) {
        const ip_address made{text};
        EXPECT_EQ(made, ip_address::parse(text)) << text;
        EXPECT_EQ((endpoint{text, 5353}.address()), made) << text;
        EXPECT_EQ(ip_address{std::string(text)}, made) << text;
    }
    for (const char* bad : {"", "localhost", "127.0.0.1:80", "[::1]", "010.0.0.1", "1.2.3.4 "}) {
        const auto from_address = catch_system_error([&] { (void)ip_address{bad}; });
        const auto from_endpoint = catch_system_error([&] { (void)endpoint(bad, 80); });
        EXPECT_EQ(from_address.code, portsock::errc::invalid_address) << bad;
        EXPECT_EQ(from_address.code, from_endpoint.code) << bad << ": the two constructors agree";
        EXPECT_NE(from_address.what.find("portsock::ip_address"), std::string::npos) << from_address.what;
        if (*bad != '\0') portsock_test::expect_quoted(from_address.what, bad);
    }
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
    EXPECT_TRUE(ip_address::parse("::ffff:127.0.0.1").is_loopback()) << "mapped: its IPv4 meaning counts";
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
    const char* const texts[] = {
        "0.0.0.0", "127.0.0.1",   "255.255.255.255", "192.0.2.1",        "::",
        "::1",     "2001:db8::1", "fe80::1%1",       "::ffff:127.0.0.1", "2001:db8:0:1:2:3:4:5"};
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
        portsock_test::expect_quoted(caught.what, bad.text);
    }
}

// --- ip_address: one grammar for leading zeros and lengths ------------------------------

TEST(IpAddress, Ipv4OctetsRefuseLeadingZeros) {
    // "010" is octal 8 to inet_aton() and browsers: one text must not name two addresses.
    for (const char* text : {"010.0.0.1", "1.2.3.04", "00.0.0.0", "127.0.0.01", "0127.0.0.1",
                             "::ffff:01.2.3.4", "::ffff:1.2.3.004", "1.2.3.0000"}) {
        SCOPED_TRACE(text);
        std::error_code ec;
        EXPECT_EQ(ip_address::parse(text, ec), ip_address{});
        EXPECT_EQ(ec, portsock::errc::invalid_address);
    }
    EXPECT_EQ(ip_address::parse("0.0.0.0"), ip_address::any_v4()) << "a lone zero is no leading zero";
    EXPECT_EQ(ip_address::parse("10.0.100.0").to_string(), "10.0.100.0");
    EXPECT_EQ(ip_address::parse("::ffff:10.0.0.1").unmapped().to_string(), "10.0.0.1");
}

TEST(IpAddress, Ipv6GroupsAndScopesMayHaveLeadingZeros) {
    EXPECT_EQ(ip_address::parse("0000:0000:0000:0000:0000:0000:0000:0001"), ip_address::loopback_v6());
    EXPECT_EQ(ip_address::parse("fe80::0001%0003"), ip_address::parse("fe80::1%3"));
    std::error_code ec;
    (void)ip_address::parse("00001::", ec);
    EXPECT_EQ(ec, portsock::errc::invalid_address) << "a group has at most four hex digits";
}

TEST(IpAddress, NoLengthCapBeyondTheGrammar) {
    // The longest IPv6 text, 45 characters, and with a scope.
    const std::string longest = "0000:0000:0000:0000:0000:ffff:255.255.255.255";
    ASSERT_EQ(longest.size(), 45u);
    EXPECT_EQ(ip_address::parse(longest), ip_address::parse("::ffff:255.255.255.255"));
    EXPECT_EQ(ip_address::parse(longest + "%1").scope_id(), 1u);

    // A zero-padded numeric scope is valid however long ("::%000...01").
    for (const std::size_t zeros : {60u, 62u, 200u, 10000u}) {
        SCOPED_TRACE(zeros);
        const std::string text = "::%" + std::string(zeros, '0') + "1";
        std::error_code ec;
        const ip_address a = ip_address::parse(text, ec);
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(a.scope_id(), 1u);
        EXPECT_EQ(ip_address::parse("fe80::1%" + std::string(zeros, '0') + "4294967295").scope_id(),
                  4294967295u);
    }
    // The value decides, not the digit count.
    const std::string too_big[] = {"fe80::1%0", "fe80::1%00000", "fe80::1%04294967296",
                                   "fe80::1%" + std::string(100, '9')};
    for (const std::string& bad : too_big) {
        SCOPED_TRACE(bad.substr(0, 40));
        std::error_code ec;
        (void)ip_address::parse(bad, ec);
        EXPECT_EQ(ec, portsock::errc::invalid_address);
    }
    // One character past the grammar is invalid, not truncated.
    std::error_code ec;
    (void)ip_address::parse(longest + "0", ec);
    EXPECT_EQ(ec, portsock::errc::invalid_address);
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

// --- ip_address: IPv4-mapped addresses and classification ------------------------------

TEST(IpAddress, MappedConversionsBothWays) {
    const ip_address mapped = ip_address::parse("::ffff:192.0.2.7");
    EXPECT_TRUE(mapped.is_v6());
    EXPECT_TRUE(mapped.is_v4_mapped());
    EXPECT_EQ(mapped.unmapped(), ip_address::v4({192, 0, 2, 7}));
    EXPECT_EQ(mapped.unmapped().to_v4_mapped(), mapped);
    EXPECT_EQ(ip_address::loopback_v4().to_v4_mapped(), ip_address::parse("::ffff:127.0.0.1"));
    EXPECT_NE(mapped, mapped.unmapped()) << "distinct values: compare unmapped() ones";

    // Everything else is left as it is.
    for (const char* text : {"192.0.2.7", "::1", "::", "::127.0.0.1", "::fffe:1.2.3.4", "1::ffff:1.2.3.4",
                             "fe80::1%2", "2001:db8::1"}) {
        SCOPED_TRACE(text);
        const ip_address a = ip_address::parse(text);
        EXPECT_FALSE(a.is_v4_mapped());
        EXPECT_EQ(a.unmapped(), a);
        if (a.is_v6()) {
            EXPECT_EQ(a.to_v4_mapped(), a);
        }
    }
    EXPECT_FALSE(ip_address::v4({0, 0, 255, 255}).is_v4_mapped()) << "IPv4 is never mapped";
}

struct classified {
    const char* text;
    bool loopback, unspecified, multicast, link_local, is_private;
};

// Each IPv4 row is checked again in its mapped form, which must classify the same.
const classified ipv4_classes[] = {
    {"127.0.0.1", true, false, false, false, false},
    {"127.255.255.254", true, false, false, false, false},
    {"0.0.0.0", false, true, false, false, false},
    {"224.0.0.1", false, false, true, false, false},
    {"239.255.255.255", false, false, true, false, false},
    {"240.0.0.1", false, false, false, false, false},
    {"223.255.255.255", false, false, false, false, false},
    {"169.254.0.1", false, false, false, true, false},
    {"169.253.255.255", false, false, false, false, false},
    {"10.0.0.1", false, false, false, false, true},
    {"172.16.0.0", false, false, false, false, true},
    {"172.31.255.255", false, false, false, false, true},
    {"172.15.255.255", false, false, false, false, false},
    {"172.32.0.0", false, false, false, false, false},
    {"192.168.1.1", false, false, false, false, true},
    {"192.169.0.1", false, false, false, false, false},
    {"8.8.8.8", false, false, false, false, false},
};

const classified ipv6_classes[] = {
    {"::1", true, false, false, false, false},
    {"::", false, true, false, false, false},
    {"ff02::1", false, false, true, false, false},
    {"fe80::1", false, false, false, true, false},
    {"febf::1", false, false, false, true, false},
    {"fec0::1", false, false, false, false, false},
    {"fc00::1", false, false, false, false, true},
    {"fdff::1", false, false, false, false, true},
    {"fe00::1", false, false, false, false, false},
    {"2001:db8::1", false, false, false, false, false},
    {"::2", false, false, false, false, false},
    {"::127.0.0.1", false, false, false, false, false},  // deprecated "compatible" form: not mapped
};

void expect_class(const ip_address& a, const classified& want) {
    SCOPED_TRACE(a.to_string());
    EXPECT_EQ(a.is_loopback(), want.loopback);
    EXPECT_EQ(a.is_unspecified(), want.unspecified);
    EXPECT_EQ(a.is_multicast(), want.multicast);
    EXPECT_EQ(a.is_link_local(), want.link_local);
    EXPECT_EQ(a.is_private(), want.is_private);
}

TEST(IpAddress, ClassifiersCoverTheirRanges) {
    for (const classified& row : ipv4_classes) expect_class(ip_address::parse(row.text), row);
    for (const classified& row : ipv6_classes) expect_class(ip_address::parse(row.text), row);
}

TEST(IpAddress, MappedAddressesClassifyByTheirIpv4Meaning) {
    for (const classified& row : ipv4_classes) {
        const ip_address mapped = ip_address::parse(std::string("::ffff:") + row.text);
        ASSERT_TRUE(mapped.is_v4_mapped()) << row.text;
        expect_class(mapped, row);
    }
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
    const char* const texts[] = {
        "127.0.0.1:80", "0.0.0.0:0",        "255.255.255.255:65535", "[::1]:80",
        "[::]:0",       "[fe80::1%1]:8080", "[2001:db8::7]:443",     "[::ffff:127.0.0.1]:1"};
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

TEST(Endpoint, InheritsTheAddressAndPortGrammar) {
    EXPECT_EQ(endpoint::parse("127.0.0.1:000080"), endpoint::parse("127.0.0.1:80"));
    EXPECT_EQ(endpoint::parse("[fe80::1%00001]:0080"), endpoint::parse("[fe80::1%1]:80"));
    EXPECT_EQ(endpoint::parse("[::1]:" + std::string(300, '0') + "443").port(), 443);
    std::error_code ec;
    (void)endpoint::parse("010.0.0.1:80", ec);
    EXPECT_EQ(ec, portsock::errc::invalid_address) << "no leading zero in an IPv4 octet";
    (void)endpoint::parse("[::1]:0065536", ec);
    EXPECT_EQ(ec, portsock::errc::invalid_port);
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
        portsock_test::expect_quoted(caught.what, bad.text);
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
        {"0", 0},         {"1", 1},      {"80", 80},     {"8080", 8080},
        {"65535", 65535}, {"00080", 80}, {"000080", 80}, {"0000000000000000000000065535", 65535},
        {"00", 0}};
    for (const auto& [text, port] : good) {
        std::error_code ec = portsock::errc::not_open;
        EXPECT_EQ(portsock::parse_port(text, ec), port) << text;
        EXPECT_FALSE(ec) << text;
        EXPECT_EQ(portsock::parse_port(text), port) << text;
    }
}

TEST(ParsePort, TheValueDecidesNotTheLength) {
    const std::string zeros(100000, '0');
    EXPECT_EQ(portsock::parse_port(zeros + "1"), 1);
    EXPECT_EQ(portsock::parse_port(zeros), 0);
    std::error_code ec;
    EXPECT_EQ(portsock::parse_port(zeros + "65536", ec), 0);
    EXPECT_EQ(ec, portsock::errc::invalid_port);
    EXPECT_EQ(portsock::parse_port("1" + zeros, ec), 0) << "far past 64 bits: no overflow";
    EXPECT_EQ(ec, portsock::errc::invalid_port);
    EXPECT_EQ(portsock::parse_port("18446744073709551696", ec), 0) << "2^64 + 80 must not wrap to 80";
    EXPECT_EQ(ec, portsock::errc::invalid_port);
}

TEST(ParsePort, RejectsOutOfRangeAndJunk) {
    const std::string_view bad[] = {"65536",
                                    "99999",
                                    "100000",
                                    "-1",
                                    "",
                                    "12a",
                                    "a12",
                                    " 80",
                                    "80 ",
                                    "+80",
                                    "0x50",
                                    "4294967376",
                                    "\t80",
                                    "8 0",
                                    "1e3",
                                    "065536",
                                    "\xd9\xa3",  // an Arabic-Indic digit
                                    std::string_view("8\0", 2),
                                    std::string_view("80\0junk", 7)};
    for (const std::string_view text : bad) {
        SCOPED_TRACE(std::string(text));
        std::error_code ec;
        EXPECT_EQ(portsock::parse_port(text, ec), 0);
        EXPECT_EQ(ec, portsock::errc::invalid_port);
        EXPECT_EQ(ec, std::errc::invalid_argument);

        const auto caught = catch_system_error([&] { (void)portsock::parse_port(text); });
        EXPECT_EQ(caught.code, portsock::errc::invalid_port);
        portsock_test::expect_quoted(caught.what, text);
    }
}

}  // namespace
