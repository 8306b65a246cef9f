// Internal to portsock_tls: OpenSSL types, the error encoding and the context's innards.
#pragma once

#include <portsock/tls.hpp>

#include <openssl/ssl.h>

#include <string>
#include <string_view>
#include <system_error>

namespace portsock {

namespace tls_detail {

/// What a tls_context shares with its streams: they keep it alive, since the server's ALPN
/// callback reads `alpn_wire` during their handshakes.
struct context_state {
    SSL_CTX* ctx = nullptr;
    std::string alpn_wire;  // RFC 7301 wire format: length-prefixed names
    context_state() = default;
    context_state(const context_state&) = delete;
    context_state& operator=(const context_state&) = delete;
    ~context_state() { SSL_CTX_free(ctx); }
};

/// What a failed OpenSSL call was doing: it decides the condition of its error.
enum class failure_kind : int {
    transfer = 0,           // after the handshake: protocol_error
    handshake = 1,          // during the handshake: handshake_failure, unless more precise
    load_certificate = 2,   // invalid_certificate
    load_private_key = 3,   // invalid_private_key
};

/// The first error in OpenSSL's queue as a tls_category() code (the queue is then cleared);
/// `fallback` when the queue is empty.
std::error_code take_openssl_error(failure_kind kind, tls_errc fallback) noexcept;

/// A certificate verification result (X509_V_ERR_*) as a tls_category() code.
std::error_code verify_error(long result) noexcept;

/// Throws std::system_error with `what` and, for OpenSSL errors, their reason text.
[[noreturn]] void throw_tls_error(const std::error_code& ec, const char* what);

/// The throwing form of a function, over its error_code form.
template <class Call>
auto tls_or_throw(const char* what, Call&& call) {
    std::error_code ec;
    if constexpr (std::is_void_v<decltype(call(ec))>) {
        call(ec);
        if (ec) throw_tls_error(ec, what);
    } else {
        auto result = call(ec);
        if (ec) throw_tls_error(ec, what);
        return result;
    }
}


}  // namespace tls_detail
}  // namespace portsock
