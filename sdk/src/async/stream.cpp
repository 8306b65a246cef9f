// portsock::async streams: what the templates share.
#include <portsock/async/stream.hpp>

namespace portsock::async::detail {

void make_non_blocking(basic_socket& socket) { socket.set_non_blocking(true); }

}  // namespace portsock::async::detail
