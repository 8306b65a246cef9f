# Prints every skipped test with the reason it gave, after `ctest` ran with a JUnit file
# (the test presets write <build>/Testing/junit.xml). ctest's own summary names a skipped
# test but not why; this is the last step of the test workflows
# (`cmake --workflow --preset dev`), so the reasons show without `ctest -V`.
#
#   cmake -DJUNIT=<build>/Testing/junit.xml -P cmake/PortsockSkipReport.cmake
#
# A reason is what the test printed: GoogleTest's line after "<file>:<line>: Skipped",
# a script's or portsock_add_skipped_test()'s "SKIP: <reason>", else its last line.
cmake_minimum_required(VERSION 3.21)

if(NOT EXISTS "${JUNIT}")
    message(STATUS "No test results in ${JUNIT}: run the tests first")
    return()
endif()
file(READ "${JUNIT}" junit)
# CMake lists split on ';', which every XML entity ends with: turn the entities into text
# first (< and > into placeholders, so the markup stays parseable), then any ';' into ','.
string(REPLACE "&lt;" "{lt}" junit "${junit}")
string(REPLACE "&gt;" "{gt}" junit "${junit}")
string(REPLACE "&quot;" "'" junit "${junit}")
string(REPLACE "&apos;" "'" junit "${junit}")
string(REPLACE "&amp;" "&" junit "${junit}")
string(REPLACE ";" "," junit "${junit}")

function(_portsock_unescape text out)
    string(REPLACE "{lt}" "<" text "${text}")
    string(REPLACE "{gt}" ">" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# The reason a skipped test gave, from its output.
function(_portsock_skip_reason output out)
    string(REPLACE "\n" ";" lines "${output}")
    set(reason "")
    set(take_next FALSE)
    set(last "")
    foreach(line IN LISTS lines)
        string(STRIP "${line}" line)
        if(line STREQUAL "")
            continue()
        endif()
        if(take_next)
            set(reason "${line}")
            break()
        endif()
        if(line MATCHES "^SKIP: (.*)$")
            set(reason "${CMAKE_MATCH_1}")
            break()
        endif()
        if(line MATCHES ": Skipped$")
            set(take_next TRUE)
        elseif(NOT line MATCHES "^\\[")
            set(last "${line}")
        endif()
    endforeach()
    if(reason STREQUAL "")
        set(reason "${last}")
    endif()
    set(${out} "${reason}" PARENT_SCOPE)
endfunction()

string(REGEX MATCHALL "<testcase name=\"[^\"]*\"[^>]*status=\"notrun\">[^<]*<skipped[^>]*/>[^<]*(<system-out>[^<]*</system-out>)?"
    skipped "${junit}")
list(LENGTH skipped count)
if(count EQUAL 0)
    message(STATUS "No test was skipped")
    return()
endif()
set(report "${count} test(s) skipped, and why:\n")
foreach(test IN LISTS skipped)
    string(REGEX MATCH "<testcase name=\"([^\"]*)\"" unused "${test}")
    set(name "${CMAKE_MATCH_1}")
    set(output "")
    if(test MATCHES "<system-out>([^<]*)</system-out>")
        set(output "${CMAKE_MATCH_1}")
    endif()
    _portsock_unescape("${output}" output)
    _portsock_skip_reason("${output}" reason)
    _portsock_unescape("${name}" name)
    string(APPEND report "  ${name}: ${reason}\n")
endforeach()
message(STATUS "${report}")
