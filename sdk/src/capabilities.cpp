// Run-time capability queries.
#include "internal.hpp"

#include <portsock/capabilities.hpp>

namespace portsock {

bool has_ipv6_loopback() noexcept { return platform::has_ipv6_loopback(); }

bool has_udp_segmentation_offload() noexcept { return platform::has_udp_segmentation_offload(); }

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

}  // namespace portsock
