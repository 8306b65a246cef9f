// Internal to portsock_tls: OpenSSL types, the error encoding and the context's innards.
#pragma once

#include <portsock/tls.hpp>

#include <openssl/ssl.h>

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

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
    transfer = 0,          // after the handshake: protocol_error
    handshake = 1,         // during the handshake: handshake_failure, unless more precise
    load_certificate = 2,  // invalid_certificate
    load_private_key = 3,  // invalid_private_key
};

/// The first error in OpenSSL's queue as a tls_category() code (the queue is then cleared);
/// `fallback` when the queue is empty. If any error in the queue is the OS running out of
/// descriptors or memory (a CA file or directory that could not be opened), that is the
/// error instead, so is_resource_exhaustion() holds whatever OpenSSL reported after it.
std::error_code take_openssl_error(failure_kind kind, tls_errc fallback) noexcept;

/// Codes finer than tls_errc that portsock itself reports, each with its own message and
/// one tls_errc condition. Their values lie above every tls_errc.
enum class detail_code : int {
    key_is_encrypted = 0x100,  // invalid_private_key: no pass phrase was given for it
    wrong_pass_phrase,         // invalid_private_key: the pass phrase does not decrypt it
    no_certificate,            // invalid_certificate: a server context was used without one
    no_private_key,            // invalid_private_key: a server context was used without one
    directory_not_found,       // invalid_certificate: add_verify_path() of a missing path
    not_a_directory,           // invalid_certificate: add_verify_path() of a file
};

/// A tls_category() code for `code`.
std::error_code make_error_code(detail_code code) noexcept;

/// A user's text for what(): quoted, at most 64 bytes, bytes outside printable ASCII escaped
/// (so a name or path cannot forge a log line).
std::string quoted(std::string_view text);

/// A PEM reader's source of a pass phrase. OpenSSL asks password_callback() for one, with
/// this as its user data; without one it asks nothing (it never prompts on a terminal).
struct pass_phrase_source {
    std::string_view pass_phrase;
    bool given = false;  // a pass phrase was passed (an empty one too)
    bool asked = false;  // the key was encrypted: OpenSSL asked
};

/// OpenSSL's `pem_password_cb`: copies the pass phrase of a pass_phrase_source (`user`) into
/// `buffer`; fails (-1) if none was given, or if `user` is null, instead of prompting.
int password_callback(char* buffer, int size, int rwflag, void* user);

/// A certificate verification result (X509_V_ERR_*) as a tls_category() code.
std::error_code verify_error(long result) noexcept;

/// Throws std::system_error with `what` and, for OpenSSL errors, their reason text.
[[noreturn]] void throw_tls_error(const std::error_code& ec, const char* what);

/// Throws std::system_error with `what` built by the caller (naming a file, host or peer).
[[noreturn]] void throw_tls_error(const std::error_code& ec, const std::string& what);

/// The throwing form of a function, over its error_code form; `describe()` makes what() only
/// on failure.
template <class Describe, class Call>
auto tls_or_throw_with(Describe&& describe, Call&& call) {
    std::error_code ec;
    if constexpr (std::is_void_v<decltype(call(ec))>) {
        call(ec);
        if (ec) throw_tls_error(ec, describe());
    } else {
        auto result = call(ec);
        if (ec) throw_tls_error(ec, describe());
        return result;
    }
}

/// The throwing form of a function, over its error_code form.
template <class Call>
auto tls_or_throw(const char* what, Call&& call) {
    return tls_or_throw_with([what] { return std::string(what); }, std::forward<Call>(call));
}

}  // namespace tls_detail
}  // namespace portsock
