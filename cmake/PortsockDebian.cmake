# What Debian asks of every binary package (lintian reports 0 errors on each .deb):
#
#   /usr/share/doc/<package>/copyright           the license, machine-readable (DEP-5)
#   /usr/share/doc/<package>/changelog.Debian.gz  gzip -9n, a Debian changelog entry
#   an ldconfig trigger (DEBIAN/triggers)         in every package that ships a shared library
#
# The rules are generic: portsock_debian_package_files() gives these to every component in
# CPACK_COMPONENTS_ALL, by the package name in CPACK_DEBIAN_<COMPONENT>_PACKAGE_NAME, and the
# trigger to each whose CPACK_DEBIAN_<COMPONENT>_PACKAGE_SECTION is `libs` (a shared library
# package). A new component (async, say) needs nothing more than those two variables.
# The multiarch library directory (lib/<triplet>) is chosen in the top-level CMakeLists.txt
# (PORTSOCK_DEBIAN_LAYOUT, on in the `package` preset). Included from PortsockPackaging.cmake.

# copyright: DEP-5, with the full license text (MIT is not in /usr/share/common-licenses).
function(_portsock_debian_copyright out)
    file(READ "${PROJECT_SOURCE_DIR}/LICENSE" license)
    string(REGEX MATCH "Copyright \\(c\\) ([^\n]+)" unused "${license}")
    set(holder "${CMAKE_MATCH_1}")
    string(FIND "${license}" "Permission is hereby granted" start)
    if(NOT holder OR start LESS 0)
        message(FATAL_ERROR "portsock: LICENSE is no longer the MIT text cmake/PortsockDebian.cmake expects")
    endif()
    string(SUBSTRING "${license}" ${start} -1 license)
    string(REGEX REPLACE "\n+$" "" license "${license}")
    string(REPLACE "\n\n" "\n.\n" license "${license}")  # a blank line is " ." in DEP-5
    string(REPLACE "\n" "\n " license "${license}")
    set(text "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n")
    string(APPEND text "Upstream-Name: ${PROJECT_NAME}\n")
    string(APPEND text "Upstream-Contact: ${CPACK_PACKAGE_CONTACT}\n")
    string(APPEND text "Source: ${PROJECT_HOMEPAGE_URL}\n\n")
    string(APPEND text "Files: *\nCopyright: ${holder}\nLicense: Expat\n\n")
    string(APPEND text "License: Expat\n ${license}\n")
    file(WRITE "${out}" "${text}")
endfunction()

# changelog.Debian.gz: one entry for this version, compressed with gzip -9n (no name or
# time in the header, so the package is reproducible).
function(_portsock_debian_changelog out gzip)
    set(entry "${CPACK_PACKAGE_NAME} (${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}) unstable; urgency=medium\n\n")
    string(APPEND entry "  * Upstream release ${PROJECT_VERSION}; the changes are in\n")
    string(APPEND entry "    /usr/share/doc/${PROJECT_NAME}/CHANGELOG.md (in portsock-doc).\n\n")
    string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)  # SOURCE_DATE_EPOCH if set
    string(APPEND entry " -- ${CPACK_PACKAGE_CONTACT}  ${date}\n")
    get_filename_component(dir "${out}" DIRECTORY)
    file(WRITE "${dir}/changelog.Debian" "${entry}")
    execute_process(COMMAND "${gzip}" -9nf "${dir}/changelog.Debian" RESULT_VARIABLE failed)
    if(failed)
        message(FATAL_ERROR "portsock: ${gzip} -9n ${dir}/changelog.Debian failed")
    endif()
endfunction()

function(portsock_debian_package_files)
    find_program(PORTSOCK_GZIP gzip)
    if(NOT PORTSOCK_GZIP)
        message(WARNING "portsock: gzip not found, the DEBs have no changelog (lintian will say so)")
    endif()
    set(dir "${PROJECT_BINARY_DIR}/debian")
    file(MAKE_DIRECTORY "${dir}")
    _portsock_debian_copyright("${dir}/copyright")
    if(PORTSOCK_GZIP)
        _portsock_debian_changelog("${dir}/changelog.Debian.gz" "${PORTSOCK_GZIP}")
    endif()
    file(WRITE "${dir}/triggers" "activate-noawait ldconfig\n")

    foreach(component IN LISTS CPACK_COMPONENTS_ALL)
        string(TOUPPER "${component}" upper)
        set(package "${CPACK_DEBIAN_${upper}_PACKAGE_NAME}")
        if(NOT package)
            message(FATAL_ERROR "portsock: component `${component}` has no CPACK_DEBIAN_${upper}_PACKAGE_NAME")
        endif()
        install(FILES "${dir}/copyright"
            DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}"
            COMPONENT ${component})
        if(PORTSOCK_GZIP)
            install(FILES "${dir}/changelog.Debian.gz"
                DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${package}"
                COMPONENT ${component})
        endif()
        if(CPACK_DEBIAN_${upper}_PACKAGE_SECTION STREQUAL "libs")
            set(CPACK_DEBIAN_${upper}_PACKAGE_CONTROL_EXTRA "${dir}/triggers" PARENT_SCOPE)
        endif()
    endforeach()
endfunction()
