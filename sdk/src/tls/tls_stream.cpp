// tls_stream: OpenSSL's record layer over portsock's own tcp_stream, through a custom BIO,
// so timeouts, non-blocking mode and the poller behave as they do for TCP.
#include "internal.hpp"
#include "stream_loops.hpp"
#include "text.hpp"
#include "tls_internal.hpp"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <climits>
#include <new>

namespace portsock {

using tls_detail::failure_kind;

/// One connection: the TCP stream, its SSL object, and what the BIO needs during a call.
struct tls_detail::stream_state {
    tcp_stream tcp;
    std::shared_ptr<context_state> context;  // keeps the ALPN list alive
    SSL* ssl = nullptr;
    detail::deadline until{timeout{}};  // the current call's deadline, read by the BIO
    std::error_code io_error;           // the last transport error the BIO saw
    bool transport_eof = false;         // the TCP stream ended (with or without close_notify)
    bool established = false;           // the handshake has completed once

    stream_state() = default;
    stream_state(const stream_state&) = delete;
    stream_state& operator=(const stream_state&) = delete;
    ~stream_state() { SSL_free(ssl); }
};

namespace {

using state = tls_detail::stream_state;

// --- the BIO: OpenSSL reads and writes through tcp_stream ----------------------------------

// Timed out or would block: the operation may be retried, so OpenSSL keeps its state.
bool retryable(const std::error_code& ec) noexcept {
    return detail::would_block(ec) || ec == std::errc::timed_out;
}

int bio_write(BIO* bio, const char* data, int size) {
    auto* s = static_cast<state*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    const std::size_t sent =
        s->tcp.send(data, static_cast<std::size_t>(size), s->io_error, s->until.remaining());
    if (!s->io_error) return static_cast<int>(sent);
    if (retryable(s->io_error)) BIO_set_retry_write(bio);
    return -1;
}

int bio_read(BIO* bio, char* data, int size) {
    auto* s = static_cast<state*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    const std::size_t got =
        s->tcp.receive(data, static_cast<std::size_t>(size), s->io_error, s->until.remaining());
    if (s->io_error) {
        if (retryable(s->io_error)) BIO_set_retry_read(bio);
        return -1;
    }
    if (got == 0) s->transport_eof = true;
    return static_cast<int>(got);
}

long bio_ctrl(BIO* bio, int command, long, void*) {
    switch (command) {
        case BIO_CTRL_FLUSH:
            return 1;  // writes go straight to the socket
        case BIO_CTRL_EOF:
            return static_cast<state*>(BIO_get_data(bio))->transport_eof ? 1 : 0;
        default:
            return 0;
    }
}

int bio_create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
}

const BIO_METHOD* tcp_stream_bio_method() noexcept {
    static BIO_METHOD* const method = [] {
        BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "portsock tcp_stream");
        if (m == nullptr) return m;
        BIO_meth_set_write(m, bio_write);
        BIO_meth_set_read(m, bio_read);
        BIO_meth_set_ctrl(m, bio_ctrl);
        BIO_meth_set_create(m, bio_create);
        return m;
    }();
    return method;
}

// --- errors ----------------------------------------------------------------------------

// Why an SSL call returned `result` <= 0.
std::error_code failure(state& s, int result) noexcept {
    // OpenSSL is briefly "in init" again while it reads post-handshake messages (TLS 1.3
    // session tickets), so what counts is whether the handshake ever completed.
    const failure_kind kind = s.established ? failure_kind::transfer : failure_kind::handshake;
    switch (SSL_get_error(s.ssl, result)) {
        case SSL_ERROR_WANT_READ:
            if (s.io_error && !detail::would_block(s.io_error)) return s.io_error;  // timed_out
            return make_error_code(tls_errc::want_read);
        case SSL_ERROR_WANT_WRITE:
            if (s.io_error && !detail::would_block(s.io_error)) return s.io_error;
            return make_error_code(tls_errc::want_write);
        case SSL_ERROR_SYSCALL:
            ERR_clear_error();
            if (s.io_error) return s.io_error;                 // connection_reset, broken_pipe, ...
            return make_error_code(tls_errc::unexpected_eof);  // EOF that OpenSSL did not name
        case SSL_ERROR_SSL: {
            const unsigned long first = ERR_peek_error();
            if (ERR_GET_LIB(first) == ERR_LIB_SSL &&
                ERR_GET_REASON(first) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
                ERR_clear_error();
                return tls_detail::verify_error(SSL_get_verify_result(s.ssl));
            }
            return tls_detail::take_openssl_error(kind, kind == failure_kind::handshake
                                                            ? tls_errc::handshake_failure
                                                            : tls_errc::protocol_error);
        }
        default:
            return tls_detail::take_openssl_error(kind, tls_errc::protocol_error);
    }
}

