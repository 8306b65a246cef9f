// POSIX port without a sendfile portsock knows (and the posix-generic build): send_file()
// reads and sends.
#include "platform.hpp"

namespace portsock::platform {

std::size_t send_file(handle h, file f, std::uint64_t offset, std::uint64_t count, bool /*may_block*/,
                      std::error_code& ec) noexcept {
    return send_file_by_reading(h, f, offset, count, ec);
}

const char* send_file_method() noexcept { return "read-and-send"; }

}  // namespace portsock::platform
