/// @file
/// portsock::async: C++20 coroutines over portsock's poller and non-blocking sockets
/// (the optional component `async`, target portsock::async): the event loop and tasks, TCP
/// and local streams, serve() (the accept loop), the reader and datagrams. TLS, which
/// needs OpenSSL, is apart: `<portsock/async/tls.hpp>`. See @ref async "the async guide".
///
/// It brings the core types its calls take (tcp_listener, local_listener, endpoint,
/// timeout, poller, parse_port() and the errors), so a program that needs only those
/// includes it alone; `<portsock/portsock.hpp>` brings the rest of the core (network
/// interfaces, multicast, options) and costs more compile time.
#pragma once

#include <portsock/async/datagram.hpp>
#include <portsock/async/event_loop.hpp>
#include <portsock/async/reader.hpp>
#include <portsock/async/serve.hpp>
#include <portsock/async/stream.hpp>
#include <portsock/async/task.hpp>
#include <portsock/async/task_group.hpp>
