# End-to-end tests of the TLS samples against openssl s_server / s_client and Python's ssl
# (tests/tls/run_tls_samples.py). Included from tests/samples/CMakeLists.txt once the sample
# targets exist; the peers run on the host, the samples through the emulator (Wine) if any.
find_package(Python3 COMPONENTS Interpreter)
if(NOT Python3_Interpreter_FOUND OR NOT PORTSOCK_OPENSSL_CLI)
    message(WARNING "portsock: python3 or the openssl tool is missing, the TLS sample tests are NOT registered")
    return()
endif()
set(tls_cases welcome_pair server_vs_s_client server_vs_python_client server_survives_bad_clients
    silent_client_does_not_hold_the_next
    client_vs_s_server client_vs_python_server client_rejects_bad_certificates
    client_vs_plain_tcp_and_cut_streams https_get_vs_python https_get_vs_s_server)
set(tls_cert_dir "${PROJECT_BINARY_DIR}/tests/tls/tls-certs")
foreach(case IN LISTS tls_cases)
    add_test(NAME samples.tls.${case}
        COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/tests/tls/run_tls_samples.py"
            --case ${case} --certs "${tls_cert_dir}" --bin-dir "$<TARGET_FILE_DIR:tls_welcome_server>"
            --emulator "${emulator}" --exe-suffix "${CMAKE_EXECUTABLE_SUFFIX}")
    set_tests_properties(samples.tls.${case} PROPERTIES TIMEOUT 120 LABELS e2e FIXTURES_REQUIRED tls_certs)
endforeach()

# https_get against responses framed every way HTTP/1.1 allows, and broken ones: the same
# cases as async_https_get's (the script is shared; its --server is the program to run).
add_test(NAME samples.tls.https_get_framing
    COMMAND "${Python3_EXECUTABLE}" "${PROJECT_SOURCE_DIR}/tests/async/run_async_tls_samples.py"
        --case https_get_framing --certs "${tls_cert_dir}"
        --server "$<TARGET_FILE:https_get>" --emulator "${emulator}")
set_tests_properties(samples.tls.https_get_framing PROPERTIES TIMEOUT 120 LABELS e2e FIXTURES_REQUIRED tls_certs)
