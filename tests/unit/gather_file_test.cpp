// Gather writes (send/send_all of buffers, UDP datagrams from several buffers) and
// send_file(), over real sockets: every stream test runs over TCP on loopback and over a
// local (Unix-domain) stream, since both are one portsock::stream_socket. Content and
// order, short writes inside a buffer, many and empty buffers, file ranges, error paths.
#include "local_support.hpp"
#include "test_support.hpp"

#include <portsock/buffer.hpp>
#include <portsock/error.hpp>
#include <portsock/local.hpp>
#include <portsock/tcp.hpp>
#include <portsock/udp.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

namespace {

using portsock::const_buffer;
using portsock::tcp_stream;
using portsock::timeout;
using portsock::udp_socket;
using portsock_test::catch_system_error;
using portsock_test::make_tcp_pair;
using portsock_test::patience;
using namespace std::chrono_literals;

std::string pattern(std::size_t size, unsigned seed) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 31 + seed) % 251);
    return bytes;
}

/// Receives exactly `size` bytes, as a string.
template <class Stream>
std::string receive_exactly(Stream& stream, std::size_t size, portsock::timeout limit) {
    std::string bytes(size, '\0');
    stream.receive_exact(bytes.data(), size, limit);
    return bytes;
}

/// Receives everything until the peer closes, on its own thread (bounded by `patience`
/// per receive), so the sender can block on a full socket buffer.
template <class Stream>
class drain {
public:
    explicit drain(Stream& stream)
        : thread_([this, &stream] {
              char piece[64 * 1024];
              std::error_code ec;
              for (std::size_t n; (n = stream.receive(piece, sizeof piece, ec, patience)) > 0;)
                  received_.append(piece, n);
              error_ = ec;
          }) {}
    const std::string& join() {
        thread_.join();
        return received_;
    }
    std::error_code error() const { return error_; }

private:
    std::string received_;
    std::error_code error_;
    std::thread thread_;
};

// The two stream kinds every GatherWrite and SendFile test runs over.
struct tcp_kind {
    using stream = portsock::tcp_stream;
    static const char* missing() { return nullptr; }
    static portsock_test::tcp_pair make(const portsock_test::temp_dir&) { return make_tcp_pair(); }
};

struct local_kind {
    using stream = portsock::local_stream;
    static const char* missing() {
        return portsock::has_local_stream_sockets()
                   ? nullptr
                   : "this OS has no AF_UNIX stream sockets (Wine 8, Windows before 10 1803)";
    }
    static portsock_test::local_pair make(const portsock_test::temp_dir& dir) {
        static std::atomic<unsigned> count{0};
        return portsock_test::make_local_pair(dir.file("s" + std::to_string(count++)));
    }
};

template <class Kind>
class StreamTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (const char* why = Kind::missing()) GTEST_SKIP() << why;
    }
    auto make_pair() { return Kind::make(dir_); }

private:
    portsock_test::temp_dir dir_;
};

struct kind_names {
    template <class Kind>
    static std::string GetName(int) {
        return std::is_same_v<Kind, tcp_kind> ? "tcp" : "local";
    }
};
using stream_kinds = ::testing::Types<tcp_kind, local_kind>;

template <class Kind>
class GatherWrite : public StreamTest<Kind> {};
TYPED_TEST_SUITE(GatherWrite, stream_kinds, kind_names);

template <class Kind>
class SendFile : public StreamTest<Kind> {};
TYPED_TEST_SUITE(SendFile, stream_kinds, kind_names);

// --- const_buffer ---------------------------------------------------------------------

TEST(ConstBuffer, ViewsStringsContainersAndRawBytes) {
    const std::string text = "abc";
    const std::vector<std::uint16_t> numbers = {1, 2, 3};
    const std::array<char, 4> chars = {'w', 'x', 'y', 'z'};
    const const_buffer parts[] = {text, "literal", std::string_view("view"), numbers, chars, {text.data(), 2},
                                  {}};
    EXPECT_EQ(parts[0].data(), text.data());
    EXPECT_EQ(parts[0].size(), 3u);
    EXPECT_EQ(parts[1].size(), 7u) << "no terminating NUL";
    EXPECT_EQ(parts[2].size(), 4u);
    EXPECT_EQ(parts[3].size(), 6u) << "sizes are in bytes";
    EXPECT_EQ(parts[4].size(), 4u);
    EXPECT_EQ(parts[5].size(), 2u);
    EXPECT_EQ(parts[6].data(), nullptr);
    EXPECT_EQ(parts[6].size(), 0u);
}

