# Cross-compiling for 64-bit Windows with mingw-w64 (Debian: g++-mingw-w64-x86-64-posix),
# running the built programs under Wine (Debian: wine64).
#
#   cmake --preset mingw && cmake --build --preset mingw
#   cmake/wine/wine-session.sh start build/mingw
#   ctest --preset mingw
#   cmake/wine/wine-session.sh stop build/mingw
#
# The "-posix" compilers use the winpthreads threading model, which std::thread and
# std::mutex need. Programs link statically (libgcc, libstdc++, winpthreads), so Wine and
# Windows need no mingw DLLs next to the .exe.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(PORTSOCK_MINGW_PREFIX x86_64-w64-mingw32 CACHE STRING "mingw-w64 target triplet")
find_program(CMAKE_C_COMPILER NAMES ${PORTSOCK_MINGW_PREFIX}-gcc-posix ${PORTSOCK_MINGW_PREFIX}-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${PORTSOCK_MINGW_PREFIX}-g++-posix ${PORTSOCK_MINGW_PREFIX}-g++ REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${PORTSOCK_MINGW_PREFIX}-windres windres)

set(CMAKE_FIND_ROOT_PATH /usr/${PORTSOCK_MINGW_PREFIX})
# A cross-built OpenSSL 3 (cmake/wine/build-openssl-mingw.sh prints its prefix) for the TLS
# component: -DPORTSOCK_MINGW_OPENSSL_ROOT=<prefix>. Searched as a second root.
if(PORTSOCK_MINGW_OPENSSL_ROOT)
    list(APPEND CMAKE_FIND_ROOT_PATH "${PORTSOCK_MINGW_OPENSSL_ROOT}")
    set(OPENSSL_USE_STATIC_LIBS ON)
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Static runtime: no libstdc++-6.dll / libgcc_s_seh-1.dll / libwinpthread-1.dll to ship.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++ -Wl,-Bstatic -lwinpthread -Wl,-Bdynamic")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static-libgcc -static-libstdc++")

# Run test programs (and gtest_discover_tests) under Wine, with a prefix inside the build tree.
find_program(PORTSOCK_WINE NAMES wine wine64)
if(PORTSOCK_WINE)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${CMAKE_CURRENT_LIST_DIR}/../wine/wine-run.sh")
endif()
