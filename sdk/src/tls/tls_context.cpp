// tls_context: an SSL_CTX with portsock's defaults (TLS 1.2 minimum, verification on).
#include "tls_internal.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>
#include <cstring>
#include <filesystem>
#include <memory>
#include <utility>

namespace portsock {
namespace {

using tls_detail::failure_kind;
using tls_detail::take_openssl_error;

// A read-only memory BIO over PEM text, freed on scope exit.
struct pem_source {
    BIO* bio = nullptr;
    explicit pem_source(std::string_view pem) noexcept {
        if (pem.size() <= INT_MAX) bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    }
    ~pem_source() { BIO_free(bio); }
    pem_source(const pem_source&) = delete;
    pem_source& operator=(const pem_source&) = delete;
};

// OpenSSL's number for a tls_version; 0 with std::errc::invalid_argument for a value that
// is not one (a cast number).
int wire_version(tls_version version, std::error_code& ec) noexcept {
    switch (version) {
        case tls_version::tls1_2:
            return TLS1_2_VERSION;
        case tls_version::tls1_3:
            return TLS1_3_VERSION;
    }
    ec = std::make_error_code(std::errc::invalid_argument);
    return 0;
}

// what() of a call that loads a file: "portsock::tls_context::load_verify_file 'ca.pem'".
auto file_context(const char* what, const std::string& path) {
    return [what, &path] { return std::string(what) + ' ' + tls_detail::quoted(path); };
}

bool bad_path(const std::string& path, std::error_code& ec) noexcept {
    if (!path.empty() && path.find('\0') == std::string::npos) return false;
    ec = make_error_code(errc::invalid_argument);
    return true;
}

// Reads the PEM certificates that follow in `source`; true if one was read. Reaching the
// end of the text leaves "no start line" in OpenSSL's queue, which is not an error here.
template <class Use>
bool for_each_certificate(BIO* source, Use&& use, std::error_code& ec) {
    int count = 0;
    // An encrypted PEM block fails through the callback; OpenSSL's default would prompt.
    while (X509* cert = PEM_read_bio_X509(source, nullptr, tls_detail::password_callback, nullptr)) {
        const bool used = use(cert);
        if (!used) {
            ec = take_openssl_error(failure_kind::load_certificate, tls_errc::invalid_certificate);
            return false;
        }
        ++count;
    }
    const unsigned long last = ERR_peek_last_error();
    if (count > 0 && ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
        return true;
    }
    ec = take_openssl_error(failure_kind::load_certificate, tls_errc::invalid_certificate);
    return false;
}

// Why a private key was not used: an encrypted key without (or with the wrong) pass phrase,
// or what OpenSSL says.
std::error_code private_key_error(const tls_detail::pass_phrase_source& source) noexcept {
    std::error_code ec = take_openssl_error(failure_kind::load_private_key, tls_errc::invalid_private_key);
    if (!source.asked || is_resource_exhaustion(ec)) return ec;
    return make_error_code(source.given ? tls_detail::detail_code::wrong_pass_phrase
                                        : tls_detail::detail_code::key_is_encrypted);
}

// The context behind `c`, or null with errc::not_open for a moved-from one.
SSL_CTX* context_of(const std::shared_ptr<tls_detail::context_state>& c, std::error_code& ec) noexcept {
    ec.clear();
    ERR_clear_error();  // what a failure reports is this call's errors, none left by others
    if (c) return c->ctx;
    ec = make_error_code(errc::not_open);
    return nullptr;
}

int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length, const unsigned char* offered,
                unsigned int offered_length, void* arg) {
    const auto* self = static_cast<const tls_detail::context_state*>(arg);
    if (self->alpn_wire.empty()) return SSL_TLSEXT_ERR_NOACK;
    auto* server = reinterpret_cast<const unsigned char*>(self->alpn_wire.data());
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, out_length, server, static_cast<unsigned>(self->alpn_wire.size()),
                              offered, offered_length) != OPENSSL_NPN_NEGOTIATED) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    *out = chosen;
    return SSL_TLSEXT_ERR_OK;
}

}  // namespace

int tls_detail::password_callback(char* buffer, int size, int, void* user) {
    auto* source = static_cast<pass_phrase_source*>(user);
    if (source == nullptr) return -1;  // no key is being loaded by portsock: never prompt
    source->asked = true;
    if (!source->given || size < 0 || source->pass_phrase.size() > static_cast<std::size_t>(size)) return -1;
    std::memcpy(buffer, source->pass_phrase.data(), source->pass_phrase.size());
    return static_cast<int>(source->pass_phrase.size());
}