bool is_cancelled(const state& s) noexcept { return detail::socket_access::is_cancelled(s.tcp); }

// A finite deadline that has passed. A zero limit ("only look") has passed after one pass.
bool has_passed(const detail::deadline& until) noexcept {
    return !until.is_infinite() && until.remaining_ms() == 0;
}

// Runs one SSL call (`op` returns > 0 on success) against the deadline `limit`.
//
// OpenSSL returns (SSL_MODE_AUTO_RETRY is off) after each record that carries no
// application data: a TLS 1.3 session ticket or key update. A blocking stream goes on, but
// checks the deadline on every such pass, so a peer that floods those records holds a call
// for its limit plus one record, never longer. A non-blocking stream goes on for a few such
// records (the next one is often in the socket already), then hands the want back to its
// caller's loop, whose deadline and other sockets then have their turn: a flood costs that
// loop one turn per few records, not one per record, and still cannot hold it.
constexpr int non_blocking_passes = 16;

template <class Op>
int run(state& s, timeout limit, std::error_code& ec, Op&& op) noexcept {
    s.until = detail::deadline(limit);
    if (is_cancelled(s)) {
        ec = portsock::make_socket_error(std::errc::operation_canceled);
        return -1;
    }
    for (int pass = 1;; ++pass) {
        // SSL_get_error() needs an empty error queue. It usually is empty: looking costs
        // far less than ERR_clear_error(), which walks every slot (about 400 instructions,
        // a third of what a record costs portsock beyond OpenSSL's own work).
        if (ERR_peek_error() != 0) ERR_clear_error();
        s.io_error.clear();
        const int result = op();
        if (SSL_is_init_finished(s.ssl)) s.established = true;
        if (result > 0) {
            ec.clear();
            return result;
        }
        ec = failure(s, result);
        // After cancel() the transport's end, or whatever OpenSSL made of it, is the cancel.
        if (is_cancelled(s)) ec = portsock::make_socket_error(std::errc::operation_canceled);
        // A want although the transport did not block: OpenSSL consumed a record without data.
        const bool spurious_want = !s.io_error && (ec == tls_errc::want_read || ec == tls_errc::want_write);
        if (!spurious_want) return result;
        if (s.tcp.is_non_blocking()) {
            if (pass >= non_blocking_passes || has_passed(s.until)) return result;  // ec: the want
            continue;
        }
        if (has_passed(s.until)) {
            ec = portsock::make_socket_error(std::errc::timed_out);
            return result;
        }
    }
}

bool check_open(const std::unique_ptr<state>& s, std::error_code& ec) noexcept {
    if (s && s->ssl != nullptr) return true;
    ec = make_error_code(errc::not_open);
    return false;
}

// The host name as SNI carries it and certificates name it: without the trailing dot of
// an absolute name. RFC 6066 (section 3) forbids the dot in SNI, and a certificate's
// DNS:localhost names the same host as "localhost.". The dot is stripped, as curl and Java
// do, rather than the name refused as CPython does: "https://localhost./" is a valid URL
// whose host a user may well pass on, and it means exactly the name without the dot.
// Empty if nothing is left ("." or a second dot).
std::string_view without_root_dot(std::string_view name) noexcept {
    if (!name.empty() && name.back() == '.') name.remove_suffix(1);
    if (!name.empty() && name.back() == '.') return {};
    return name;
}

// Sets SNI and the name the certificate must carry: a DNS name or an IP address.
bool expect_name(SSL* ssl, std::string_view name, bool verify, std::error_code& ec) noexcept {
    if (name.empty()) {
        if (verify) ec = make_error_code(errc::invalid_argument);
        return !verify;
    }
    // resolve()'s rule for host text: OpenSSL's own parser would match "127.0.0.1 junk" or
    // "0127.0.0.1" against an IP SAN, and send "localhost junk" as the SNI name.
    if (name.size() > 253 || detail::check_host_text(name) || without_root_dot(name).empty()) {
        ec = make_error_code(errc::invalid_argument);
        return false;
    }
    std::error_code not_an_address;
    const ip_address address = ip_address::parse(name, not_an_address);
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    if (!not_an_address) {  // an address: checked against the IP SANs, and no SNI (RFC 6066)
        if (address.scope_id() == 0 && X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str()) == 1)
            return true;
        ERR_clear_error();
        ec = make_error_code(errc::invalid_argument);  // a scoped address names no certificate
        return false;
    }
    char host[254];  // at most 253 bytes and a NUL, checked above: no allocation
    const std::string_view bare = without_root_dot(name);
    bare.copy(host, bare.size());
    host[bare.size()] = '\0';
    // SSL_set_tlsext_host_name() is a macro with an old-style cast; this is its call.
    const long sni = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host);
    // RFC 9525 (section 6.3): a wildcard is a whole left-most label ("f*.example" matches
    // nothing), and only the subjectAltName names a host, never the subject's CN.
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
    if (sni != 1 || SSL_set1_host(ssl, host) != 1) {
        ec = tls_detail::take_openssl_error(failure_kind::handshake, tls_errc::handshake_failure);
        return false;
    }
    return true;
}

