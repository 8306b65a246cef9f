// POSIX port: error categories. Socket errors are errno values, which already share
// their numbers with std::errc, so the generic category supplies the conditions.
#include "platform.hpp"

#include <portsock/error.hpp>

#include <netdb.h>

#include <cerrno>
#include <cstring>

namespace portsock {
namespace {

class posix_socket_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "portsock.socket"; }
    std::string message(int code) const override { return std::generic_category().message(code); }
    std::error_condition default_error_condition(int code) const noexcept override {
        return {code, std::generic_category()};
    }
};

}  // namespace

const std::error_category& socket_category() noexcept {
    static const posix_socket_category category;
    return category;
}

namespace platform {

std::error_code last_error() noexcept { return {errno, socket_category()}; }

std::error_code make_error(std::errc condition) noexcept {
    return {static_cast<int>(condition), socket_category()};  // errc values are errno values here
}

/// Maps a getaddrinfo() result to a portable resolve_errc, reading errno for EAI_SYSTEM.
/// Every code POSIX and glibc define has its own answer; only an unknown one is `failure`.
std::error_code resolver_error(int gai_code) noexcept {
    switch (gai_code) {
        case EAI_NONAME:
            return make_error_code(resolve_errc::host_not_found);
#ifdef EAI_NODATA
        case EAI_NODATA:
            return make_error_code(resolve_errc::host_not_found);
#endif
#ifdef EAI_ADDRFAMILY
        case EAI_ADDRFAMILY:
            return make_error_code(resolve_errc::no_address_in_family);
#endif
        case EAI_AGAIN:
            return make_error_code(resolve_errc::try_again);
        case EAI_SERVICE:
            return make_error_code(resolve_errc::service_not_found);
        case EAI_FAMILY:
            return make_error_code(resolve_errc::family_not_supported);
        case EAI_MEMORY:
            return make_error_code(resolve_errc::out_of_memory);
        case EAI_FAIL:
            return make_error_code(resolve_errc::failure);
        case EAI_BADFLAGS:
            return make_error_code(resolve_errc::bad_flags);
        case EAI_SOCKTYPE:
            return make_error_code(resolve_errc::socket_type_not_supported);
        case EAI_OVERFLOW:
            return make_error(std::errc::value_too_large);  // getnameinfo() only
#ifdef EAI_IDN_ENCODE
        case EAI_IDN_ENCODE:
            return make_error_code(errc::invalid_host);  // glibc, with AI_IDN only
#endif
#ifdef EAI_INTR
        case EAI_INTR:
            return make_error(std::errc::interrupted);  // glibc getaddrinfo_a() only
#endif
#ifdef EAI_CANCELED
        case EAI_CANCELED:
            return make_error(std::errc::operation_canceled);  // likewise
#endif
        case EAI_SYSTEM: {
            const int cause = errno;  // 0 would make a failure look like success
            return cause != 0 ? last_error() : make_error_code(resolve_errc::failure);
        }
        default:
            return make_error_code(resolve_errc::failure);
    }
}

}  // namespace platform
}  // namespace portsock
