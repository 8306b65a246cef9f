// The portsock.tls error category: OpenSSL's reasons and verification results as codes,
// mapped to a few stable conditions (tls_errc).
#include "tls_internal.hpp"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <string>

namespace portsock {
namespace tls_detail {
namespace {

// Code values. Small ones are tls_errc itself. A verification result is verify_base plus
// X509_V_ERR_*. An OpenSSL error is openssl_flag | kind << 28 | library << 20 | reason.
constexpr int verify_base = 0x01000000;
constexpr int verify_limit = 0x02000000;
constexpr int openssl_flag = 0x40000000;
constexpr int reason_mask = 0xFFFFF;

constexpr int detail_first = static_cast<int>(detail_code::key_is_encrypted);
constexpr int detail_last = static_cast<int>(detail_code::not_a_directory);

bool is_verify(int value) noexcept { return value >= verify_base && value < verify_limit; }
bool is_detail(int value) noexcept { return value >= detail_first && value <= detail_last; }
bool is_openssl(int value) noexcept { return (value & openssl_flag) != 0; }
failure_kind kind_of(int value) noexcept { return static_cast<failure_kind>((value >> 28) & 3); }
int library_of(int value) noexcept { return (value >> 20) & 0xFF; }
int reason_of(int value) noexcept { return value & reason_mask; }

// The condition of an OpenSSL error, by what it says and when it happened.
tls_errc condition_of_openssl(int value) noexcept {
    switch (kind_of(value)) {
        case failure_kind::load_certificate:
            return tls_errc::invalid_certificate;
        case failure_kind::load_private_key:
            return tls_errc::invalid_private_key;
        default:
            break;
    }
    if (library_of(value) == ERR_LIB_SSL) {
        switch (reason_of(value)) {
            case SSL_R_UNEXPECTED_EOF_WHILE_READING:
                return tls_errc::unexpected_eof;
            case SSL_R_CERTIFICATE_VERIFY_FAILED:
                return tls_errc::certificate_verify_failed;
            case SSL_R_UNSUPPORTED_PROTOCOL:
            case SSL_R_NO_PROTOCOLS_AVAILABLE:
            case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
            case SSL_R_WRONG_SSL_VERSION:
            case SSL_R_VERSION_TOO_LOW:
            case SSL_R_VERSION_TOO_HIGH:
                return tls_errc::protocol_version;
            default:
                break;
        }
    }
    return kind_of(value) == failure_kind::handshake ? tls_errc::handshake_failure : tls_errc::protocol_error;
}

tls_errc condition_of_detail(detail_code code) noexcept {
    switch (code) {
        case detail_code::key_is_encrypted:
        case detail_code::wrong_pass_phrase:
        case detail_code::no_private_key:
            return tls_errc::invalid_private_key;
        case detail_code::no_certificate:
        case detail_code::directory_not_found:
        case detail_code::not_a_directory:
            break;
    }
    return tls_errc::invalid_certificate;
}

const char* detail_message(detail_code code) noexcept {
    switch (code) {
        case detail_code::key_is_encrypted:
            return "invalid private key: it is encrypted and no pass phrase was given (pass one to "
                   "use_private_key_file() or use_private_key())";
        case detail_code::wrong_pass_phrase:
            return "invalid private key: the pass phrase given does not decrypt it";
        case detail_code::no_certificate:
            return "invalid certificate: the server context has no certificate (call "
                   "use_certificate_chain_file() or use_certificate_chain() before serving)";
        case detail_code::no_private_key:
            return "invalid private key: the server context has no private key (call "
                   "use_private_key_file() or use_private_key() before serving)";
        case detail_code::directory_not_found:
            return "invalid certificate: the CA directory does not exist";
        case detail_code::not_a_directory:
            return "invalid certificate: the CA path is not a directory (use load_verify_file() for a file)";
    }
    return "invalid certificate";
}

tls_errc condition_of(int value) noexcept {
    if (is_verify(value)) return tls_errc::certificate_verify_failed;
    if (is_detail(value)) return condition_of_detail(static_cast<detail_code>(value));
    if (is_openssl(value)) return condition_of_openssl(value);
    return static_cast<tls_errc>(value);
}

std::string own_message(tls_errc e) {
    switch (e) {
        case tls_errc::certificate_verify_failed:
            return "certificate verify failed";
        case tls_errc::handshake_failure:
            return "TLS handshake failed";
        case tls_errc::protocol_version:
            return "no TLS protocol version in common";
        case tls_errc::unexpected_eof:
            return "unexpected end of stream without close_notify (possible truncation)";
        case tls_errc::protocol_error:
            return "TLS protocol error";
        case tls_errc::want_read:
            return "TLS operation needs the socket readable";
        case tls_errc::want_write:
            return "TLS operation needs the socket writable";
        case tls_errc::invalid_certificate:
            return "invalid certificate";
        case tls_errc::invalid_private_key:
            return "invalid private key";
        case tls_errc::wrong_role:
            return "TLS context of the wrong role (client or server)";
        case tls_errc::not_supported:
            return "TLS setting not supported";
    }
    return "unknown TLS error";
}

std::string openssl_message(int value) {
    const int library = library_of(value);
    const int reason = reason_of(value);
    std::string text = own_message(condition_of_openssl(value));
    text += ": ";
    if (library == ERR_LIB_SYS) return text + std::generic_category().message(reason);
    const char* said = ERR_reason_error_string(ERR_PACK(library, 0, reason));
    if (said != nullptr) return text + said;
    return text + "OpenSSL error " + std::to_string(library) + ':' + std::to_string(reason);
}

class tls_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "portsock.tls"; }