tls_context::tls_context(tls_role role) {
    std::error_code ec;
    *this = create(role, ec);
    if (ec) tls_detail::throw_tls_error(ec, "portsock::tls_context");
}

tls_context tls_context::create(tls_role role, std::error_code& ec) noexcept {
    ec.clear();
    tls_context result;
    if (role != tls_role::client && role != tls_role::server) {
        ec = std::make_error_code(std::errc::invalid_argument);
        return result;
    }
    result.role_ = role;
    std::shared_ptr<tls_detail::context_state> made(new (std::nothrow) tls_detail::context_state,
                                                    std::default_delete<tls_detail::context_state>());
    if (!made) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return result;
    }
    made->ctx = SSL_CTX_new(role == tls_role::client ? TLS_client_method() : TLS_server_method());
    if (made->ctx == nullptr) {
        ec = take_openssl_error(failure_kind::handshake, tls_errc::handshake_failure);
        return result;
    }
    SSL_CTX_set_min_proto_version(made->ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(made->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    // Without automatic retry, a read returns after each record with no application data
    // (a TLS 1.3 key update or session ticket), so a stream checks its deadline between two
    // such records: a peer that floods them cannot hold a timed receive.
    SSL_CTX_clear_mode(made->ctx, SSL_MODE_AUTO_RETRY);
    // TLS 1.2 renegotiation is refused (a warning alert answers a HelloRequest): it is
    // another way for a peer to keep a receive busy, and nothing portsock offers needs it.
    SSL_CTX_set_options(made->ctx, SSL_OP_NO_RENEGOTIATION);
    // Every key OpenSSL reads for this context asks password_callback(): never a prompt.
    SSL_CTX_set_default_passwd_cb(made->ctx, tls_detail::password_callback);
    SSL_CTX_set_default_passwd_cb_userdata(made->ctx, nullptr);
    if (role == tls_role::client) {
        // The system trust store; a missing one only means nothing is trusted yet.
        SSL_CTX_set_default_verify_paths(made->ctx);
        ERR_clear_error();
    } else {
        SSL_CTX_set_alpn_select_cb(made->ctx, select_alpn, made.get());
    }
    result.impl_ = std::move(made);
    return result;
}

tls_context tls_context::server(const std::string& certificate_chain_file,
                                const std::string& private_key_file) {
    tls_context context(tls_role::server);
    context.use_certificate_chain_file(certificate_chain_file);  // first: the key is checked against it
    context.use_private_key_file(private_key_file);
    return context;
}

tls_context tls_context::server(const std::string& certificate_chain_file,
                                const std::string& private_key_file, std::error_code& ec) noexcept {
    tls_context context = create(tls_role::server, ec);
    if (!ec) context.use_certificate_chain_file(certificate_chain_file, ec);
    if (!ec) context.use_private_key_file(private_key_file, ec);
    if (ec) return tls_context{};  // empty, as create() gives on error
    return context;
}

tls_context tls_context::client(const std::string& ca_file) {
    tls_context context(tls_role::client);
    context.load_verify_file(ca_file);
    return context;
}

tls_context tls_context::client(const std::string& ca_file, std::error_code& ec) noexcept {
    tls_context context = create(tls_role::client, ec);
    if (!ec) context.load_verify_file(ca_file, ec);
    if (ec) return tls_context{};  // empty, as create() gives on error
    return context;
}

tls_context tls_context::client(const std::string& ca_file, const std::string& certificate_chain_file,
                                const std::string& private_key_file) {
    tls_context context = client(ca_file);
    context.use_certificate_chain_file(certificate_chain_file);
    context.use_private_key_file(private_key_file);
    return context;
}

tls_context tls_context::client(const std::string& ca_file, const std::string& certificate_chain_file,
                                const std::string& private_key_file, std::error_code& ec) noexcept {
    tls_context context = client(ca_file, ec);
    if (!ec) context.use_certificate_chain_file(certificate_chain_file, ec);
    if (!ec) context.use_private_key_file(private_key_file, ec);
    if (ec) return tls_context{};  // empty, as create() gives on error
    return context;
}

tls_context::~tls_context() = default;

void tls_context::load_verify_file(const std::string& path) {
    tls_detail::tls_or_throw_with(file_context("portsock::tls_context::load_verify_file", path),
                                  [&](std::error_code& ec) { load_verify_file(path, ec); });
}

void tls_context::load_verify_file(const std::string& path, std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr || bad_path(path, ec)) return;
    if (SSL_CTX_load_verify_locations(ctx, path.c_str(), nullptr) != 1)
        ec = take_openssl_error(failure_kind::load_certificate, tls_errc::invalid_certificate);
}

