# portsock_find_gtest(): makes GoogleTest available as the targets GTest::gtest and
# GTest::gtest_main (and GTest::gmock / GTest::gmock_main where GoogleTest builds them),
# for native and cross builds alike. Call it once from tests/CMakeLists.txt.
#
# In order:
#  1. Native builds: an installed GoogleTest (find_package(GTest), CONFIG then MODULE mode).
#     A cross build never takes this step: the host's libgtest is for the wrong OS.
#  2. GoogleTest sources on this machine, built with the project's compiler:
#     PORTSOCK_GTEST_SOURCE_DIR, by default Debian's /usr/src/googletest (package
#     `googletest`). This is what the mingw-w64 cross build uses, with no network.
#  3. FetchContent of a pinned release (needs the network), e.g. on a Windows CI runner.
#
# Windows: the tests link the DLL C runtime (/MD) like the library, so GoogleTest must too
# (gtest_force_shared_crt). It is never installed with portsock (INSTALL_GTEST OFF).

set(PORTSOCK_GTEST_SOURCE_DIR "/usr/src/googletest" CACHE PATH
    "GoogleTest sources to build when no installed GoogleTest fits (Debian: googletest)")
set(PORTSOCK_GTEST_URL
    "https://github.com/google/googletest/archive/refs/tags/release-1.12.1.tar.gz"
    CACHE STRING "GoogleTest release to download as a last resort")
set(PORTSOCK_GTEST_URL_HASH
    "SHA256=81964fe578e9bd7c94dfdb09c8e4d6e6759e19967e397dbea48d1c10e45d0df2"
    CACHE STRING "Hash of PORTSOCK_GTEST_URL")

macro(portsock_find_gtest)
    if(NOT TARGET GTest::gtest OR NOT TARGET GTest::gtest_main)
        set(_portsock_gtest_from "")

        # 1. An installed GoogleTest, for the host we run on.
        if(NOT CMAKE_CROSSCOMPILING)
            find_package(GTest CONFIG QUIET)
            if(NOT GTest_FOUND)
                find_package(GTest MODULE QUIET)
            endif()
            if(GTest_FOUND AND TARGET GTest::gtest AND TARGET GTest::gtest_main)
                set(_portsock_gtest_from "installed package")
            endif()
        endif()

        # Options GoogleTest reads, as normal variables: CMP0077 makes its option() calls
        # honour them (its own cmake_minimum_required predates that policy).
        if(NOT _portsock_gtest_from)
            set(CMAKE_POLICY_DEFAULT_CMP0077 NEW)
            set(gtest_force_shared_crt ON)
            set(INSTALL_GTEST OFF)
            set(INSTALL_GMOCK OFF)
            set(BUILD_GMOCK ON)
            # GoogleTest must build as a static library whatever the project's choice.
            set(_portsock_gtest_saved_shared "${BUILD_SHARED_LIBS}")
            set(BUILD_SHARED_LIBS OFF)
        endif()

        # 2. Sources on this machine.
        if(NOT _portsock_gtest_from AND EXISTS "${PORTSOCK_GTEST_SOURCE_DIR}/CMakeLists.txt")
            add_subdirectory("${PORTSOCK_GTEST_SOURCE_DIR}" "${PROJECT_BINARY_DIR}/_deps/googletest-build"
                             EXCLUDE_FROM_ALL)
            set(_portsock_gtest_from "sources in ${PORTSOCK_GTEST_SOURCE_DIR}")
        endif()

        # 3. A pinned release from the network.
        if(NOT _portsock_gtest_from)
            include(FetchContent)
            FetchContent_Declare(googletest
                URL "${PORTSOCK_GTEST_URL}"
                URL_HASH "${PORTSOCK_GTEST_URL_HASH}"
                DOWNLOAD_EXTRACT_TIMESTAMP ON)
            FetchContent_MakeAvailable(googletest)
            set(_portsock_gtest_from "download of ${PORTSOCK_GTEST_URL}")
        endif()

        if(DEFINED _portsock_gtest_saved_shared)
            set(BUILD_SHARED_LIBS "${_portsock_gtest_saved_shared}")
            unset(_portsock_gtest_saved_shared)
        endif()

        # GoogleTest 1.11+ defines these aliases itself; older trees only the plain names.
        foreach(_portsock_gtest_lib gtest gtest_main gmock gmock_main)
            if(NOT TARGET GTest::${_portsock_gtest_lib} AND TARGET ${_portsock_gtest_lib})
                add_library(GTest::${_portsock_gtest_lib} ALIAS ${_portsock_gtest_lib})
            endif()
        endforeach()
        unset(_portsock_gtest_lib)

        if(NOT TARGET GTest::gtest OR NOT TARGET GTest::gtest_main)
            message(FATAL_ERROR "portsock: GoogleTest not found (tried: installed package, "
                                "${PORTSOCK_GTEST_SOURCE_DIR}, ${PORTSOCK_GTEST_URL})")
        endif()
        message(STATUS "portsock: GoogleTest from ${_portsock_gtest_from}")
        unset(_portsock_gtest_from)
    endif()
endmacro()

# portsock_add_skipped_test(<name> <reason>)
#
# Registers <name> where its real form cannot run on this build (another OS, a cross build
# under an emulator), as a test that prints "SKIP: <reason>" and is reported skipped. So
# every build registers the same tests, and each skip names its cause (the Wine leg of
# .ci/run compares the counts and lists the reasons).
function(portsock_add_skipped_test name reason)
    add_test(NAME ${name} COMMAND "${CMAKE_COMMAND}" -E echo "SKIP: ${reason}")
    set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "SKIP: ")
endfunction()
