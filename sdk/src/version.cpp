// The version of the library linked in.
#include <portsock/version.hpp>

const char* portsock::version() noexcept { return PORTSOCK_VERSION_STRING; }
