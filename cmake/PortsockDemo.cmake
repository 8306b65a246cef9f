# The `welcome_demo` target: builds the welcome server and client and runs the tutorial's
# conversation on port 12345, so a new user sees it work in one command
# (`cmake --workflow --preset demo`).
#
# Another port, when 12345 is taken: `PORTSOCK_DEMO_PORT=23456 cmake --workflow --preset demo`
# (the environment variable is read when the demo runs, so it applies to that run and to
# `cmake --build --preset demo` alike), or `-DPORTSOCK_DEMO_PORT=23456` at configure time
# (kept in the cache, the default when the variable is not set). 0 lets the OS pick a free port.
find_program(PORTSOCK_BASH bash)
if(CMAKE_CROSSCOMPILING OR NOT PORTSOCK_BASH)
    return()  # run the .exe samples by hand on Windows: server first, then client
endif()

set(PORTSOCK_DEMO_PORT 12345 CACHE STRING
    "Port of the welcome demo (0: any free port); the environment variable of the same name overrides it")
set(demo_port "${PORTSOCK_DEMO_PORT}")
if(NOT demo_port MATCHES "^[0-9]+$" OR demo_port GREATER 65535)
    message(FATAL_ERROR "PORTSOCK_DEMO_PORT must be a port number from 0 to 65535, not '${demo_port}'")
endif()

add_custom_target(welcome_demo
    COMMAND "${PORTSOCK_BASH}" "${PROJECT_SOURCE_DIR}/cmake/run_sample_pair.sh" --kind welcome --port ${demo_port}
        --port-env PORTSOCK_DEMO_PORT
        --server "$<TARGET_FILE:tcp_welcome_server>" --client "$<TARGET_FILE:tcp_welcome_client>"
    DEPENDS tcp_welcome_server tcp_welcome_client
    USES_TERMINAL
    COMMENT "Running the welcome server and client on port \$PORTSOCK_DEMO_PORT, else ${demo_port} (PORTSOCK_DEMO_PORT=<port> cmake --workflow --preset demo)")
