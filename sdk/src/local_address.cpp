// local_address: validation of paths and abstract names, and the text form.
#include "local_internal.hpp"

#include <cstring>
#include <ostream>
#include <string>

namespace portsock {
namespace {

// Every path and abstract name passes here: emptiness, NUL bytes and the OS's length limit.
local_address make_address(platform::local_name::kind_type kind, std::string_view text,
                           std::error_code& ec) noexcept {
    const bool abstract = kind == platform::local_name::abstract;
    const std::size_t limit = abstract ? platform::local_abstract_max() : platform::local_path_max();
    if (abstract && limit == 0)
        ec = platform::make_error(std::errc::operation_not_supported);
    else if (text.empty() || (!abstract && text.find('\0') != std::string_view::npos))
        ec = make_error_code(errc::invalid_argument);
    else if (text.size() > limit)
        ec = platform::make_error(std::errc::filename_too_long);
    else
        ec.clear();
    if (ec) return {};
    platform::local_name name;
    name.kind = kind;
    name.size = static_cast<std::uint8_t>(text.size());
    std::memcpy(name.text, text.data(), text.size());
    return detail::from_platform(name);
}

// The thrown form, whose message says what is wrong with the text, and the limit.
local_address make_address_or_throw(platform::local_name::kind_type kind, std::string_view text,
                                    const char* what) {
    std::error_code ec;
    local_address address = make_address(kind, text, ec);
    if (!ec) return address;
    const bool abstract = kind == platform::local_name::abstract;
    std::string message = what;
    if (ec == std::errc::filename_too_long) {
        message += abstract ? ": an abstract name of " : ": a path of ";
        message += std::to_string(text.size()) + " bytes is longer than this OS allows (" +
                   std::to_string(abstract ? local_address::max_abstract_length()
                                           : local_address::max_path_length()) +
                   " bytes)";
    } else if (ec == std::errc::operation_not_supported) {
        message += ": abstract names exist on Linux only";
    } else {
        message += text.empty() ? ": empty" : ": a path must not contain a NUL byte";
    }
    throw std::system_error(ec, message);
}

}  // namespace

platform::local_name local_address_access::to_platform(const local_address& address) noexcept {
    platform::local_name name;
    name.kind = address.is_abstract() ? platform::local_name::abstract
                : address.is_path()   ? platform::local_name::path
                                      : platform::local_name::unnamed;
    name.size = address.size_;
    std::memcpy(name.text, address.bytes_, address.size_);
    return name;
}

local_address local_address_access::from_platform(const platform::local_name& name) noexcept {
    local_address address;
    address.kind_ = name.kind == platform::local_name::abstract ? local_address::kind::abstract
                    : name.kind == platform::local_name::path   ? local_address::kind::path
                                                                : local_address::kind::unnamed;
    address.size_ = name.size;
    std::memcpy(address.bytes_, name.text, name.size);
    return address;
}

local_address::local_address(std::string_view path)
    : local_address(make_address_or_throw(platform::local_name::path, path, "portsock::local_address")) {}

local_address local_address_view::get(std::error_code& ec) const noexcept {
    if (address_ == nullptr) return local_address::from_path(path_, ec);
    ec.clear();
    return *address_;
}

local_address local_address::from_path(std::string_view path, std::error_code& ec) noexcept {
    return make_address(platform::local_name::path, path, ec);
}

local_address local_address::abstract(std::string_view name) {
    return make_address_or_throw(platform::local_name::abstract, name, "portsock::local_address::abstract");
}

local_address local_address::abstract(std::string_view name, std::error_code& ec) noexcept {
    return make_address(platform::local_name::abstract, name, ec);
}

std::size_t local_address::max_path_length() noexcept { return platform::local_path_max(); }

std::size_t local_address::max_abstract_length() noexcept { return platform::local_abstract_max(); }

std::string local_address::to_string() const {
    if (is_unnamed()) return "(unnamed)";
    std::string text(name());
    if (is_abstract()) {
        for (char& c : text)
            if (c == '\0') c = '@';
        text.insert(text.begin(), '@');
    }
    return text;
}

std::ostream& operator<<(std::ostream& out, const local_address& address) {
    return out << address.to_string();
}

namespace detail {

bool check_named(const local_address& address, std::error_code& ec) noexcept {
    if (!address.is_unnamed()) return true;
    ec = make_error_code(errc::invalid_argument);
    return false;
}

local_address named_address(local_address_view given, std::error_code& ec) noexcept {
    local_address address = given.get(ec);
    if (ec || !check_named(address, ec)) return {};
    return address;
}

}  // namespace detail
}  // namespace portsock