void tls_context::add_verify_path(const std::string& path) {
    tls_detail::tls_or_throw_with(file_context("portsock::tls_context::add_verify_path", path),
                                  [&](std::error_code& ec) { add_verify_path(path, ec); });
}

void tls_context::add_verify_path(const std::string& path, std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr || bad_path(path, ec)) return;
    // OpenSSL only looks in the directory when a certificate is verified, so a missing one
    // would pass silently here and every verification fail later.
    std::error_code status_error;
    const std::filesystem::file_status status = std::filesystem::status(path, status_error);
    if (status.type() == std::filesystem::file_type::not_found) {
        ec = make_error_code(tls_detail::detail_code::directory_not_found);
        return;
    }
    if (status_error && is_resource_exhaustion(status_error)) {
        ec = status_error;
        return;
    }
    if (status.type() != std::filesystem::file_type::directory) {
        // Not a directory, or it cannot be looked at (permission): the OS says which.
        ec = status_error ? status_error : make_error_code(tls_detail::detail_code::not_a_directory);
        return;
    }
    if (SSL_CTX_load_verify_locations(ctx, nullptr, path.c_str()) != 1)
        ec = take_openssl_error(failure_kind::load_certificate, tls_errc::invalid_certificate);
}

void tls_context::add_certificate_authority(std::string_view pem) {
    tls_detail::tls_or_throw("portsock::tls_context::add_certificate_authority",
                             [&](std::error_code& ec) { add_certificate_authority(pem, ec); });
}

void tls_context::add_certificate_authority(std::string_view pem, std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr) return;
    pem_source source(pem);
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for_each_certificate(
        source.bio,
        [&](X509* cert) {
            const bool added = X509_STORE_add_cert(store, cert) == 1;
            X509_free(cert);  // the store holds its own reference
            return added;
        },
        ec);
}

void tls_context::use_certificate_chain_file(const std::string& path) {
    tls_detail::tls_or_throw_with(file_context("portsock::tls_context::use_certificate_chain_file", path),
                                  [&](std::error_code& ec) { use_certificate_chain_file(path, ec); });
}

void tls_context::use_certificate_chain_file(const std::string& path, std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr || bad_path(path, ec)) return;
    if (SSL_CTX_use_certificate_chain_file(ctx, path.c_str()) != 1)
        ec = take_openssl_error(failure_kind::load_certificate, tls_errc::invalid_certificate);
}

void tls_context::use_certificate_chain(std::string_view pem) {
    tls_detail::tls_or_throw("portsock::tls_context::use_certificate_chain",
                             [&](std::error_code& ec) { use_certificate_chain(pem, ec); });
}

void tls_context::use_certificate_chain(std::string_view pem, std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr) return;
    pem_source source(pem);
    bool first = true;
    SSL_CTX_clear_chain_certs(ctx);
    for_each_certificate(
        source.bio,
        [&](X509* cert) {
            if (std::exchange(first, false)) {
                const bool used = SSL_CTX_use_certificate(ctx, cert) == 1;
                X509_free(cert);
                return used;
            }
            if (SSL_CTX_add0_chain_cert(ctx, cert) == 1) return true;  // the context owns it now
            X509_free(cert);
            return false;
        },
        ec);
}

void tls_context::use_private_key_file(const std::string& path) {
    tls_detail::tls_or_throw_with(file_context("portsock::tls_context::use_private_key_file", path),
                                  [&](std::error_code& ec) { use_private_key_file(path, ec); });
}

void tls_context::use_private_key_file(const std::string& path, std::error_code& ec) noexcept {
    tls_detail::pass_phrase_source none;
    load_private_key_file(path, none, ec);
}

void tls_context::use_private_key_file(const std::string& path, std::string_view pass_phrase) {
    tls_detail::tls_or_throw_with(file_context("portsock::tls_context::use_private_key_file", path),
                                  [&](std::error_code& ec) { use_private_key_file(path, pass_phrase, ec); });
}

void tls_context::use_private_key_file(const std::string& path, std::string_view pass_phrase,
                                       std::error_code& ec) noexcept {
    tls_detail::pass_phrase_source given{pass_phrase, true};
    load_private_key_file(path, given, ec);
}