// --- TCP gather writes ----------------------------------------------------------------

TYPED_TEST(GatherWrite, SendAllSendsHeaderAndBodyInOrder) {
    auto pair = this->make_pair();
    //! [gather_write]
    const std::string body = "<h1>hello</h1>";
    const std::string header =
        "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    const portsock::const_buffer response[] = {header, body};
    pair.server.send_all(response, 2, patience);  // one system call, no concatenation
    //! [gather_write]
    std::string received(header.size() + body.size(), '\0');
    pair.client.receive_exact(received.data(), received.size(), patience);
    EXPECT_EQ(received, header + body);
}

TYPED_TEST(GatherWrite, SendSendsSomeBytesOnceAndBothFormsAgree) {
    auto pair = this->make_pair();
    const const_buffer parts[] = {"one", "", "two"};
    EXPECT_EQ(pair.client.send(parts, 3, patience), 6u) << "small buffers go in one write";
    std::error_code ec = portsock::errc::invalid_argument;
    EXPECT_EQ(pair.client.send(parts, 3, ec, patience), 6u);
    EXPECT_FALSE(ec);
    std::string received(12, '\0');
    pair.server.receive_exact(received.data(), received.size(), patience);
    EXPECT_EQ(received, "onetwoonetwo");
}

TYPED_TEST(GatherWrite, SendAllResumesInsideABufferAfterAShortWrite) {
    // Far more than the socket buffers hold, so the writes are short and stop mid-buffer.
    auto pair = this->make_pair();
    const std::string a = pattern(3 << 20, 1), b = pattern(5, 2), c = pattern(4 << 20, 3);
    drain reader(pair.server);
    const const_buffer parts[] = {a, b, c};
    std::error_code ec;
    EXPECT_EQ(pair.client.send_all(parts, 3, ec, patience), a.size() + b.size() + c.size());
    EXPECT_FALSE(ec) << ec.message();
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_TRUE(reader.join() == a + b + c) << "every byte once, in order";
}

TYPED_TEST(GatherWrite, SendAllTakesAnyNumberOfBuffersIncludingEmptyOnes) {
    auto pair = this->make_pair();
    std::vector<std::string> words;
    std::vector<const_buffer> parts;
    std::string expected;
    for (int i = 0; i < 300; ++i) words.push_back(i % 3 == 0 ? std::string() : std::to_string(i) + ",");
    for (const std::string& w : words) {
        parts.emplace_back(w);
        expected += w;
    }
    drain reader(pair.server);
    pair.client.send_all(parts.data(), parts.size(), patience);
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_EQ(reader.join(), expected) << "more than one write's worth of buffers, in order";
}

