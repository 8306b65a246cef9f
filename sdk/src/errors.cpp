// Throwing std::system_error with messages that name the operation and the bad input.
#include "internal.hpp"
#include "text.hpp"

#include <string>
#include <system_error>

namespace portsock {

transfer_error::transfer_error(std::error_code ec, const std::string& what, std::size_t bytes_transferred)
    : std::system_error(ec, what), bytes_transferred_(bytes_transferred) {}

transfer_error::~transfer_error() = default;

std::error_code make_socket_error(std::errc condition) noexcept { return platform::make_error(condition); }

namespace detail {

void throw_error(const std::error_code& ec, const char* what) { throw std::system_error(ec, what); }

void throw_error(const std::error_code& ec, const std::string& context) {
    throw std::system_error(ec, context);
}

void throw_error(const std::error_code& ec, const char* what, std::string_view input) {
    throw std::system_error(ec, std::string(what) + ' ' + quote(input));
}

std::string timed_context(std::string context, timeout limit, const std::error_code& ec) {
    if (ec == std::errc::timed_out && !limit.is_infinite())
        context += " (waited " + std::to_string(limit.milliseconds()) + " ms)";
    return context;
}

}  // namespace detail
}  // namespace portsock
