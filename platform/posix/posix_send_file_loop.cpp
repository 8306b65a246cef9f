// POSIX port without a sendfile portsock knows (and the posix-generic build): send_file()
// refuses every file, and the SDK reads and sends it.
#include "platform.hpp"

namespace portsock::platform {

std::size_t send_file(handle, file, std::uint64_t, std::uint64_t, bool, std::error_code& ec) noexcept {
    ec = make_error(std::errc::operation_not_supported);
    return 0;
}

const char* send_file_method() noexcept { return "read-and-send"; }

}  // namespace portsock::platform