TYPED_TEST(GatherWrite, NothingToSendIsNoError) {
    auto pair = this->make_pair();
    const const_buffer empty[] = {"", {}};
    std::error_code ec = portsock::errc::invalid_argument;
    EXPECT_EQ(pair.client.send_all(empty, 2, ec), 0u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(pair.client.send_all(static_cast<const const_buffer*>(nullptr), 0, ec), 0u);
    EXPECT_FALSE(ec);
}

TYPED_TEST(GatherWrite, AnEmptyStreamReportsNotOpen) {
    typename TypeParam::stream empty;
    const const_buffer parts[] = {"x"};
    std::error_code ec;
    EXPECT_EQ(empty.send(parts, 1, ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(empty.send_all(parts, 1, ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
    EXPECT_EQ(catch_system_error([&] { empty.send_all(parts, 1); }).code, portsock::errc::not_open);
    EXPECT_EQ(catch_system_error([&] { empty.send(parts, 1); }).code, portsock::errc::not_open);
}

TYPED_TEST(GatherWrite, ATimeoutReportsHowMuchWentAndAClosedPeerIsAnError) {
    auto pair = this->make_pair();  // the server never reads
    const std::string big = pattern(64 << 20, 4);
    const const_buffer parts[] = {big, big};
    std::error_code ec;
    const portsock_test::stopwatch clock;
    const std::size_t sent = pair.client.send_all(parts, 2, ec, 300ms);
    EXPECT_EQ(ec, std::errc::timed_out);
    portsock_test::expect_waited(clock.elapsed(), 300ms);
    EXPECT_LT(sent, 2 * big.size());
    pair.server.close();
    const std::string thrown = catch_system_error([&] {
                                   for (int i = 0; i < 100; ++i)
                                       pair.client.send_all(parts, 2, patience);  // bounded
                               }).what;
    EXPECT_NE(thrown.find("send_all"), std::string::npos) << thrown;
}

TYPED_TEST(GatherWrite, TheThrowingSendAllReportsTheBytesSentBeforeItFailed) {
    auto pair = this->make_pair();  // the server never reads
    const std::string big = pattern(32 << 20, 5);
    const const_buffer parts[] = {"header;", big, big};
    const std::size_t total = 7 + 2 * big.size();
    try {
        pair.client.send_all(parts, 3, 200ms);
        ADD_FAILURE() << "64 MiB went out to a peer that never reads";
    } catch (const portsock::transfer_error& error) {
        EXPECT_EQ(error.code(), std::errc::timed_out);
        EXPECT_GT(error.bytes_transferred(), 0u) << "the socket buffers took some";
        EXPECT_LT(error.bytes_transferred(), total);
        const std::string expected =
            "(" + std::to_string(error.bytes_transferred()) + " of " + std::to_string(total) + " bytes sent)";
        EXPECT_NE(std::string(error.what()).find(expected), std::string::npos) << error.what();
        EXPECT_NE(std::string(error.what()).find("(waited 200 ms)"), std::string::npos) << error.what();
    }
}

// Null where bytes should be is the caller's error, named before anything is sent, on
// every OS; no OS is asked to read through a null pointer.
TYPED_TEST(GatherWrite, NullBuffersAreInvalidArgumentAndSendNothing) {
    auto pair = this->make_pair();
    const const_buffer null_piece[] = {"ok", {nullptr, 5}};
    const const_buffer* no_array = nullptr;
    std::error_code ec;
    EXPECT_EQ(pair.client.send_all(no_array, 2, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(pair.client.send(no_array, 1, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(pair.client.send_all(null_piece, 2, ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(catch_system_error([&] { pair.client.send_all(null_piece, 2, patience); }).code,
              std::errc::invalid_argument);

    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    EXPECT_EQ(sender.send_to(no_array, 1, portsock_test::where(receiver), ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument);
    EXPECT_EQ(sender.send_to(null_piece, 2, portsock_test::where(receiver), ec, patience), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument);

    pair.client.send_all("end", patience);  // the stream is unharmed, and carried only this
    pair.client.shutdown(portsock::shutdown_type::send);
    char buffer[8];
    pair.server.receive_exact(buffer, 3, patience);
    EXPECT_EQ(std::string(buffer, 3), "end");
    EXPECT_EQ(pair.server.receive(buffer, sizeof buffer, patience), 0u);
    char datagram[8];
    EXPECT_EQ(receiver.receive_from(datagram, sizeof datagram, ec, 0ms).size, 0u);
    EXPECT_EQ(ec, std::errc::timed_out) << "no datagram went out";
}

// --- UDP: several buffers, one datagram -------------------------------------------------

TEST(GatherDatagram, SeveralBuffersMakeOneDatagram) {
    udp_socket receiver(portsock_test::any_port_v4());
    udp_socket sender(portsock_test::any_port_v4());
    const const_buffer parts[] = {"head|", "", "body|", "tail"};
    EXPECT_EQ(sender.send_to(parts, 4, receiver.local_endpoint(), patience), 14u);
    char data[64];
    const auto [size, from] = receiver.receive_from(data, sizeof data, patience);
    EXPECT_EQ(std::string(data, size), "head|body|tail") << "one datagram, not four";
    EXPECT_EQ(from, sender.local_endpoint());

    sender.connect(receiver.local_endpoint());
    std::error_code ec;
    EXPECT_EQ(sender.send(parts, 4, ec, patience), 14u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(receiver.receive(64, patience), "head|body|tail");
}

TEST(GatherDatagram, TooManyPiecesOrTooManyBytesAreErrorsNotSplitDatagrams) {
    udp_socket sender(portsock_test::any_port_v4());
    udp_socket receiver(portsock_test::any_port_v4());
    std::vector<const_buffer> many(65, const_buffer("x"));
    std::error_code ec;
    EXPECT_EQ(sender.send_to(many.data(), many.size(), receiver.local_endpoint(), ec), 0u);
    EXPECT_EQ(ec, portsock::errc::invalid_argument);
    EXPECT_EQ(sender.send_to(many.data(), 64, receiver.local_endpoint(), ec), 64u) << "64 is the limit";
    const std::string half(40000, 'h');
    const const_buffer oversized[] = {half, half};
    EXPECT_EQ(sender.send_to(oversized, 2, receiver.local_endpoint(), ec), 0u);
    EXPECT_EQ(ec, std::errc::message_size);
    EXPECT_EQ(catch_system_error([&] { sender.send(oversized, 2); }).code.category(),
              portsock::socket_category())
        << "unconnected: the OS's error";
    udp_socket empty;
    EXPECT_EQ(empty.send_to(oversized, 2, receiver.local_endpoint(), ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

// --- send_file ------------------------------------------------------------------------

/// A file with known content in the temporary directory, removed afterwards.
class temporary_file {
public:
    explicit temporary_file(const std::string& content) {
        static std::atomic<int> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                ("portsock_send_file_" + std::to_string(++counter) + "_" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".bin");
        std::ofstream(path_, std::ios::binary)
            .write(content.data(), static_cast<std::streamsize>(content.size()));
    }
    ~temporary_file() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

TYPED_TEST(SendFile, SendsAWholeFile) {
    const std::string content = pattern(5 << 20, 7);
    const temporary_file file(content);
    auto pair = this->make_pair();
    drain reader(pair.server);
    //! [send_file]
    const std::uint64_t sent = pair.client.send_file(file.path());  // all of it
    //! [send_file]
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_EQ(sent, content.size());
    EXPECT_TRUE(reader.join() == content);
}

TYPED_TEST(SendFile, SendsARangeAndStopsAtTheEndOfTheFile) {
    const std::string content = pattern(200000, 8);
    const temporary_file file(content);
    auto pair = this->make_pair();
    drain reader(pair.server);
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(file.path(), 1000, 70000, ec, patience), 70000u);
    EXPECT_FALSE(ec);
    EXPECT_EQ(pair.client.send_file(file.path(), 199990, 100, ec, patience), 10u)
        << "cut at the end of the file";
    EXPECT_EQ(pair.client.send_file(file.path(), 200000, 5, ec, patience), 0u) << "at the end: nothing";
    EXPECT_EQ(pair.client.send_file(file.path(), 1u << 31, TypeParam::stream::to_end_of_file, ec, patience),
              0u)
        << "past the end: nothing";
    EXPECT_FALSE(ec);
    EXPECT_EQ(pair.client.send_file(file.path(), 5, 0, ec, patience), 0u) << "a count of 0 sends nothing";
    EXPECT_FALSE(ec);
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_TRUE(reader.join() == content.substr(1000, 70000) + content.substr(199990));
    const std::string method = portsock::send_file_method();
    EXPECT_TRUE(method == "sendfile" || method == "TransmitFile" || method == "read-and-send") << method;
}

TYPED_TEST(SendFile, AnEmptyFileSendsNothing) {
    const temporary_file file("");
    auto pair = this->make_pair();
    EXPECT_EQ(pair.client.send_file(file.path(), 0, TypeParam::stream::to_end_of_file, patience), 0u);
}

// A NUL inside the path would cut it where the OS reads it, opening another file (the
// text before the NUL names a real file here): refused before anything is opened.
TYPED_TEST(SendFile, ANulInThePathIsInvalidArgumentNotAnotherFile) {
    const temporary_file file(pattern(4096, 3));
    auto pair = this->make_pair();
    const std::string real = file.path().string();
    for (const std::string& text :
         {real + std::string("\0junk", 5), real + std::string(1, '\0'),
          std::filesystem::temp_directory_path().string() + std::string(1, '\0') + real}) {
        const std::filesystem::path with_nul(text);
        std::error_code ec;
        EXPECT_EQ(pair.client.send_file(with_nul, 0, 10, ec), 0u);
        EXPECT_EQ(ec, std::errc::invalid_argument) << ec.message();
        EXPECT_EQ(catch_system_error([&] { pair.client.send_file(with_nul); }).code,
                  std::errc::invalid_argument);
    }
    pair.client.send_all("nothing else", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "nothing else") << "no byte of the file went";
}

TYPED_TEST(SendFile, AMissingFileOrADirectoryIsAClearError) {
    auto pair = this->make_pair();
    const std::filesystem::path missing =
        std::filesystem::temp_directory_path() / "portsock_no_such_file.bin";
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(missing, 0, 10, ec), 0u);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << ec.message();
    const auto thrown = catch_system_error([&] { pair.client.send_file(missing); });
    EXPECT_EQ(thrown.code, std::errc::no_such_file_or_directory);
    EXPECT_NE(thrown.what.find("portsock_no_such_file.bin"), std::string::npos)
        << "names the file: " << thrown.what;
    EXPECT_EQ(pair.client.send_file(std::filesystem::temp_directory_path(), 0, 10, ec), 0u);
    EXPECT_TRUE(ec) << "a directory is not a file to send";
    pair.client.send_all("still usable", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "still usable");
}

TYPED_TEST(SendFile, AnEmptyStreamReportsNotOpenBeforeOpeningTheFile) {
    typename TypeParam::stream empty;
    std::error_code ec;
    EXPECT_EQ(empty.send_file("/no/such/file", 0, 1, ec), 0u);
    EXPECT_EQ(ec, portsock::errc::not_open);
}

// A path type of the test's own: a native() string of wchar_t, as std::filesystem::path has
// on a port whose paths are wide. Its text reaches the library as wide text on every port.
struct wide_path {
    std::wstring text;
    const std::wstring& native() const { return text; }
};

// send_file() takes a std::filesystem::path, any type with a native() string, and text (a
// std::string, a string_view, a C string, a literal): the same file whichever names it.
TYPED_TEST(SendFile, EveryFormOfThePathNamesTheSameFile) {
    const std::string content = pattern(3000, 5);
    const temporary_file file(content);
    const std::string text = file.path().string();
    auto pair = this->make_pair();
    drain reader(pair.server);
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(file.path(), 0, 10, ec, patience), 10u);  // std::filesystem::path
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.send_file(text, 10, 10, ec, patience), 10u);  // std::string
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.send_file(std::string_view(text), 20, 10, ec, patience), 10u);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.send_file(text.c_str(), 30, 10, ec, patience), 10u);  // a C string
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.send_file(wide_path{file.path().wstring()}, 40, 10, ec, patience), 10u);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(pair.client.send_file(text, 50), content.size() - 50);  // the throwing form, to the end
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_TRUE(reader.join() == content) << "every form sent its own part, in order";
}

// Text errors exactly as a std::filesystem::path made of it: a NUL is std::errc::invalid_argument
// (nothing is opened), and an empty or missing name is std::errc::no_such_file_or_directory.
TYPED_TEST(SendFile, TextPathsFailAsPathsDoInBothForms) {
    const temporary_file file(pattern(4096, 4));
    auto pair = this->make_pair();
    const std::string with_nul = file.path().string() + std::string("\0junk", 5);
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(with_nul, 0, 10, ec), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument) << ec.message();
    EXPECT_EQ(catch_system_error([&] { pair.client.send_file(std::string_view(with_nul)); }).code,
              std::errc::invalid_argument);
    EXPECT_EQ(pair.client.send_file(std::filesystem::path(with_nul), 0, 10, ec), 0u);
    EXPECT_EQ(ec, std::errc::invalid_argument) << "as the path made of the same text";

    for (const std::string& empty : {std::string(), std::string("")}) {
        EXPECT_EQ(pair.client.send_file(empty, 0, 10, ec), 0u);
        EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << ec.message();
    }
    EXPECT_EQ(pair.client.send_file(std::filesystem::path(), 0, 10, ec), 0u);
    EXPECT_EQ(ec, std::errc::no_such_file_or_directory) << "an empty path: " << ec.message();
    EXPECT_EQ(catch_system_error([&] { pair.client.send_file(""); }).code,
              std::errc::no_such_file_or_directory);

    const auto thrown = catch_system_error([&] { pair.client.send_file("portsock_no_such_literal.bin"); });
    EXPECT_EQ(thrown.code, std::errc::no_such_file_or_directory);
    EXPECT_NE(thrown.what.find("'portsock_no_such_literal.bin'"), std::string::npos)
        << "names the file: " << thrown.what;
    pair.client.send_all("nothing else", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "nothing else") << "no byte of a file went";
}

// Wide text that the conversion to this port's path refuses (a lone UTF-16 surrogate, where
// paths are narrow) is an error code in the noexcept form, never an exception; where paths
// are wide, it is a name no file has.
TYPED_TEST(SendFile, WideTextThePathCannotHoldIsAnErrorNotAThrow) {
    auto pair = this->make_pair();
    const wide_path odd{L"portsock_\xD800_missing.bin"};
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(odd, 0, 10, ec), 0u);
    EXPECT_TRUE(ec) << "no such file can be sent";
    const auto thrown = catch_system_error([&] { pair.client.send_file(odd); });
    EXPECT_EQ(thrown.code, ec) << "the throwing form reports the same error";
}

TYPED_TEST(SendFile, ATimeoutReportsHowMuchWent) {
    const temporary_file file(pattern(64 << 20, 9));
    auto pair = this->make_pair();  // the server never reads
    std::error_code ec;
    const portsock_test::stopwatch clock;
    const std::uint64_t sent =
        pair.client.send_file(file.path(), 0, TypeParam::stream::to_end_of_file, ec, 300ms);
    EXPECT_EQ(ec, std::errc::timed_out);
    portsock_test::expect_waited(clock.elapsed(), 300ms);
    EXPECT_LT(sent, std::uint64_t{64} << 20);
}

TYPED_TEST(SendFile, TheThrowingFormReportsTheBytesSentBeforeItFailed) {
    const temporary_file file(pattern(32 << 20, 10));
    auto pair = this->make_pair();  // the server never reads
    std::uint64_t sent = 0;
    std::string what;
    try {
        pair.client.send_file(file.path(), 0, TypeParam::stream::to_end_of_file, 200ms);
        ADD_FAILURE() << "32 MiB went out to a peer that never reads";
    } catch (const portsock::transfer_error& error) {
        EXPECT_EQ(error.code(), std::errc::timed_out);
        sent = error.bytes_transferred();
        what = error.what();
    }
    EXPECT_GT(sent, 0u) << "the socket buffers took some";
    EXPECT_LT(sent, std::uint64_t{32} << 20);
    EXPECT_NE(what.find("(" + std::to_string(sent) + " bytes sent)"), std::string::npos) << what;
    EXPECT_NE(what.find("(waited 200 ms)"), std::string::npos) << what;

    // A file that cannot be opened: nothing went.
    const std::filesystem::path missing = std::filesystem::temp_directory_path() / "portsock_missing.bin";
    try {
        pair.client.send_file(missing);
        ADD_FAILURE() << "a missing file was sent";
    } catch (const portsock::transfer_error& error) {
        EXPECT_EQ(error.code(), std::errc::no_such_file_or_directory);
        EXPECT_EQ(error.bytes_transferred(), 0u);
        EXPECT_NE(std::string(error.what()).find("(0 bytes sent)"), std::string::npos) << error.what();
    }
}

TYPED_TEST(SendFile, NonBlockingModeSendsWhatFitsAndCountsItExactly) {
    // As send_all(): a call sends until the socket buffers are full, then returns that
    // count with operation_would_block (the throwing form: a transfer_error carrying it).
    const std::string content = pattern(32 << 20, 11);
    const temporary_file file(content);
    auto pair = this->make_pair();
    pair.client.set_non_blocking(true);
    std::error_code ec;
    std::uint64_t total = pair.client.send_file(file.path(), 0, TypeParam::stream::to_end_of_file, ec);
    EXPECT_EQ(ec, std::errc::operation_would_block) << ec.message();
    EXPECT_GT(total, 0u) << "the socket buffers took some";
    ASSERT_LT(total, content.size());
    try {
        total += pair.client.send_file(file.path(), total, TypeParam::stream::to_end_of_file);
        ADD_FAILURE() << "32 MiB went out to a peer that never reads";
    } catch (const portsock::transfer_error& error) {
        EXPECT_EQ(error.code(), std::errc::operation_would_block);
        total += error.bytes_transferred();
        EXPECT_NE(
            std::string(error.what()).find("(" + std::to_string(error.bytes_transferred()) + " bytes sent)"),
            std::string::npos)
            << error.what();
    }
    // The count is exact: the peer gets those bytes, in order, and no more.
    pair.client.set_non_blocking(false);
    pair.client.shutdown(portsock::shutdown_type::send);
    drain reader(pair.server);
    EXPECT_TRUE(reader.join() == content.substr(0, static_cast<std::size_t>(total)));
}

TYPED_TEST(SendFile, NonBlockingModeSendsASmallFileWholeWithNoError) {
    const std::string content = pattern(1000, 14);
    const temporary_file file(content);
    auto pair = this->make_pair();
    pair.client.set_non_blocking(true);
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(file.path(), 0, TypeParam::stream::to_end_of_file, ec), content.size());
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(receive_exactly(pair.server, content.size(), patience), content);
}

TYPED_TEST(SendFile, ADirectoryIsIsADirectoryInBothForms) {
    auto pair = this->make_pair();
    const std::filesystem::path directory = std::filesystem::temp_directory_path();
    for (const timeout limit : {timeout{}, timeout{patience}}) {
        std::error_code ec;
        EXPECT_EQ(pair.client.send_file(directory, 0, TypeParam::stream::to_end_of_file, ec, limit), 0u);
        EXPECT_EQ(ec, std::errc::is_a_directory) << ec.message();
        try {
            pair.client.send_file(directory, 0, TypeParam::stream::to_end_of_file, limit);
            ADD_FAILURE() << "a directory was sent";
        } catch (const portsock::transfer_error& error) {
            EXPECT_EQ(error.code(), std::errc::is_a_directory);
            EXPECT_EQ(error.bytes_transferred(), 0u);
        }
    }
    pair.client.send_all("still usable", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "still usable");
}

TYPED_TEST(SendFile, OffsetsAtOrPastTheEndAndHugeCountsSendNothingOrTheRest) {
    const std::string content = pattern(100000, 15);
    const temporary_file file(content);
    auto pair = this->make_pair();
    drain reader(pair.server);
    constexpr std::uint64_t all = TypeParam::stream::to_end_of_file;
    const std::uint64_t size = content.size();
    const std::uint64_t past_the_end[] = {size,
                                          size + 1,
                                          std::uint64_t{1} << 62,
                                          (std::uint64_t{1} << 63) - 1,
                                          std::uint64_t{1} << 63,
                                          (std::uint64_t{1} << 63) + 1,
                                          all - 1,
                                          all};
    // Untimed and timed: on Windows, TransmitFile and read-and-send.
    for (const timeout limit : {timeout{}, timeout{patience}}) {
        for (const std::uint64_t offset : past_the_end) {
            for (const std::uint64_t count : {std::uint64_t{1}, std::uint64_t{4096}, all}) {
                std::error_code ec;
                EXPECT_EQ(pair.client.send_file(file.path(), offset, count, ec, limit), 0u)
                    << offset << " " << count;
                EXPECT_FALSE(ec) << "offset " << offset << ", count " << count << ": " << ec.message();
                EXPECT_EQ(pair.client.send_file(file.path(), offset, count, limit), 0u)
                    << offset << " " << count;
            }
        }
        EXPECT_EQ(pair.client.send_file(file.path(), size - 10, all, limit), 10u) << "a huge count: the rest";
    }
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_TRUE(reader.join() == content.substr(content.size() - 10) + content.substr(content.size() - 10));
}

TYPED_TEST(SendFile, AProcFileWhoseSizeSaysZeroSendsWhatItHolds) {
    const std::filesystem::path status = "/proc/self/status";
    std::error_code exists_error;
    if (!std::filesystem::exists(status, exists_error))
        GTEST_SKIP() << "no /proc/self/status here (procfs is Linux's)";
    EXPECT_EQ(std::filesystem::file_size(status), 0u) << "procfs says 0 for a file with content";
    auto pair = this->make_pair();
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(status, 0, 6, ec, patience), 6u) << ec.message();
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(receive_exactly(pair.server, 6, patience), "Name:\t");
    EXPECT_EQ(pair.client.send_file(status, std::uint64_t{1} << 63, TypeParam::stream::to_end_of_file, ec),
              0u);
    EXPECT_FALSE(ec) << ec.message();
    EXPECT_EQ(
        pair.client.send_file(status, TypeParam::stream::to_end_of_file, TypeParam::stream::to_end_of_file),
        0u);
    const std::uint64_t sent = pair.client.send_file(status);  // to the end: until a read says 0
    pair.client.shutdown(portsock::shutdown_type::send);
    drain reader(pair.server);
    const std::string received = reader.join();
    EXPECT_EQ(received.size(), sent);
    EXPECT_EQ(received.rfind("Name:\t", 0), 0u) << received;
    EXPECT_NE(received.find("\nPid:\t"), std::string::npos) << received;
}

TYPED_TEST(SendFile, ACharacterDeviceIsReadAndSent) {
    const std::filesystem::path zero = "/dev/zero";
    std::error_code exists_error;
    if (std::filesystem::status(zero, exists_error).type() != std::filesystem::file_type::character)
        GTEST_SKIP() << "no /dev/zero character device here";
    auto pair = this->make_pair();
    drain reader(pair.server);
    std::error_code ec;
    EXPECT_EQ(pair.client.send_file(zero, 0, 100000, ec, patience), 100000u) << ec.message();
    EXPECT_EQ(pair.client.send_file(zero, 0, 70000), 70000u);
    pair.client.shutdown(portsock::shutdown_type::send);
    EXPECT_TRUE(reader.join() == std::string(170000, '\0'));
}

/// A FIFO made with mkfifo(1) in the temporary directory, or none where there is no such
/// tool (Windows); removed afterwards.
class temporary_fifo {
public:
    temporary_fifo()
        : path_(std::filesystem::temp_directory_path() /
                ("portsock_send_file_fifo_" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))) {
        const std::string command = "mkfifo '" + path_.string() + "' 2>/dev/null";
        std::error_code ec;
        made_ = std::system(command.c_str()) == 0 &&
                std::filesystem::status(path_, ec).type() == std::filesystem::file_type::fifo;
    }
    ~temporary_fifo() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    bool made() const { return made_; }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    bool made_ = false;
};

TYPED_TEST(SendFile, AFifoIsReadInOrderAndTakesNoOffset) {
    const temporary_fifo fifo;
    if (!fifo.made()) GTEST_SKIP() << "no mkfifo here to make a FIFO with";
    auto pair = this->make_pair();
    std::error_code ec;
    // No writer: the end of the file at once, not a wait.
    EXPECT_EQ(pair.client.send_file(fifo.path(), 0, TypeParam::stream::to_end_of_file, ec, patience), 0u);
    EXPECT_FALSE(ec) << ec.message();
    {
        // Opened for reading and writing, the FIFO has a writer at once, and holds what it
        // wrote (less than a pipe's 64 KiB) until send_file() reads it.
        std::fstream writer(fifo.path(), std::ios::in | std::ios::out | std::ios::binary);
        ASSERT_TRUE(writer.is_open());
        const std::string content = pattern(20000, 16);
        writer.write(content.data(), static_cast<std::streamsize>(content.size()));
        writer.flush();
        EXPECT_EQ(pair.client.send_file(fifo.path(), 0, 15000, ec, patience), 15000u) << ec.message();
        EXPECT_FALSE(ec) << ec.message();
        EXPECT_EQ(pair.client.send_file(fifo.path(), 0, 5000), 5000u) << "in order: the next bytes";
        EXPECT_EQ(receive_exactly(pair.server, content.size(), patience), content);

        // An offset cannot be honoured: a clear error, in both forms, and nothing is read.
        for (const std::uint64_t offset :
             {std::uint64_t{1}, std::uint64_t{1} << 63, TypeParam::stream::to_end_of_file}) {
            EXPECT_EQ(pair.client.send_file(fifo.path(), offset, 10, ec, patience), 0u);
            EXPECT_EQ(ec, std::errc::invalid_seek) << ec.message();
            const auto thrown = catch_system_error([&] { pair.client.send_file(fifo.path(), offset, 10); });
            EXPECT_EQ(thrown.code, std::errc::invalid_seek);
        }
    }
    pair.client.send_all("still usable", patience);
    EXPECT_EQ(pair.server.receive(64, patience), "still usable");
}

TYPED_TEST(SendFile, AnUntimedSendToAPeerThatWentIsAnError) {
    if (portsock_test::under_wine())
        GTEST_SKIP() << "Wine: an untimed send of 64 MiB to a closed loopback peer never fails, "
                        "with send() as with TransmitFile";
    const temporary_file file(pattern(64 << 20, 12));
    auto pair = this->make_pair();
    pair.server.close();  // the peer is gone before the first byte
    std::error_code ec;
    const std::uint64_t sent = pair.client.send_file(file.path(), 0, TypeParam::stream::to_end_of_file, ec);
    EXPECT_TRUE(ec) << "sent " << sent << " bytes to a closed peer";
    EXPECT_LT(sent, std::uint64_t{64} << 20);
}

TYPED_TEST(SendFile, CancelEndsAnUntimedSend) {
    const temporary_file file(pattern(64 << 20, 13));
    auto pair = this->make_pair();  // the server never reads: the send blocks until cancel()
    std::thread canceller([&] {
        std::this_thread::sleep_for(200ms);
        pair.client.cancel();
    });
    std::error_code ec;
    const portsock_test::stopwatch clock;
    pair.client.send_file(file.path(), 0, TypeParam::stream::to_end_of_file, ec);
    canceller.join();
    EXPECT_EQ(ec, std::errc::operation_canceled) << ec.message();
    EXPECT_LT(clock.elapsed(), patience) << "cancel() ended the blocked send_file()";
}

}  // namespace
