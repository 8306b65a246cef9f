// Run-time capability queries.
#include "internal.hpp"

#include <portsock/capabilities.hpp>

namespace portsock {

bool has_ipv6_loopback() noexcept { return platform::has_ipv6_loopback(); }

bool has_udp_segmentation_offload() noexcept { return platform::has_udp_segmentation_offload(); }

const char* platform_name() noexcept { return platform::port_name(); }

const char* send_file_method() noexcept { return platform::send_file_method(); }

}  // namespace portsock