void tls_context::load_private_key_file(const std::string& path, tls_detail::pass_phrase_source& source,
                                        std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr || bad_path(path, ec)) return;
    // The context's callback reads the pass phrase from here during this call only.
    SSL_CTX_set_default_passwd_cb_userdata(ctx, &source);
    const bool used = SSL_CTX_use_PrivateKey_file(ctx, path.c_str(), SSL_FILETYPE_PEM) == 1;
    SSL_CTX_set_default_passwd_cb_userdata(ctx, nullptr);
    if (!used || SSL_CTX_check_private_key(ctx) != 1) ec = private_key_error(source);
}

void tls_context::use_private_key(std::string_view pem) {
    tls_detail::tls_or_throw("portsock::tls_context::use_private_key",
                             [&](std::error_code& ec) { use_private_key(pem, ec); });
}

void tls_context::use_private_key(std::string_view pem, std::error_code& ec) noexcept {
    tls_detail::pass_phrase_source none;
    load_private_key(pem, none, ec);
}

void tls_context::use_private_key(std::string_view pem, std::string_view pass_phrase) {
    tls_detail::tls_or_throw("portsock::tls_context::use_private_key",
                             [&](std::error_code& ec) { use_private_key(pem, pass_phrase, ec); });
}

void tls_context::use_private_key(std::string_view pem, std::string_view pass_phrase,
                                  std::error_code& ec) noexcept {
    tls_detail::pass_phrase_source given{pass_phrase, true};
    load_private_key(pem, given, ec);
}

void tls_context::load_private_key(std::string_view pem, tls_detail::pass_phrase_source& source,
                                   std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr) return;
    pem_source text(pem);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(text.bio, nullptr, tls_detail::password_callback, &source);
    const bool used =
        key != nullptr && SSL_CTX_use_PrivateKey(ctx, key) == 1 && SSL_CTX_check_private_key(ctx) == 1;
    EVP_PKEY_free(key);
    if (!used) ec = private_key_error(source);
}

void tls_context::set_minimum_version(tls_version version) {
    tls_detail::tls_or_throw("portsock::tls_context::set_minimum_version",
                             [&](std::error_code& ec) { set_minimum_version(version, ec); });
}

void tls_context::set_minimum_version(tls_version version, std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    const int wire = ctx == nullptr ? 0 : wire_version(version, ec);
    if (wire == 0) return;
    const long maximum = SSL_CTX_get_max_proto_version(ctx);  // 0: none set, the newest
    if (maximum != 0 && wire > maximum) {
        ec = std::make_error_code(std::errc::invalid_argument);  // above the maximum: no version left
        return;
    }
    if (SSL_CTX_set_min_proto_version(ctx, wire) != 1) ec = make_error_code(tls_errc::not_supported);
}

void tls_context::set_maximum_version(tls_version version) {
    tls_detail::tls_or_throw("portsock::tls_context::set_maximum_version",
                             [&](std::error_code& ec) { set_maximum_version(version, ec); });
}

void tls_context::set_maximum_version(tls_version version, std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    const int wire = ctx == nullptr ? 0 : wire_version(version, ec);
    if (wire == 0) return;
    if (wire < SSL_CTX_get_min_proto_version(ctx)) {
        ec = std::make_error_code(std::errc::invalid_argument);  // below the minimum: no version left
        return;
    }
    if (SSL_CTX_set_max_proto_version(ctx, wire) != 1) ec = make_error_code(tls_errc::not_supported);
}

void tls_context::set_alpn_protocols(const std::vector<std::string>& protocols) {
    tls_detail::tls_or_throw("portsock::tls_context::set_alpn_protocols",
                             [&](std::error_code& ec) { set_alpn_protocols(protocols, ec); });
}

void tls_context::set_alpn_protocols(const std::vector<std::string>& protocols,
                                     std::error_code& ec) noexcept {
    SSL_CTX* ctx = context_of(impl_, ec);
    if (ctx == nullptr) return;
    std::string wire;
    try {
        for (const std::string& name : protocols) {
            if (name.empty() || name.size() > 255) {
                ec = make_error_code(tls_errc::not_supported);
                return;
            }
            wire += static_cast<char>(name.size());
            wire += name;
        }
    } catch (const std::bad_alloc&) {
        ec = std::make_error_code(std::errc::not_enough_memory);
        return;
    }
    // A client offers the list; a server's select callback reads it from impl.
    if (role_ == tls_role::client &&
        SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned>(wire.size())) != 0) {
        ec = make_error_code(tls_errc::not_supported);
        return;
    }
    impl_->alpn_wire.swap(wire);
}

void tls_context::set_require_client_certificate(bool on) noexcept { require_client_certificate_ = on; }

void tls_context::set_insecure_no_verification(bool on) noexcept { verify_ = !on; }

}  // namespace portsock
