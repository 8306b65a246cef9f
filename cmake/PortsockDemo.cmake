# The `welcome_demo` target: builds the welcome server and client and runs the tutorial's
# conversation on port 12345, so a new user sees it work in one command
# (`cmake --workflow --preset demo`).
find_program(PORTSOCK_BASH bash)
if(CMAKE_CROSSCOMPILING OR NOT PORTSOCK_BASH)
    return()  # run the .exe samples by hand on Windows: server first, then client
endif()

add_custom_target(welcome_demo
    COMMAND "${PORTSOCK_BASH}" "${PROJECT_SOURCE_DIR}/cmake/run_sample_pair.sh" --kind welcome --port 12345
        --server "$<TARGET_FILE:tcp_welcome_server>" --client "$<TARGET_FILE:tcp_welcome_client>"
    DEPENDS tcp_welcome_server tcp_welcome_client
    USES_TERMINAL
    COMMENT "Running the welcome server and client on port 12345")
