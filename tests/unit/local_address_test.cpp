// local_address: paths and abstract names, and every kind of bad input (empty, NUL bytes,
// too long for the OS), in both error forms. No sockets are opened.
#include "test_support.hpp"

#include <portsock/local.hpp>

#include <sstream>
#include <string>

namespace {

using portsock::local_address;
using portsock_test::catch_system_error;

TEST(LocalAddress, DefaultIsUnnamed) {
    const local_address none;
    EXPECT_TRUE(none.is_unnamed());
    EXPECT_FALSE(none.is_path());
    EXPECT_FALSE(none.is_abstract());
    EXPECT_TRUE(none.name().empty());
    EXPECT_EQ(none.to_string(), "(unnamed)");
}

TEST(LocalAddress, PathRoundTripsAndPrints) {
    const local_address a{"/run/app/app.sock"};
    EXPECT_TRUE(a.is_path());
    EXPECT_EQ(a.name(), "/run/app/app.sock");
    EXPECT_EQ(a.to_string(), "/run/app/app.sock");
    std::ostringstream text;
    text << a;
    EXPECT_EQ(text.str(), "/run/app/app.sock");
    EXPECT_EQ(a, local_address(std::string("/run/app/app.sock")));
    EXPECT_NE(a, local_address("/run/app/other.sock"));
    EXPECT_NE(a, local_address());
}

TEST(LocalAddress, LimitIsTheOsSunPathLessItsTerminator) {
    const std::size_t limit = local_address::max_path_length();
    EXPECT_TRUE(limit == 107 || limit == 103) << limit;  // Linux and Windows, or macOS and the BSDs
    const std::string longest(limit, 'p');
    EXPECT_EQ(local_address(longest).name(), longest);
    std::error_code ec = make_error_code(std::errc::io_error);
    EXPECT_EQ(local_address::from_path(longest, ec).name().size(), limit);
    EXPECT_FALSE(ec) << "cleared on success";
}

TEST(LocalAddress, TooLongPathNamesTheLimitInBothForms) {
    const std::size_t limit = local_address::max_path_length();
    for (const std::size_t size : {limit + 1, limit + 2, std::size_t{4096}}) {
        const std::string path(size, 'p');
        std::error_code ec;
        const local_address a = local_address::from_path(path, ec);
        EXPECT_EQ(ec, std::errc::filename_too_long) << size;
        EXPECT_TRUE(a.is_unnamed());
        const auto thrown = catch_system_error([&] { (void)local_address(path); });
        EXPECT_EQ(thrown.code, std::errc::filename_too_long);
        EXPECT_NE(thrown.what.find(std::to_string(limit)), std::string::npos) << thrown.what;
        EXPECT_NE(thrown.what.find(std::to_string(size)), std::string::npos) << thrown.what;
    }
}

TEST(LocalAddress, EmptyAndNulBytesAreInvalidArguments) {
    using namespace std::string_literals;
    for (const std::string& bad : {""s, "a\0b"s, "\0"s, "/tmp/x.sock\0"s}) {
        std::error_code ec;
        (void)local_address::from_path(bad, ec);
        EXPECT_EQ(ec, portsock::errc::invalid_argument) << bad.size();
        EXPECT_EQ(ec, std::errc::invalid_argument);
        EXPECT_EQ(catch_system_error([&] { (void)local_address(bad); }).code, std::errc::invalid_argument);
    }
}

TEST(LocalAddress, NullPointerIsAnInvalidArgumentNotACrash) {
    const char* none = nullptr;
    EXPECT_EQ(catch_system_error([&] { (void)local_address(none); }).code, portsock::errc::invalid_argument);
}

TEST(LocalAddress, ControlBytesAndNonAsciiArePassedAsBytes) {
    const std::string odd = "dir/\x01\x7f\xc3\xa9.sock";
    EXPECT_EQ(local_address(odd).name(), odd);
}

TEST(LocalAddress, AbstractNamesWhereTheOsHasThem) {
    using namespace std::string_literals;
    if (!portsock::has_abstract_local_names()) {
        EXPECT_EQ(local_address::max_abstract_length(), 0u);
        std::error_code ec;
        (void)local_address::abstract("name", ec);
        EXPECT_EQ(ec, std::errc::operation_not_supported);
        const auto thrown = catch_system_error([] { (void)local_address::abstract("name"); });
        EXPECT_EQ(thrown.code, std::errc::operation_not_supported);
        EXPECT_NE(thrown.what.find("Linux"), std::string::npos) << thrown.what;
        return;
    }
    const local_address a = local_address::abstract("portsock\0x"s);
    EXPECT_TRUE(a.is_abstract());
    EXPECT_EQ(a.name(), "portsock\0x"s);
    EXPECT_EQ(a.to_string(), "@portsock@x");
    EXPECT_NE(a, local_address("portsock"));  // same bytes, different kind
    const std::string longest(local_address::max_abstract_length(), 'a');
    EXPECT_EQ(local_address::abstract(longest).name(), longest);
    std::error_code ec;
    (void)local_address::abstract(longest + "a", ec);
    EXPECT_EQ(ec, std::errc::filename_too_long);
    (void)local_address::abstract("", ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

}  // namespace
