// Run-time capability queries.
#include "internal.hpp"

#include <portsock/capabilities.hpp>

namespace portsock {

bool has_ipv6_loopback() noexcept { return platform::has_ipv6_loopback(); }

bool has_udp_segmentation_offload() noexcept { return platform::has_udp_segmentation_offload(); }

bool has_local_stream_sockets() noexcept {
    return platform::has_local_sockets(platform::socket_type::stream);
}

bool has_local_datagram_sockets() noexcept {
    return platform::has_local_sockets(platform::socket_type::datagram);
}

bool has_abstract_local_names() noexcept { return platform::local_abstract_max() > 0; }

bool has_local_peer_credentials() noexcept { return platform::has_peer_credentials(); }

bool has_reuse_port() noexcept { return platform::has_option(platform::option::reuse_port); }

bool has_keep_alive_timing() noexcept {
    static const bool answer = platform::has_option(platform::option::keep_alive_idle) &&
                               platform::has_option(platform::option::keep_alive_interval) &&
                               platform::has_option(platform::option::keep_alive_count);
    return answer;
}

bool has_traffic_class() noexcept { return platform::has_option(platform::option::traffic_class); }

bool has_source_specific_multicast() noexcept { return platform::has_source_specific_multicast(); }

const char* platform_name() noexcept { return platform::port_name(); }

const char* send_file_method() noexcept { return platform::send_file_method(); }

}  // namespace portsock
