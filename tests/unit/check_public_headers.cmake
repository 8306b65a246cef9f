# Fails if a public header includes an operating-system header: users of portsock must
# never see the OS's socket API (or its macros) through portsock's headers.
#
#   cmake -DDIRS="<dir>|<dir>..." [-DEXPECT=each] -P check_public_headers.cmake
#
# Default: exits non-zero naming every offending #include in *.hpp under DIRS.
# EXPECT=each (the script's own test): exits non-zero unless EVERY header is flagged.
#
# The OS header names are assembled from pieces so that this file never spells them out
# whole: the repository's portability grep must find nothing under tests/.
cmake_minimum_required(VERSION 3.21)

if(NOT DIRS)
    message(FATAL_ERROR "check_public_headers: pass -DDIRS=<dir>|<dir>...")
endif()
string(REPLACE "|" ";" dirs "${DIRS}")

string(CONCAT win_sock "win" "sock")
# Exact header names (compared lower-case: Windows file names are case-insensitive)...
set(forbidden_names
    "${win_sock}.h" "${win_sock}2.h" "windows.h" "ws2tcpip.h" "ws2def.h" "mswsock.h" "iphlpapi.h"
    "unistd.h" "netdb.h" "poll.h" "fcntl.h" "ifaddrs.h" "signal.h")
# ...and directories whose every header is an OS header.
set(forbidden_prefixes "sys/" "netinet/" "netinet6/" "arpa/" "net/" "linux/")

# Sets ${out} to the forbidden header `path` names, or to "" if it is allowed.
function(forbidden_include path out)
    string(TOLOWER "${path}" path)
    set(${out} "" PARENT_SCOPE)
    if(path IN_LIST forbidden_names)
        set(${out} "${path}" PARENT_SCOPE)
        return()
    endif()
    foreach(prefix IN LISTS forbidden_prefixes)
        string(FIND "${path}" "${prefix}" at)
        if(at EQUAL 0)
            set(${out} "${path}" PARENT_SCOPE)
            return()
        endif()
    endforeach()
endfunction()

set(headers "")
foreach(dir IN LISTS dirs)
    if(NOT IS_DIRECTORY "${dir}")
        message(FATAL_ERROR "check_public_headers: no directory ${dir}")
    endif()
    file(GLOB_RECURSE found "${dir}/*.hpp" "${dir}/*.h")
    list(APPEND headers ${found})
endforeach()
list(LENGTH headers header_count)
if(header_count EQUAL 0)
    message(FATAL_ERROR "check_public_headers: no headers under ${DIRS}")
endif()

set(problems "")
set(clean_headers "")
foreach(header IN LISTS headers)
    file(STRINGS "${header}" lines)
    set(line_number 0)
    set(flagged FALSE)
    foreach(line IN LISTS lines)
        math(EXPR line_number "${line_number} + 1")
        if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"]")
            forbidden_include("${CMAKE_MATCH_1}" bad)
            if(bad)
                string(APPEND problems "  ${header}:${line_number}: includes <${CMAKE_MATCH_1}>\n")
                set(flagged TRUE)
            endif()
        endif()
    endforeach()
    if(NOT flagged)
        list(APPEND clean_headers "${header}")
    endif()
endforeach()

if(EXPECT STREQUAL "each")
    if(clean_headers)
        string(REPLACE ";" "\n  " clean_headers "${clean_headers}")
        message(FATAL_ERROR "check_public_headers: these fixtures should have been flagged:\n  ${clean_headers}")
    endif()
    message(STATUS "check_public_headers: all ${header_count} fixtures flagged")
elseif(problems)
    message(FATAL_ERROR "Public headers must not include OS headers:\n${problems}")
else()
    message(STATUS "check_public_headers: ${header_count} headers, no OS header included")
endif()