// A server needs a certificate and its key: said when the context is used, naming what is
// missing, rather than as "no shared cipher" when the first client comes.
bool has_credentials(SSL_CTX* ctx, std::error_code& ec) noexcept {
    if (SSL_CTX_get0_certificate(ctx) == nullptr) {
        ec = make_error_code(tls_detail::detail_code::no_certificate);
        return false;
    }
    if (SSL_CTX_get0_privatekey(ctx) == nullptr) {
        ec = make_error_code(tls_detail::detail_code::no_private_key);
        return false;
    }
    return true;
}

// what() of a call on a connection: "<what> to 'localhost' (127.0.0.1:443)", or "<what>
// with 127.0.0.1:5555" for a server; the peer's address is read before the call, the text
// made only on failure.
auto peer_context(const char* what, std::string_view name, const tcp_stream& tcp) {
    std::error_code ignored;
    const endpoint peer = tcp.remote_endpoint(ignored);
    return [what, name, peer, known = !ignored] {
        std::string text(what);
        if (!name.empty()) text += " to " + tls_detail::quoted(name);
        if (known) text += (name.empty() ? " with " : " (") + peer.to_string() + (name.empty() ? "" : ")");
        return text;
    };
}

// A stream over `tcp` with an SSL object of `context`, before any handshake; checks that
// the context is usable for `role` and sets who verifies whom.
std::unique_ptr<state> make_state(tcp_stream&& tcp, const tls_context& context,
                                  const std::shared_ptr<tls_detail::context_state>& impl, tls_role role,
                                  std::error_code& ec) noexcept {
    ec.clear();
    if (!impl || !tcp.is_open()) {
        ec = make_error_code(errc::not_open);
        return nullptr;
    }
    if (context.role() != role) {
        ec = make_error_code(tls_errc::wrong_role);
        return nullptr;
    }
    if (role == tls_role::server && !has_credentials(impl->ctx, ec)) return nullptr;
    std::unique_ptr<state> s(new (std::nothrow) state);
    const BIO_METHOD* method = tcp_stream_bio_method();
    BIO* bio = method != nullptr ? BIO_new(method) : nullptr;
    if (!s || bio == nullptr || (s->ssl = SSL_new(impl->ctx)) == nullptr) {
        BIO_free(bio);
        ec = std::make_error_code(std::errc::not_enough_memory);
        return nullptr;
    }
    s->tcp = std::move(tcp);
    s->context = impl;
    BIO_set_data(bio, s.get());
    SSL_set_bio(s->ssl, bio, bio);  // the SSL object owns the BIO now
    int verify_mode = SSL_VERIFY_NONE;
    if (role == tls_role::client && context.verifies_peer()) verify_mode = SSL_VERIFY_PEER;
    if (role == tls_role::server && context.requires_client_certificate())
        verify_mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    SSL_set_verify(s->ssl, verify_mode, nullptr);
    return s;
}

}  // namespace

// --- tls_stream ------------------------------------------------------------------------

tls_stream::tls_stream() noexcept = default;
tls_stream::~tls_stream() = default;
tls_stream::tls_stream(tls_stream&&) noexcept = default;
tls_stream& tls_stream::operator=(tls_stream&&) noexcept = default;
tls_stream::tls_stream(std::unique_ptr<tls_detail::stream_state> s) noexcept : state_(std::move(s)) {}

tls_stream tls_stream::connect(const tls_context& context, std::string_view host, std::uint16_t port,
                               timeout limit) {
    return tls_detail::tls_or_throw_with(
        [&] {
            return "portsock::tls_stream::connect to " + tls_detail::quoted(host) + " port " +
                   std::to_string(port);
        },
        [&](std::error_code& ec) { return connect(context, host, port, ec, limit); });
}

