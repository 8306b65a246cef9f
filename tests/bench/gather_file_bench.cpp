// Gather writes and file sending, each against what a user writes without them.
//
//   Response/<way>  a peer asks (1 byte); the server answers a 200-byte header plus a
//                   64 KiB body: as one gather write, as two sends, or concatenated into
//                   one string (its capacity kept, so only the copy is counted) and sent.
//                   Responses per second.
//   File/<way>      a 100 MiB file to a draining peer: tcp_stream::send_file() against a
//                   loop of std::fread() into 64 KiB and send_all(). Bytes per second.
//
// Run with tests/bench/run_gather_file_bench.sh, which interleaves repetitions and prints
// medians and ratios. Only the public API is used.
#include <portsock/portsock.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t header_size = 200;
constexpr std::size_t body_size = 64 * 1024;
constexpr std::uint64_t file_size = 100 * 1024 * 1024;

struct connection_pair {
    portsock::tcp_stream client;
    portsock::tcp_stream server;
};

connection_pair connect_pair() {
    portsock::tcp_listener listener{portsock::endpoint{"127.0.0.1", 0}};
    connection_pair pair;
    pair.client = portsock::tcp_stream::connect(listener.local_endpoint());
    pair.server = listener.accept().stream;
    pair.client.set_no_delay(true);  // as HTTP servers do: no Nagle delay on a second send
    pair.server.set_no_delay(true);
    return pair;
}

enum class way { gather, two_sends, concatenate };

template <way how>
void response(benchmark::State& state) {
    auto sockets = connect_pair();
    const std::string header(header_size, 'h');
    const std::string body(body_size, 'b');
    std::thread server([&] {
        std::string joined;
        joined.reserve(header_size + body_size);
        const portsock::const_buffer parts[] = {header, body};
        char request = 0;
        std::error_code ec;
        while (sockets.server.receive(&request, 1, ec) == 1) {
            if constexpr (how == way::gather) {
                sockets.server.send_all(parts, 2, ec);
            } else if constexpr (how == way::two_sends) {
                sockets.server.send_all(header, ec);
                sockets.server.send_all(body, ec);
            } else {
                joined.assign(header);
                joined.append(body);
                sockets.server.send_all(joined, ec);
            }
            if (ec) break;
        }
    });
    std::vector<char> reply(header_size + body_size);
    for (auto _ : state) {
        std::error_code ec;
        sockets.client.send_all("?", ec);
        sockets.client.receive_exact(reply.data(), reply.size(), ec);
        if (ec) {
            state.SkipWithError("response connection failed");
            break;
        }
    }
    sockets.client.shutdown(portsock::shutdown_type::send);
    server.join();
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

/// The 100 MiB file, written once for the whole run and removed at exit.
class bench_file {
public:
    bench_file() : path_(std::filesystem::temp_directory_path() / "portsock_bench_100MiB.bin") {
        std::FILE* f = std::fopen(path_.string().c_str(), "wb");
        const std::vector<char> piece(1024 * 1024, 'f');
        for (std::uint64_t written = 0; f && written < file_size; written += piece.size())
            std::fwrite(piece.data(), 1, piece.size(), f);
        if (f) std::fclose(f);
    }
    ~bench_file() {
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    bench_file(const bench_file&) = delete;
    bench_file& operator=(const bench_file&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

const std::filesystem::path& big_file() {
    static const bench_file file;
    return file.path();
}

std::uint64_t read_and_send(portsock::tcp_stream& stream, const std::filesystem::path& path) {
    std::FILE* f = std::fopen(path.string().c_str(), "rb");
    if (!f) return 0;
    std::vector<char> piece(64 * 1024);
    std::uint64_t sent = 0;
    std::error_code ec;
    for (std::size_t n; !ec && (n = std::fread(piece.data(), 1, piece.size(), f)) > 0;)
        sent += stream.send_all(piece.data(), n, ec);
    std::fclose(f);
    return sent;
}

template <bool use_send_file>
void file(benchmark::State& state) {
    const auto& path = big_file();
    auto sockets = connect_pair();
    std::thread sink([&] {
        std::vector<char> buffer(256 * 1024);
        std::error_code ec;
        while (sockets.server.receive(buffer.data(), buffer.size(), ec) > 0) {
        }
    });
    for (auto _ : state) {
        std::error_code ec;
        const std::uint64_t sent =
            use_send_file ? sockets.client.send_file(path, 0, portsock::tcp_stream::to_end_of_file, ec)
                          : read_and_send(sockets.client, path);
        if (ec || sent != file_size) {
            state.SkipWithError("file send failed");
            break;
        }
    }
    sockets.client.shutdown(portsock::shutdown_type::send);
    sink.join();
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(file_size));
}

BENCHMARK_TEMPLATE(response, way::gather)->Name("Response/gather")->UseRealTime();
BENCHMARK_TEMPLATE(response, way::two_sends)->Name("Response/two_sends")->UseRealTime();
BENCHMARK_TEMPLATE(response, way::concatenate)->Name("Response/concatenate")->UseRealTime();
BENCHMARK_TEMPLATE(file, true)->Name("File/send_file")->UseRealTime();
BENCHMARK_TEMPLATE(file, false)->Name("File/read_and_send")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
