// Throwing std::system_error with messages that name the operation and the bad input.
#include "internal.hpp"

#include <string>
#include <system_error>

namespace portsock::detail {

void throw_error(const std::error_code& ec, const char* what) { throw std::system_error(ec, what); }

void throw_error(const std::error_code& ec, const char* what, std::string_view input) {
    std::string context = what;
    context += " '";
    context += input;
    context += '\'';
    throw std::system_error(ec, context);
}

}  // namespace portsock::detail
