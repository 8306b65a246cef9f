// send_file() where the OS has no call for it, or it is missing at run time: read a piece
// of the file at the offset, send it. Shared by every port that needs it.
#include "platform.hpp"

namespace portsock::platform {

std::size_t send_file_by_reading(handle h, file f, std::uint64_t offset, std::uint64_t count,
                                 std::error_code& ec) noexcept {
    char piece[64 * 1024];
    const auto want = static_cast<std::size_t>(count < sizeof piece ? count : sizeof piece);
    const std::size_t got = read_file(f, offset, piece, want, ec);
    if (ec || got == 0) return 0;
    // A short send leaves the rest of the piece to the next call, which reads it again at
    // its new offset: nothing is kept between calls.
    return send(h, piece, got, ec);
}

}  // namespace portsock::platform
