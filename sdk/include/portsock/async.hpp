/// @file
/// portsock::async: C++20 coroutines over portsock's poller and non-blocking sockets
/// (the optional component `async`, target portsock::async). See @ref async "the async guide".
#pragma once

#include <portsock/async/event_loop.hpp>
#include <portsock/async/stream.hpp>
#include <portsock/async/task.hpp>
#include <portsock/async/task_group.hpp>
