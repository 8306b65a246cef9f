// The platform contract's local-socket and adoption calls, on every port: describe() and
// adopt() on sockets made with the OS's own calls (raw_sockets.hpp), and the local_name
// calls on real AF_UNIX sockets where the OS has them (not Wine 8: those skip by capability).
#include "platform.hpp"
#include "raw_sockets.hpp"
#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace pf = portsock::platform;

using portsock_test::temp_dir;

pf::local_name path_name(const std::string& path) {
    pf::local_name name;
    name.kind = pf::local_name::path;
    name.size = static_cast<std::uint8_t>(path.size());
    std::memcpy(name.text, path.data(), path.size());
    return name;
}

std::string text_of(const pf::local_name& name) { return {name.text, name.size}; }

#define REQUIRE_LOCAL_STREAM()                                                                        \
    do {                                                                                              \
        if (!pf::has_local_sockets(pf::socket_type::stream))                                          \
            GTEST_SKIP() << "this OS has no AF_UNIX stream sockets (Wine 8, Windows before 10 1803)"; \
    } while (false)

// --- describe() and adopt() on raw sockets ------------------------------------------------

void expect_kind(pf::handle h, pf::family fam, pf::socket_type type, pf::listen_state listening) {
    std::error_code ec = std::make_error_code(std::errc::io_error);
    const pf::handle_kind kind = pf::describe(h, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(kind.fam, fam);
    EXPECT_TRUE(kind.known_type);
    EXPECT_EQ(kind.type, type);
    // Every port tested here answers SO_ACCEPTCONN; a port that cannot says unknown.
    EXPECT_EQ(kind.listening, listening);
    EXPECT_TRUE(raw::is_open_socket(h)) << "describe() leaves the handle alone";
}

TEST(PlatformAdopt, DescribesRawIpSockets) {
    raw::guard listener(raw::make(raw::kind::tcp_listener));
    ASSERT_NE(listener.get(), pf::invalid_handle);
    expect_kind(listener.get(), pf::family::ipv4, pf::socket_type::stream, pf::listen_state::yes);
    raw::guard udp(raw::make(raw::kind::udp));
    ASSERT_NE(udp.get(), pf::invalid_handle);
    expect_kind(udp.get(), pf::family::ipv4, pf::socket_type::datagram, pf::listen_state::no);
    raw::guard v6(raw::make(raw::kind::tcp_unconnected));
    if (v6.get() == pf::invalid_handle) GTEST_SKIP() << "no IPv6 sockets here";
    expect_kind(v6.get(), pf::family::ipv6, pf::socket_type::stream, pf::listen_state::no);
}

TEST(PlatformAdopt, DescribesRawLocalSockets) {
    REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    raw::guard listener(raw::make(raw::kind::local_listener, dir.file("raw.sock")));
    ASSERT_NE(listener.get(), pf::invalid_handle);
    expect_kind(listener.get(), pf::family::local, pf::socket_type::stream, pf::listen_state::yes);
    raw::guard stream(raw::make(raw::kind::local_stream));
    expect_kind(stream.get(), pf::family::local, pf::socket_type::stream, pf::listen_state::no);
    if (!pf::has_local_sockets(pf::socket_type::datagram)) return;
    raw::guard datagram(raw::make(raw::kind::local_datagram));
    expect_kind(datagram.get(), pf::family::local, pf::socket_type::datagram, pf::listen_state::no);
}

TEST(PlatformAdopt, RefusesWhatIsNotASocket) {
    const pf::handle file = raw::not_a_socket();
    ASSERT_NE(file, pf::invalid_handle);
    std::error_code ec;
    (void)pf::describe(file, ec);
    EXPECT_EQ(ec, std::errc::not_a_socket) << ec.message();
    raw::close_not_a_socket(file);
    (void)pf::describe(pf::invalid_handle, ec);
    EXPECT_EQ(ec, std::errc::bad_file_descriptor) << ec.message();
}

TEST(PlatformAdopt, AdoptedRawSocketsWorkAndCloseThroughTheContract) {
    raw::guard listener(raw::make(raw::kind::tcp_listener));
    ASSERT_NE(listener.get(), pf::invalid_handle);
    std::error_code ec;
    pf::adopt(listener.get(), ec);
    ASSERT_FALSE(ec) << ec.message();
    const pf::address at = pf::local_address(listener.get(), ec);
    ASSERT_FALSE(ec);
    const pf::handle client = pf::open(pf::family::ipv4, pf::socket_type::stream, ec);
    pf::connect(client, at, ec);
    ASSERT_FALSE(ec) << ec.message();
    const pf::handle accepted = pf::accept(listener.get(), nullptr, ec);
    ASSERT_FALSE(ec) << ec.message();
    for (const pf::handle h : {client, accepted, listener.release()}) {
        pf::close(h, ec);
        EXPECT_FALSE(ec) << ec.message();
    }
    // On Windows each adopted handle held its own Winsock reference: closing them all
    // leaves the program's own start-up in place, so its raw calls still work.
    raw::guard after(raw::make(raw::kind::udp));
    EXPECT_NE(after.get(), pf::invalid_handle);
}

// --- local names --------------------------------------------------------------------------

TEST(PlatformLocal, PathLimitIsSunPathLessItsTerminator) {
    const std::size_t limit = pf::local_path_max();
    EXPECT_TRUE(limit == 107 || limit == 103) << limit;
    EXPECT_LE(limit, pf::local_name_capacity - 1);
    const std::size_t abstract = pf::local_abstract_max();
    EXPECT_TRUE(abstract == 0 || abstract == limit) << abstract;
}

TEST(PlatformLocal, BindConnectAndNames) {
    REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const pf::local_name at = path_name(dir.file("c.sock"));
    std::error_code ec;
    const pf::handle listener = pf::open(pf::family::local, pf::socket_type::stream, ec);
    ASSERT_FALSE(ec) << ec.message();
    raw::guard listener_guard(listener);
    pf::bind(listener, at, ec);
    ASSERT_FALSE(ec) << ec.message();
    pf::listen(listener, 4, ec);
    ASSERT_FALSE(ec);
    const pf::local_name bound = pf::local_name_of(listener, ec);
    ASSERT_FALSE(ec);
    EXPECT_EQ(bound.kind, pf::local_name::path);
    EXPECT_EQ(text_of(bound), text_of(at));

    const pf::handle client = pf::open(pf::family::local, pf::socket_type::stream, ec);
    raw::guard client_guard(client);
    pf::connect(client, at, ec);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(text_of(pf::peer_local_name_of(client, ec)), text_of(at));
    EXPECT_EQ(pf::local_name_of(client, ec).kind, pf::local_name::unnamed);
    raw::guard accepted(pf::accept(listener, nullptr, ec));
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(pf::send(client, "abc", 3, ec), 3u);
    char buffer[4];
    EXPECT_EQ(pf::receive(accepted.get(), buffer, sizeof buffer, ec), 3u);

    EXPECT_EQ(pf::local_file_kind(at, ec), pf::file_kind::socket);
    EXPECT_FALSE(ec);
}

TEST(PlatformLocal, OverlongAndUnnamedNamesAreRefused) {
    std::error_code ec;
    const pf::handle h = pf::open(pf::family::local, pf::socket_type::stream, ec);
    if (ec) GTEST_SKIP() << "no AF_UNIX here: " << ec.message();
    raw::guard guard(h);
    pf::local_name too_long = path_name(std::string(pf::local_path_max(), 'x'));
    too_long.size = static_cast<std::uint8_t>(pf::local_path_max() + 1);
    pf::bind(h, too_long, ec);
    EXPECT_EQ(ec, std::errc::filename_too_long);
    pf::connect(h, pf::local_name{}, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST(PlatformLocal, FileKindsAndRemoval) {
    temp_dir dir;
    std::error_code ec = std::make_error_code(std::errc::io_error);
    EXPECT_EQ(pf::local_file_kind(path_name(dir.file("none")), ec), pf::file_kind::none);
    EXPECT_FALSE(ec) << "absence is an answer, not an error";
    std::ofstream(dir.file("plain")) << "x";
    EXPECT_EQ(pf::local_file_kind(path_name(dir.file("plain")), ec), pf::file_kind::other);
    pf::remove_local_file(path_name(dir.file("plain")), ec);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_FALSE(std::filesystem::exists(dir.file("plain")));
    pf::remove_local_file(path_name(dir.file("plain")), ec);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << ec.message();
    (void)pf::local_file_kind(pf::local_name{}, ec);
    EXPECT_EQ(ec, std::errc::invalid_argument);
}

TEST(PlatformLocal, PeerCredentialsOrNotSupported) {
    REQUIRE_LOCAL_STREAM();
    temp_dir dir;
    const pf::local_name at = path_name(dir.file("p.sock"));
    std::error_code ec;
    raw::guard listener(pf::open(pf::family::local, pf::socket_type::stream, ec));
    pf::bind(listener.get(), at, ec);
    pf::listen(listener.get(), 4, ec);
    raw::guard client(pf::open(pf::family::local, pf::socket_type::stream, ec));
    pf::connect(client.get(), at, ec);
    ASSERT_FALSE(ec) << ec.message();
    const pf::credentials found = pf::peer_credentials(client.get(), ec);
    if (!pf::has_peer_credentials()) {
        EXPECT_EQ(ec, std::errc::operation_not_supported);
        return;
    }
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_NE(found.process_id, 0);
}

}  // namespace