    std::string message(int value) const override {
        if (is_verify(value)) {
            return std::string("certificate verify failed: ") +
                   X509_verify_cert_error_string(static_cast<long>(value - verify_base));
        }
        if (is_openssl(value)) return openssl_message(value);
        if (is_detail(value)) return detail_message(static_cast<detail_code>(value));
        return own_message(static_cast<tls_errc>(value));
    }

    std::error_condition default_error_condition(int value) const noexcept override {
        return make_error_condition(condition_of(value));
    }

    bool equivalent(int value, const std::error_condition& condition) const noexcept override {
        if (condition == default_error_condition(value)) return true;
        const tls_errc e = condition_of(value);
        if (condition == std::errc::operation_would_block)
            return e == tls_errc::want_read || e == tls_errc::want_write;
        if (condition == std::errc::invalid_argument)
            return e == tls_errc::wrong_role || e == tls_errc::not_supported;
        return false;
    }
};

// The OS error of an OpenSSL error from its system library (a failed fopen(), opendir(),
// ...), or success for any other.
std::error_code system_error_of(unsigned long error) noexcept {
    if (ERR_GET_LIB(error) != ERR_LIB_SYS) return {};
    return {ERR_GET_REASON(error), std::generic_category()};
}

}  // namespace

std::error_code take_openssl_error(failure_kind kind, tls_errc fallback) noexcept {
    const unsigned long first = ERR_peek_error();
    // Out of descriptors, OpenSSL goes on after the failed fopen() and reports something
    // else last (a CA directory: "unregistered scheme" from its store loader).
    for (unsigned long error = ERR_get_error(); error != 0; error = ERR_get_error()) {
        const std::error_code os = system_error_of(error);
        if (os && is_resource_exhaustion(os)) {
            ERR_clear_error();
            return os;
        }
    }
    if (first == 0) return make_error_code(fallback);
    const int library = ERR_GET_LIB(first) & 0xFF;
    const int reason = ERR_GET_REASON(first) & reason_mask;
    return {openssl_flag | static_cast<int>(kind) << 28 | library << 20 | reason, tls_category()};
}

std::error_code verify_error(long result) noexcept {
    if (result <= 0 || result >= verify_limit - verify_base)
        return make_error_code(tls_errc::certificate_verify_failed);
    return {verify_base + static_cast<int>(result), tls_category()};
}

std::error_code make_error_code(detail_code code) noexcept {
    return {static_cast<int>(code), tls_category()};
}

std::string quoted(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    constexpr std::size_t limit = 64;
    std::string out = "'";
    for (const char c : text.substr(0, limit)) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\'' || c == '\\') {
            out += '\\';
            out += c;
        } else if (byte < 0x20 || byte >= 0x7f) {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    out += '\'';
    if (text.size() > limit) out += "... (" + std::to_string(text.size()) + " bytes)";
    return out;
}

void throw_tls_error(const std::error_code& ec, const char* what) { throw std::system_error(ec, what); }

void throw_tls_error(const std::error_code& ec, const std::string& what) {
    throw std::system_error(ec, what);
}

}  // namespace tls_detail

const std::error_category& tls_category() noexcept {
    static const tls_detail::tls_category_impl instance;
    return instance;
}

}  // namespace portsock
