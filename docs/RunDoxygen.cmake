# Runs Doxygen for the `docs` target (cmake -P), from a clean HTML directory so that no
# page of an older run survives, then prints every warning and fails if there was one.
# Then, with Python, it unwraps the links Doxygen puts on names in code that are not
# portsock's (docs/code_links.py: a local `server` is no link to tls_role::server).
#   -DDOXYGEN=... -DDOXYFILE=... -DHTML_DIR=... -DWARNINGS_LOG=... -DWARNINGS_AS_ERRORS=ON|OFF -DSTAMP=...
#   [-DPYTHON=... -DCODE_LINKS=<docs/code_links.py>]
cmake_minimum_required(VERSION 3.21)

file(REMOVE_RECURSE "${HTML_DIR}")
file(REMOVE "${WARNINGS_LOG}" "${STAMP}")
execute_process(COMMAND "${DOXYGEN}" "${DOXYFILE}" RESULT_VARIABLE result)

set(lines "")
if(EXISTS "${WARNINGS_LOG}")
    file(STRINGS "${WARNINGS_LOG}" lines)
endif()
foreach(line IN LISTS lines)
    message("${line}")
endforeach()
set(warnings ${lines})
list(FILTER warnings INCLUDE REGEX ": (warning|error): ")
list(LENGTH warnings count)

if(count GREATER 0 AND WARNINGS_AS_ERRORS)
    message(FATAL_ERROR "portsock docs: ${count} Doxygen warning(s) (see above and ${WARNINGS_LOG}); "
        "document every public symbol, parameter and return value, and fix broken \\ref or \\snippet commands")
elseif(NOT result EQUAL 0)
    message(FATAL_ERROR "portsock docs: Doxygen failed (${result})")
endif()
if(PYTHON)
    execute_process(COMMAND "${PYTHON}" "${CODE_LINKS}" --fix "${HTML_DIR}" RESULT_VARIABLE fixed)
    if(NOT fixed EQUAL 0)
        message(FATAL_ERROR "portsock docs: ${CODE_LINKS} --fix failed (${fixed})")
    endif()
endif()
message(STATUS "portsock docs: ${count} Doxygen warning(s); HTML in ${HTML_DIR}/index.html")
file(TOUCH "${STAMP}")
