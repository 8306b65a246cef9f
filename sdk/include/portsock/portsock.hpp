/// @file
/// The whole portsock API in one include.
#pragma once

#include <portsock/address.hpp>
#include <portsock/capabilities.hpp>
#include <portsock/config.hpp>
#include <portsock/error.hpp>
#include <portsock/resolve.hpp>
#include <portsock/socket.hpp>
#include <portsock/tcp.hpp>
#include <portsock/timeout.hpp>
#include <portsock/udp.hpp>
#include <portsock/version.hpp>
