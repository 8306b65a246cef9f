/// @file
/// The whole portsock API in one include.
#pragma once

/// @namespace portsock
/// @brief Everything portsock offers: addresses and endpoints, name resolution, TCP, UDP
/// and local (Unix-domain) sockets, timeouts and error codes.
///
/// One include brings it all: `#include <portsock/portsock.hpp>`. Start with
/// tcp_stream, tcp_listener and udp_socket, or with the @ref tutorial.

#include <portsock/address.hpp>
#include <portsock/capabilities.hpp>
#include <portsock/config.hpp>
#include <portsock/error.hpp>
#include <portsock/ip_socket.hpp>
#include <portsock/local.hpp>
#include <portsock/network_interface.hpp>
#include <portsock/poller.hpp>
#include <portsock/reader.hpp>
#include <portsock/resolve.hpp>
#include <portsock/socket.hpp>
#include <portsock/tcp.hpp>
#include <portsock/timeout.hpp>
#include <portsock/udp.hpp>
#include <portsock/version.hpp>
