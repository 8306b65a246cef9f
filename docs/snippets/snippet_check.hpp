// The snippet programs' one assertion helper: each snippet runs as a test, so what the
// guides show is checked, not just compiled.
#pragma once

#include <cstdlib>
#include <iostream>

namespace snippet {

inline int failures = 0;

/// Records a failed expectation; the program exits non-zero at the end (see exit_code()).
inline void check(bool ok, const char* what) {
    if (!ok) {
        std::cerr << "FAILED: " << what << '\n';
        ++failures;
    }
}

/// @return EXIT_SUCCESS if every check() held.
inline int exit_code() { return failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE; }

}  // namespace snippet