tls_stream tls_stream::connect(const tls_context& context, std::string_view host, std::uint16_t port,
                               std::error_code& ec, timeout limit) noexcept {
    const detail::deadline until(limit);
    if (context.role() != tls_role::client) {
        ec = make_error_code(tls_errc::wrong_role);
        return {};
    }
    // The server name's own rules before any look-up, as client() applies them: "." or a
    // second trailing dot is no name a certificate can carry.
    if (!host.empty() && (host.size() > 253 || without_root_dot(host).empty())) {
        ec = make_error_code(errc::invalid_argument);
        return {};
    }
    tcp_stream tcp = tcp_stream::connect(host, port, ec, until.remaining());
    if (ec) return {};
    return client(std::move(tcp), context, host, ec, until.remaining());
}

tls_stream tls_stream::client(tcp_stream&& stream, const tls_context& context, std::string_view server_name,
                              timeout limit) {
    return tls_detail::tls_or_throw_with(
        peer_context("portsock::tls_stream::client", server_name, stream),
        [&](std::error_code& ec) { return client(std::move(stream), context, server_name, ec, limit); });
}

tls_stream tls_stream::client(tcp_stream&& stream, const tls_context& context, std::string_view server_name,
                              std::error_code& ec, timeout limit) noexcept {
    tls_stream result = prepare_client(std::move(stream), context, server_name, ec);
    return ec ? tls_stream{} : start(std::move(result), ec, limit);
}

tls_stream tls_stream::server(tcp_stream&& stream, const tls_context& context, timeout limit) {
    return tls_detail::tls_or_throw_with(
        peer_context("portsock::tls_stream::server", {}, stream),
        [&](std::error_code& ec) { return server(std::move(stream), context, ec, limit); });
}

tls_stream tls_stream::server(tcp_stream&& stream, const tls_context& context, std::error_code& ec,
                              timeout limit) noexcept {
    tls_stream result = prepare_server(std::move(stream), context, ec);
    return ec ? tls_stream{} : start(std::move(result), ec, limit);
}

tls_stream tls_stream::prepare_client(tcp_stream&& stream, const tls_context& context,
                                      std::string_view server_name) {
    return tls_detail::tls_or_throw_with(
        peer_context("portsock::tls_stream::prepare_client", server_name, stream),
        [&](std::error_code& ec) { return prepare_client(std::move(stream), context, server_name, ec); });
}

tls_stream tls_stream::prepare_client(tcp_stream&& stream, const tls_context& context,
                                      std::string_view server_name, std::error_code& ec) noexcept {
    std::unique_ptr<state> s = make_state(std::move(stream), context, context.impl_, tls_role::client, ec);
    if (!s || !expect_name(s->ssl, server_name, context.verifies_peer(), ec)) return {};
    SSL_set_connect_state(s->ssl);
    return tls_stream(std::move(s));
}

tls_stream tls_stream::prepare_server(tcp_stream&& stream, const tls_context& context) {
    return tls_detail::tls_or_throw_with(
        peer_context("portsock::tls_stream::prepare_server", {}, stream),
        [&](std::error_code& ec) { return prepare_server(std::move(stream), context, ec); });
}

tls_stream tls_stream::prepare_server(tcp_stream&& stream, const tls_context& context,
                                      std::error_code& ec) noexcept {
    std::unique_ptr<state> s = make_state(std::move(stream), context, context.impl_, tls_role::server, ec);
    if (!s) return {};
    SSL_set_accept_state(s->ssl);
    return tls_stream(std::move(s));
}

tls_stream tls_stream::start(tls_stream&& prepared, std::error_code& ec, timeout limit) noexcept {
    tls_stream result(std::move(prepared));
    result.handshake(ec, limit);
    // In non-blocking mode the handshake goes on: the caller needs the stream to go on with.
    if (ec && ec != std::errc::operation_would_block) return {};
    return result;
}

void tls_stream::handshake(timeout limit) {
    const bool is_client = state_ && state_->ssl != nullptr && SSL_is_server(state_->ssl) == 0;
    const std::string name = is_client ? server_name() : std::string();
    tls_detail::tls_or_throw_with(peer_context("portsock::tls_stream::handshake", name, next_layer()),
                                  [&](std::error_code& ec) { handshake(ec, limit); });
}

