// The error categories that are the same on every port. No OS header here.
#include <portsock/error.hpp>

#include <string>

namespace portsock {
namespace {

class library_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "portsock"; }

    std::string message(int code) const override {
        switch (static_cast<errc>(code)) {
            case errc::not_open:
                return "not open: an empty, moved-from or closed socket, poller or TLS object";
            case errc::invalid_address:
                return "invalid IP address or endpoint";
            case errc::invalid_port:
                return "invalid port (a number from 0 to 65535; resolve() also takes a service name)";
            case errc::empty_host:
                return "host name is empty";
            case errc::end_of_stream:
                return "end of stream: the peer closed the connection";
            case errc::no_address:
                return "no address to use (an empty list, or a name that resolved to none usable)";
            case errc::invalid_argument:
                return "invalid argument";
            case errc::invalid_host:
                return "invalid host: a control byte or space, or a number that is no address";
            case errc::message_too_long:
                return "message too long: the record does not fit the reader's size limit";
        }
        return "unknown portsock error " + std::to_string(code);
    }

    std::error_condition default_error_condition(int code) const noexcept override {
        switch (static_cast<errc>(code)) {
            case errc::not_open:
                return std::errc::bad_file_descriptor;
            case errc::invalid_address:
            case errc::invalid_port:
            case errc::empty_host:
            case errc::invalid_argument:
            case errc::invalid_host:
                return std::errc::invalid_argument;
            case errc::message_too_long:
                return std::errc::message_size;
            default:
                return {code, *this};
        }
    }
};

class resolve_category final : public std::error_category {
public:
    const char* name() const noexcept override { return "portsock.resolve"; }

    std::string message(int code) const override {
        switch (static_cast<resolve_errc>(code)) {
            case resolve_errc::host_not_found:
                return "host not found";
            case resolve_errc::try_again:
                return "temporary failure in name resolution";
            case resolve_errc::service_not_found:
                return "service not found";
            case resolve_errc::family_not_supported:
                return "address family not supported";
            case resolve_errc::out_of_memory:
                return "out of memory in name resolution";
            case resolve_errc::failure:
                return "non-recoverable failure in name resolution";
            case resolve_errc::no_address_in_family:
                return "host has no address of the requested family";
            case resolve_errc::bad_flags:
                return "invalid flags for name resolution";
            case resolve_errc::socket_type_not_supported:
                return "socket type not supported by name resolution";
        }
        return "unknown resolver error " + std::to_string(code);
    }

    std::error_condition default_error_condition(int code) const noexcept override {
        switch (static_cast<resolve_errc>(code)) {
            case resolve_errc::try_again:
                return std::errc::resource_unavailable_try_again;
            case resolve_errc::family_not_supported:
                return std::errc::address_family_not_supported;
            case resolve_errc::out_of_memory:
                return std::errc::not_enough_memory;
            case resolve_errc::bad_flags:
                return std::errc::invalid_argument;
            case resolve_errc::socket_type_not_supported:
                return std::errc::not_supported;
            default:
                return {code, *this};
        }
    }
};

}  // namespace

const std::error_category& error_category() noexcept {
    static const library_category category;
    return category;
}

const std::error_category& resolver_category() noexcept {
    static const resolve_category category;
    return category;
}

}  // namespace portsock
