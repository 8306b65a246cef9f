// resolve(): names and numeric hosts to endpoints, family filters, and its errors. No test
// needs DNS: "localhost" comes from the hosts file and ".invalid" never resolves (RFC 6761).
#include "test_support.hpp"

#include <portsock/resolve.hpp>

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