void tls_stream::handshake(std::error_code& ec, timeout limit) noexcept {
    if (!check_open(state_, ec)) return;
    if (SSL_is_init_finished(state_->ssl)) {
        ec.clear();
        return;
    }
    run(*state_, limit, ec, [&] { return SSL_do_handshake(state_->ssl); });
}

std::size_t tls_stream::send(const void* data, std::size_t size, timeout limit) {
    return tls_detail::tls_or_throw("portsock::tls_stream::send",
                                    [&](std::error_code& ec) { return send(data, size, ec, limit); });
}

std::size_t tls_stream::send(const void* data, std::size_t size, std::error_code& ec,
                             timeout limit) noexcept {
    if (!check_open(state_, ec)) return 0;
    if (size == 0) {
        ec.clear();
        return 0;
    }
    std::size_t written = 0;
    run(*state_, limit, ec, [&] { return SSL_write_ex(state_->ssl, data, size, &written); });
    return ec ? 0 : written;
}

std::size_t tls_stream::receive(void* data, std::size_t size, timeout limit) {
    return tls_detail::tls_or_throw("portsock::tls_stream::receive",
                                    [&](std::error_code& ec) { return receive(data, size, ec, limit); });
}

std::size_t tls_stream::receive(void* data, std::size_t size, std::error_code& ec, timeout limit) noexcept {
    if (!check_open(state_, ec)) return 0;
    if (size == 0) {
        ec.clear();
        return 0;
    }
    std::size_t got = 0;
    const int result = run(*state_, limit, ec, [&] { return SSL_read_ex(state_->ssl, data, size, &got); });
    if (result <= 0 && SSL_get_error(state_->ssl, result) == SSL_ERROR_ZERO_RETURN)
        ec.clear();  // close_notify
    return ec ? 0 : got;
}

void tls_stream::send_close_notify(timeout limit) {
    tls_detail::tls_or_throw("portsock::tls_stream::send_close_notify",
                             [&](std::error_code& ec) { send_close_notify(ec, limit); });
}

void tls_stream::send_close_notify(std::error_code& ec, timeout limit) noexcept {
    if (!check_open(state_, ec)) return;
    // SSL_shutdown returns 0 once our close_notify is sent and the peer's is still to come:
    // that is success here, as for a TCP half-close.
    run(*state_, limit, ec, [&] {
        const int result = SSL_shutdown(state_->ssl);
        return result == 0 ? 1 : result;
    });
    if (!ec) state_->tcp.shutdown(shutdown_type::send, ec);
}

void tls_stream::cancel() {
    tls_detail::tls_or_throw("portsock::tls_stream::cancel", [&](std::error_code& ec) { cancel(ec); });
}

void tls_stream::cancel(std::error_code& ec) noexcept {
    ec.clear();
    // Only the TCP stream changes (its flag, its shutdown), never the TLS state another
    // thread's call is using: its reads and writes then fail, and run() reports the cancel.
    if (state_) state_->tcp.cancel(ec);
}

void tls_stream::close() noexcept { state_.reset(); }

std::size_t tls_stream::pending() const noexcept {
    return state_ && state_->ssl != nullptr ? static_cast<std::size_t>(SSL_pending(state_->ssl)) : 0;
}

bool tls_stream::is_handshake_done() const noexcept {
    return state_ && state_->ssl != nullptr && SSL_is_init_finished(state_->ssl) == 1;
}

std::string tls_stream::alpn_protocol() const {
    if (!state_ || state_->ssl == nullptr) return {};
    const unsigned char* name = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(state_->ssl, &name, &length);
    return name != nullptr ? std::string(reinterpret_cast<const char*>(name), length) : std::string();
}

std::string tls_stream::server_name() const {
    if (!state_ || state_->ssl == nullptr) return {};
    const char* name = SSL_get_servername(state_->ssl, TLSEXT_NAMETYPE_host_name);
    return name != nullptr ? std::string(name) : std::string();
}

std::string tls_stream::protocol_version() const {
    if (!is_handshake_done()) return {};
    return SSL_get_version(state_->ssl);
}

tcp_stream& tls_stream::next_layer() noexcept {
    if (!state_) {
        static thread_local tcp_stream empty;  // an empty stream reports not_open
        return empty;
    }
    return state_->tcp;
}

const tcp_stream& tls_stream::next_layer() const noexcept {
    return const_cast<tls_stream*>(this)->next_layer();
}

native_handle_type tls_stream::native_handle() const noexcept {
    return state_ ? state_->tcp.native_handle() : invalid_native_handle;
}

bool tls_stream::is_open() const noexcept { return state_ && state_->tcp.is_open(); }

}  // namespace portsock
