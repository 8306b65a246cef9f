/// @file
/// TLS: portsock::tls_context (settings and credentials) and portsock::tls_stream (a secure
/// stream over a tcp_stream). Part of the optional `tls` component, target `portsock::tls`,
/// built on OpenSSL 3; no OpenSSL header is reachable from this one.
#pragma once

#include <portsock/error.hpp>
#include <portsock/stream.hpp>
#include <portsock/tcp.hpp>
#include <portsock/timeout.hpp>
#include <portsock/tls_export.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace portsock {

/// @cond INTERNAL
namespace tls_detail {
struct context_state;       // the SSL_CTX, shared by a context and its streams
struct stream_state;        // the TCP stream and its SSL object
struct pass_phrase_source;  // what a key being loaded may be decrypted with
}  // namespace tls_detail
/// @endcond

/// Stable TLS error conditions: compare a std::error_code of tls_category() with these.
///
/// The codes themselves are finer (one per OpenSSL reason or certificate verification
/// result), and their message() is OpenSSL's reason text, so `what()` of a thrown
/// std::system_error says e.g. "certificate verify failed: certificate has expired".
/// Test the condition, never the code's value or text:
/// `ec == portsock::tls_errc::certificate_verify_failed`.
/// @see @ref tls "TLS guide"
enum class tls_errc {
    certificate_verify_failed =
        1,  ///< The peer's certificate was rejected: expired, not yet valid, host-name mismatch, untrusted
            ///< issuer, self-signed, ... (the reason is the message).
    handshake_failure,  ///< The handshake failed for another reason: not TLS, no common cipher, the peer's
                        ///< alert, garbage bytes.
    protocol_version,   ///< No TLS version both sides accept (portsock accepts TLS 1.2 and 1.3 only).
    unexpected_eof,  ///< The transport ended without a close_notify: the stream may have been truncated (an
                     ///< attack or a crash), so it is an error, never end of stream.
    protocol_error,  ///< After the handshake, the peer sent bytes that are not valid TLS records (bad record
                     ///< MAC, garbage).
    want_read,       ///< Non-blocking mode: the operation needs the socket readable; wait for
                     ///< poll_events::readable and call again. Also equals std::errc::operation_would_block.
    want_write,      ///< Non-blocking mode: the operation needs the socket writable; wait for
                     ///< poll_events::writable and call again. Also equals std::errc::operation_would_block.
    invalid_certificate,  ///< A certificate or CA file, directory or PEM text could not be loaded.
    invalid_private_key,  ///< A private key could not be loaded, or does not match the certificate.
    wrong_role,           ///< A client context used for a server stream, or the other way round;
                          ///< std::errc::invalid_argument.
    not_supported,        ///< A setting OpenSSL refused (e.g. an empty or too long ALPN name);
                          ///< std::errc::invalid_argument.
};

/// The category of TLS error codes (name "portsock.tls"); see tls_errc.
/// @return the one instance of the category.
/// @threadsafety Safe to call from any thread.
PORTSOCK_TLS_EXPORT const std::error_category& tls_category() noexcept;

/// Makes an error_condition of tls_category(), so `ec == tls_errc::unexpected_eof` works.
/// @param e the condition. @return the condition.
/// @threadsafety Safe to call from any thread.
inline std::error_condition make_error_condition(tls_errc e) noexcept {
    return {static_cast<int>(e), tls_category()};
}

/// Makes an error_code of tls_category() with exactly this value (used by portsock; user
/// code compares with the condition).
/// @param e the error. @return the code.
/// @threadsafety Safe to call from any thread.
inline std::error_code make_error_code(tls_errc e) noexcept { return {static_cast<int>(e), tls_category()}; }

/// Which side of the handshake a tls_context is for.
enum class tls_role : std::uint8_t {
    client,  ///< Connects, sends SNI, verifies the server's certificate and host name.
    server,  ///< Accepts, presents a certificate chain.
};

/// A protocol version bound of a tls_context. Nothing older than TLS 1.2 exists here.
enum class tls_version : std::uint8_t {
    tls1_2,  ///< TLS 1.2 (RFC 5246): the default minimum.
    tls1_3,  ///< TLS 1.3 (RFC 8446): the default maximum.
};

/// TLS settings and credentials shared by many streams: the role, trusted CAs, the
/// certificate chain and key, the minimum version and ALPN protocols.
///
/// A **client** context verifies the server by default, against the system trust store
/// (OpenSSL's default paths), and checks the host name the client connected to. Turning
/// verification off is only possible through a member whose name says so:
/// set_insecure_no_verification(). A **server** context needs a certificate chain and its
/// private key; it does not ask clients for certificates unless
/// set_require_client_certificate() is on.
///
/// Set a context up before the first stream uses it.
/// @snippet tls_guide.cpp client context
///
/// @threadsafety Once set up, one context may be used by any number of streams in any
/// number of threads at once. Changing it while streams are being created is a data race.
/// @platformnote On Windows OpenSSL's default paths are not the Windows certificate store:
/// pass a CA file (e.g. the one your application ships) with load_verify_file().
/// @see @ref tls "TLS guide"
class PORTSOCK_TLS_EXPORT tls_context {
public:
    /// Creates a context for `role`, TLS 1.2 minimum; a client one also loads the system
    /// trust store and turns verification on.
    /// @param role client or server.
    /// @throws std::system_error if OpenSSL cannot create it (out of memory), or with
    ///         std::errc::invalid_argument if `role` is not a tls_role value.
    explicit tls_context(tls_role role);

    /// Creates a context; see tls_context(tls_role).
    /// @param role client or server. @param ec set on failure.
    /// @return the context; on error an empty one (is_valid() false; its setters report
    /// errc::not_open, and streams cannot be made from it).
    static tls_context create(tls_role role, std::error_code& ec) noexcept;

    /// Creates a server context that presents the certificate chain and private key in two
    /// PEM files: tls_context(tls_role::server), then use_certificate_chain_file() and
    /// use_private_key_file(), in one expression (Python's `load_cert_chain(cert, key)`).
    /// @code
    /// const auto context = portsock::tls_context::server("chain.pem", "key.pem");
    /// @endcode
    /// @param certificate_chain_file this server's certificate first, then its intermediates.
    /// @param private_key_file the certificate's key, unencrypted (an encrypted one needs
    ///        use_private_key_file(const std::string&, std::string_view)).
    /// @return the context, ready for streams.
    /// @throws std::system_error with tls_errc::invalid_certificate (a missing or unreadable
    ///         chain file), tls_errc::invalid_private_key (a missing key file, or a key that
    ///         does not match the certificate), std::errc::invalid_argument (an empty path or
    ///         one that holds a NUL), std::errc::too_many_files_open; what() names the file.
    static tls_context server(const std::string& certificate_chain_file, const std::string& private_key_file);
    /// See server(const std::string&, const std::string&).
    /// @param certificate_chain_file the chain. @param private_key_file its key.
    /// @param ec set on failure, with the same errors.
    /// @return the context; on error an empty one (is_valid() false).
    static tls_context server(const std::string& certificate_chain_file, const std::string& private_key_file,
                              std::error_code& ec) noexcept;

    /// Creates a client context that trusts the CA certificates in a PEM file as well as the
    /// system trust store: tls_context(tls_role::client), then load_verify_file(), in one
    /// expression (Python's `create_default_context(cafile=...)`, which trusts the file alone).
    /// @param ca_file the CA certificates.
    /// @return the context, verifying servers and their host names.
    /// @throws std::system_error with tls_errc::invalid_certificate (a missing or unreadable
    ///         file), std::errc::invalid_argument (an empty path or one that holds a NUL),
    ///         std::errc::too_many_files_open; what() names the file.
    static tls_context client(const std::string& ca_file);
    /// See client(const std::string&). @param ca_file the CA certificates.
    /// @param ec set on failure, with the same errors.
    /// @return the context; on error an empty one (is_valid() false).
    static tls_context client(const std::string& ca_file, std::error_code& ec) noexcept;

    /// Creates a client context that trusts `ca_file` (see client(const std::string&)) and
    /// presents a certificate chain and key, for servers that require one (mutual TLS).
    /// @param ca_file the CA certificates. @param certificate_chain_file this client's chain.
    /// @param private_key_file its key, unencrypted.
    /// @return the context.
    /// @throws std::system_error with the errors of client(const std::string&) and of
    ///         server(const std::string&, const std::string&).
    static tls_context client(const std::string& ca_file, const std::string& certificate_chain_file,
                              const std::string& private_key_file);
    /// See client(const std::string&, const std::string&, const std::string&).
    /// @param ca_file the CA certificates. @param certificate_chain_file the chain.
    /// @param private_key_file its key. @param ec set on failure, with the same errors.
    /// @return the context; on error an empty one (is_valid() false).
    static tls_context client(const std::string& ca_file, const std::string& certificate_chain_file,
                              const std::string& private_key_file, std::error_code& ec) noexcept;

    /// Releases the context; streams made from it keep what they need.
    ~tls_context();
    /// Moves the context; `other` becomes empty (is_valid() false).
    /// @param other the context to take over.
    tls_context(tls_context&& other) noexcept = default;
    /// Moves the context; `other` becomes empty (is_valid() false).
    /// @param other the context to take over. @return this.
    tls_context& operator=(tls_context&& other) noexcept = default;
    tls_context(const tls_context&) = delete;             ///< Move-only.
    tls_context& operator=(const tls_context&) = delete;  ///< Move-only.

    /// The role given at creation. @return client or server.
    tls_role role() const noexcept { return role_; }

    /// Trusts the CA certificates in a PEM file (in addition to those already trusted).
    /// @param path the file. @throws std::system_error with tls_errc::invalid_certificate
    ///        (what() names the file), or std::errc::too_many_files_open when no descriptor
    ///        is left to open it.
    void load_verify_file(const std::string& path);
    /// See load_verify_file(const std::string&). @param path the file. @param ec set on failure.
    void load_verify_file(const std::string& path, std::error_code& ec) noexcept;

    /// Trusts the CA certificates in a directory prepared with `openssl rehash`
    /// (files named by subject hash, looked up when needed).
    /// @param path the directory. @throws std::system_error with tls_errc::invalid_certificate
    ///        if it does not exist or is not a directory (OpenSSL would only find out at the
    ///        first verification; the message says which), the OS error if it cannot be looked
    ///        at (e.g. std::errc::permission_denied), std::errc::invalid_argument if it is empty
    ///        or holds a NUL. what() names the directory. A verification that cannot open a file
    ///        of the directory because no descriptor is left fails with
    ///        std::errc::too_many_files_open (is_resource_exhaustion()).
    void add_verify_path(const std::string& path);
    /// See add_verify_path(const std::string&). @param path the directory. @param ec set on failure.
    void add_verify_path(const std::string& path, std::error_code& ec) noexcept;

    /// Trusts the CA certificates of PEM text (one or more `BEGIN CERTIFICATE` blocks).
    /// @param pem the text. @throws std::system_error with tls_errc::invalid_certificate.
    void add_certificate_authority(std::string_view pem);
    /// See add_certificate_authority(std::string_view). @param pem the text. @param ec set on failure.
    void add_certificate_authority(std::string_view pem, std::error_code& ec) noexcept;

    /// Uses the certificate chain in a PEM file: this side's certificate first, then its
    /// intermediates.
    /// @param path the file. @throws std::system_error with tls_errc::invalid_certificate.
    void use_certificate_chain_file(const std::string& path);
    /// See use_certificate_chain_file(const std::string&). @param path the file. @param ec set on failure.
    void use_certificate_chain_file(const std::string& path, std::error_code& ec) noexcept;

    /// Uses a certificate chain given as PEM text; see use_certificate_chain_file().
    /// @param pem the text. @throws std::system_error with tls_errc::invalid_certificate.
    void use_certificate_chain(std::string_view pem);
    /// See use_certificate_chain(std::string_view). @param pem the text. @param ec set on failure.
    void use_certificate_chain(std::string_view pem, std::error_code& ec) noexcept;

    /// Uses the private key in a PEM file (unencrypted; RSA, EC or Ed25519). Load the
    /// certificate first: the key is checked against it. An encrypted key fails here with a
    /// message that says so: OpenSSL never prompts for a pass phrase on the terminal. Give
    /// it with use_private_key_file(const std::string&, std::string_view).
    /// @param path the file. @throws std::system_error with tls_errc::invalid_private_key
    ///        (what() names the file).
    void use_private_key_file(const std::string& path);
    /// See use_private_key_file(const std::string&). @param path the file. @param ec set on failure.
    void use_private_key_file(const std::string& path, std::error_code& ec) noexcept;

    /// Uses the private key in a PEM file, encrypted with `pass_phrase` (an unencrypted key
    /// is used as it is). portsock keeps no copy of the pass phrase.
    /// @param path the file. @param pass_phrase what decrypts it.
    /// @throws std::system_error with tls_errc::invalid_private_key; the message says
    ///         whether the pass phrase did not decrypt it. what() names the file.
    void use_private_key_file(const std::string& path, std::string_view pass_phrase);
    /// See use_private_key_file(const std::string&, std::string_view).
    /// @param path the file. @param pass_phrase what decrypts it. @param ec set on failure.
    void use_private_key_file(const std::string& path, std::string_view pass_phrase,
                              std::error_code& ec) noexcept;

    /// Uses a private key given as PEM text; see use_private_key_file().
    /// @param pem the text. @throws std::system_error with tls_errc::invalid_private_key.
    void use_private_key(std::string_view pem);
    /// See use_private_key(std::string_view). @param pem the text. @param ec set on failure.
    void use_private_key(std::string_view pem, std::error_code& ec) noexcept;

    /// Uses an encrypted private key given as PEM text; see
    /// use_private_key_file(const std::string&, std::string_view).
    /// @param pem the text. @param pass_phrase what decrypts it.
    /// @throws std::system_error with tls_errc::invalid_private_key.
    void use_private_key(std::string_view pem, std::string_view pass_phrase);
    /// See use_private_key(std::string_view, std::string_view).
    /// @param pem the text. @param pass_phrase what decrypts it. @param ec set on failure.
    void use_private_key(std::string_view pem, std::string_view pass_phrase, std::error_code& ec) noexcept;

    /// Sets the lowest protocol version accepted (default tls_version::tls1_2).
    /// @param version the minimum. @throws std::system_error with tls_errc::not_supported,
    ///        or std::errc::invalid_argument if it is above the maximum set (no version would
    ///        be left: said here, not at the first handshake) or not a tls_version value.
    void set_minimum_version(tls_version version);
    /// See set_minimum_version(tls_version). @param version the minimum. @param ec set on failure.
    void set_minimum_version(tls_version version, std::error_code& ec) noexcept;

    /// Sets the highest protocol version accepted (default tls_version::tls1_3).
    /// @param version the maximum. @throws std::system_error with tls_errc::not_supported,
    ///        or std::errc::invalid_argument if it is below the minimum set or not a
    ///        tls_version value.
    void set_maximum_version(tls_version version);
    /// See set_maximum_version(tls_version). @param version the maximum. @param ec set on failure.
    void set_maximum_version(tls_version version, std::error_code& ec) noexcept;

    /// Offers (client) or accepts (server) these application protocols, in order of
    /// preference, by ALPN (RFC 7301), e.g. `{"h2", "http/1.1"}`. A server picks the first
    /// of its list the client offers; with none in common the connection goes on without
    /// ALPN. See tls_stream::alpn_protocol().
    /// @param protocols names of 1 to 255 bytes each.
    /// @throws std::system_error with tls_errc::not_supported for an empty or too long name.
    void set_alpn_protocols(const std::vector<std::string>& protocols);
    /// See set_alpn_protocols(const std::vector<std::string>&).
    /// @param protocols the names. @param ec set on failure.
    void set_alpn_protocols(const std::vector<std::string>& protocols, std::error_code& ec) noexcept;

    /// Server: asks every client for a certificate and rejects clients without a valid one
    /// (mutual TLS), verified against the CAs loaded into this context.
    /// @param on true to require one. Default: off.
    void set_require_client_certificate(bool on) noexcept;

    /// Tells whether a server asks clients for a certificate.
    /// @return true after set_require_client_certificate(true).
    bool requires_client_certificate() const noexcept { return require_client_certificate_; }

    /// **Insecure**: turns off certificate and host-name verification, so any server,
    /// including an attacker in the middle, is accepted. For tests and debugging only.
    /// @param on true to stop verifying; false (the default) verifies again.
    void set_insecure_no_verification(bool on) noexcept;

    /// Tells whether peers are verified. @return false only after set_insecure_no_verification(true).
    bool verifies_peer() const noexcept { return verify_; }

    /// Tells whether the context was created. @return false for a moved-from or failed context.
    bool is_valid() const noexcept { return impl_ != nullptr; }

private:
    friend class tls_stream;
    tls_context() noexcept = default;
    void load_private_key_file(const std::string& path, tls_detail::pass_phrase_source& source,
                               std::error_code& ec) noexcept;
    void load_private_key(std::string_view pem, tls_detail::pass_phrase_source& source,
                          std::error_code& ec) noexcept;
    std::shared_ptr<tls_detail::context_state> impl_;  // shared with the streams made from this context
    tls_role role_ = tls_role::client;
    bool verify_ = true;
    bool require_client_certificate_ = false;
};

/// A TLS stream over a tcp_stream: the blocking API of tcp_stream, encrypted and verified.
///
/// Make one with connect() (resolve, TCP connect and handshake within one limit), with
/// client() over a connected tcp_stream, or with server() over an accepted one. Then
/// send(), send_all(), receive() and receive_exact() work as for tcp_stream, with the same
/// timeouts and both error forms. It satisfies the stream interface of portsock's buffered
/// reader (`receive(void*, std::size_t, std::error_code&, timeout) noexcept`).
///
/// **End of stream** is the peer's close_notify: receive() then returns 0 with no error.
/// A transport that ends *without* close_notify is tls_errc::unexpected_eof: an attacker
/// (or a crash) may have cut the data short, so it is never reported as a clean end.
/// Call send_close_notify() before closing so your peer sees a clean end.
///
/// **Non-blocking mode**: if the tcp_stream is non-blocking (set_non_blocking()), an
/// operation that cannot proceed fails with tls_errc::want_read or tls_errc::want_write
/// (both equal std::errc::operation_would_block): wait for that readiness with a poller
/// and call the same operation again. A handshake can need either, whatever the call. After
/// a receive(), pending() bytes may already be decrypted: read them before waiting.
///
/// @snippet tls_guide.cpp client
///
/// @threadsafety Unlike tcp_stream, one TLS stream must not be used by two threads at
/// once, not even one sending while another receives: both change the TLS state. The one
/// exception is cancel(), which any thread may call while another is blocked in a call.
/// @see @ref tls "TLS guide"
class PORTSOCK_TLS_EXPORT tls_stream : public basic_stream<tls_stream, detail::no_socket> {
public:
    using basic_stream::receive;

    /// An empty stream: every operation reports errc::not_open.
    tls_stream() noexcept;
    /// Closes the connection without close_notify (call send_close_notify() first).
    ~tls_stream();
    /// Moves the stream; `other` becomes empty.
    /// @param other the stream to take over.
    tls_stream(tls_stream&& other) noexcept;
    /// Moves the stream, closing this one first; `other` becomes empty.
    /// @param other the stream to take over. @return this.
    tls_stream& operator=(tls_stream&& other) noexcept;
    tls_stream(const tls_stream&) = delete;             ///< Move-only.
    tls_stream& operator=(const tls_stream&) = delete;  ///< Move-only.

    /// Resolves `host`, connects by TCP and completes the TLS handshake as a client,
    /// sending `host` as SNI and verifying the certificate against it.
    /// @param context a client context. @param host a name or numeric address.
    /// @param port the port. @param limit how long all of it may take, resolution excluded.
    /// @return the connected, verified stream.
    /// @throws std::system_error with a tcp_stream::connect() error,
    ///         tls_errc::certificate_verify_failed, tls_errc::handshake_failure,
    ///         tls_errc::protocol_version, tls_errc::unexpected_eof or std::errc::timed_out.
    static tls_stream connect(const tls_context& context, std::string_view host, std::uint16_t port,
                              timeout limit = {});
    /// See connect(const tls_context&, std::string_view, std::uint16_t, timeout).
    /// @param context the client context. @param host the name. @param port the port.
    /// @param ec set on failure. @param limit how long it may take.
    /// @return the stream, or an empty one on error.
    static tls_stream connect(const tls_context& context, std::string_view host, std::uint16_t port,
                              std::error_code& ec, timeout limit = {}) noexcept;

    /// Starts TLS as a client on a connected TCP stream and runs the handshake.
    ///
    /// `server_name` is sent as SNI (unless it is an IP address) and the certificate is
    /// verified against it (a DNS name or IP address in its subjectAltName). As RFC 9525
    /// says: the subject's CN is never used, and a wildcard matches only as a whole
    /// left-most label (`*.example.com` matches `www.example.com`; `f*.example.com`
    /// matches nothing). The trailing dot of an absolute name (`"localhost."`) is dropped
    /// from both, as curl and Java do: RFC 6066 forbids it in SNI, and it names the same
    /// host. Blocking
    /// stream: returns once the handshake is done. Non-blocking stream: may fail with
    /// tls_errc::want_read / want_write, and then returns the stream (not an empty one):
    /// call handshake() when the socket is ready.
    /// @param stream the connected stream (taken over). @param context a client context.
    /// @param server_name the name the client connected to; empty only with
    ///        set_insecure_no_verification(true).
    /// @param limit how long the handshake may take.
    /// @return the stream.
    /// @throws std::system_error as connect(), or tls_errc::wrong_role, std::errc::invalid_argument
    ///         (an empty name, or one that breaks resolve()'s rule for host text: a control byte
    ///         or space, a name that ends in a number without being an address such as
    ///         `"0127.0.0.1"`, a scoped IPv6 address, more than 253 bytes, two trailing dots).
    ///         what() names the server name and the peer's address.
    static tls_stream client(tcp_stream&& stream, const tls_context& context, std::string_view server_name,
                             timeout limit = {});
    /// See client(tcp_stream&&, const tls_context&, std::string_view, timeout).
    /// @param stream the stream. @param context the client context. @param server_name the name.
    /// @param ec set on failure. @param limit how long it may take.
    /// @return the stream; empty on an error other than want_read / want_write.
    static tls_stream client(tcp_stream&& stream, const tls_context& context, std::string_view server_name,
                             std::error_code& ec, timeout limit = {}) noexcept;

    /// Starts TLS as a server on an accepted TCP stream and runs the handshake; the
    /// non-blocking rules are those of client().
    /// @param stream the accepted stream (taken over). @param context a server context
    ///        with a certificate and key. @param limit how long the handshake may take.
    /// @return the stream.
    /// @throws std::system_error with tls_errc::handshake_failure, tls_errc::protocol_version,
    ///         tls_errc::unexpected_eof, tls_errc::certificate_verify_failed (client
    ///         certificates), tls_errc::wrong_role, std::errc::timed_out, or an OS error;
    ///         tls_errc::invalid_certificate or tls_errc::invalid_private_key, before anything
    ///         is read, if the context has no certificate or no key. what() names the peer.
    static tls_stream server(tcp_stream&& stream, const tls_context& context, timeout limit = {});
    /// See server(tcp_stream&&, const tls_context&, timeout).
    /// @param stream the stream. @param context the server context. @param ec set on failure.
    /// @param limit how long it may take. @return the stream; empty on an error other than
    /// want_read / want_write.
    static tls_stream server(tcp_stream&& stream, const tls_context& context, std::error_code& ec,
                             timeout limit = {}) noexcept;

    /// Sets up TLS as a client on a connected TCP stream, as client() does, without running
    /// the handshake: call handshake() next. A handshake run this way can be cancelled from
    /// another thread with cancel(), which client() cannot offer (it returns only when the
    /// handshake is done).
    /// @param stream the connected stream (taken over). @param context a client context.
    /// @param server_name as for client().
    /// @return the stream, handshake not started.
    /// @throws std::system_error with tls_errc::wrong_role, errc::not_open (an empty stream
    ///         or context), std::errc::invalid_argument (the name, as for client()).
    static tls_stream prepare_client(tcp_stream&& stream, const tls_context& context,
                                     std::string_view server_name);
    /// See prepare_client(tcp_stream&&, const tls_context&, std::string_view).
    /// @param stream the stream. @param context the client context. @param server_name the name.
    /// @param ec set on failure. @return the stream; empty on error.
    static tls_stream prepare_client(tcp_stream&& stream, const tls_context& context,
                                     std::string_view server_name, std::error_code& ec) noexcept;

    /// Sets up TLS as a server on an accepted TCP stream, as server() does, without running
    /// the handshake: call handshake() next; cancel() can stop it from another thread.
    /// @param stream the accepted stream (taken over). @param context a server context.
    /// @return the stream, handshake not started.
    /// @throws std::system_error as server() before its handshake: tls_errc::wrong_role,
    ///         errc::not_open, tls_errc::invalid_certificate or tls_errc::invalid_private_key
    ///         (the context has no certificate or no key: the message says which).
    static tls_stream prepare_server(tcp_stream&& stream, const tls_context& context);
    /// See prepare_server(tcp_stream&&, const tls_context&).
    /// @param stream the stream. @param context the server context. @param ec set on failure.
    /// @return the stream; empty on error.
    static tls_stream prepare_server(tcp_stream&& stream, const tls_context& context,
                                     std::error_code& ec) noexcept;

    /// Runs (or goes on with) the handshake; does nothing once it is done. Needed after
    /// prepare_client() or prepare_server(), and in non-blocking mode after client() or
    /// server() reported want_read / want_write.
    /// @param limit how long to wait. @throws std::system_error as client() or server().
    void handshake(timeout limit = {});
    /// See handshake(timeout). @param ec set on failure. @param limit how long to wait.
    void handshake(std::error_code& ec, timeout limit = {}) noexcept;

    /// Encrypts and sends some of the bytes: at least one unless an error occurs.
    ///
    /// After tls_errc::want_write or std::errc::timed_out, call again with the same bytes
    /// (at least as many): TLS has already taken some of them into a record.
    /// @param data the bytes. @param size how many. @param limit how long to wait.
    /// @return how many bytes were sent.
    /// @throws std::system_error, e.g. std::errc::broken_pipe, std::errc::timed_out.
    /// @errors the tcp_stream::send() errors, tls_errc::want_write / want_read
    /// (non-blocking), tls_errc::protocol_error, errc::not_open.
    std::size_t send(const void* data, std::size_t size, timeout limit = {});
    /// See send(const void*, std::size_t, timeout).
    /// @param data the bytes. @param size how many. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes were sent (0 on error).
    std::size_t send(const void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;

    /// Receives and decrypts some bytes: waits until at least one arrives or the stream ends.
    /// @param data where to put them. @param size the room there. @param limit how long to wait.
    /// @return how many bytes arrived; **0 means the peer sent close_notify** (for `size > 0`).
    /// @throws std::system_error, e.g. tls_errc::unexpected_eof, std::errc::timed_out.
    /// @errors tls_errc::unexpected_eof (the TCP stream ended without close_notify),
    /// tls_errc::protocol_error (garbage), std::errc::connection_reset, std::errc::timed_out
    /// (the stream stays usable), tls_errc::want_read / want_write (non-blocking), errc::not_open.
    std::size_t receive(void* data, std::size_t size, timeout limit = {});
    /// See receive(void*, std::size_t, timeout).
    /// @param data where to put them. @param size the room there. @param ec set on failure.
    /// @param limit how long to wait. @return how many bytes arrived; 0 at end of stream or on error.
    std::size_t receive(void* data, std::size_t size, std::error_code& ec, timeout limit = {}) noexcept;
    /// Ends the TLS session cleanly: sends close_notify, then shuts down the TCP sending
    /// side (tcp_stream::shutdown(shutdown_type::send)). The peer reads end of stream; this
    /// side may still receive until the peer's own close_notify. Named for what it sends, so
    /// it is not mistaken for the TCP stream's shutdown of one direction.
    /// @param limit how long sending may take.
    /// @throws std::system_error, e.g. std::errc::broken_pipe, std::errc::timed_out.
    void send_close_notify(timeout limit = {});
    /// See send_close_notify(timeout). @param ec set on failure. @param limit how long it may take.
    void send_close_notify(std::error_code& ec, timeout limit = {}) noexcept;

    /// The former name of send_close_notify(timeout).
    /// @param limit how long sending may take. @throws std::system_error as send_close_notify().
    [[deprecated("use send_close_notify(): shutdown() is the TCP name for one direction")]] void shutdown(
        timeout limit = {}) {
        send_close_notify(limit);
    }
    /// The former name of send_close_notify(std::error_code&, timeout).
    /// @param ec set on failure. @param limit how long it may take.
    [[deprecated("use send_close_notify(): shutdown() is the TCP name for one direction")]] void shutdown(
        std::error_code& ec, timeout limit = {}) noexcept {
        send_close_notify(ec, limit);
    }

    /// Makes every call blocked on this stream in another thread (a handshake, receive,
    /// send or shutdown) return, and every later call fail, with
    /// std::errc::operation_canceled, until close(): tcp_stream::cancel() on the stream
    /// underneath, with its contract. The connection is shut down without close_notify, so
    /// the peer sees unexpected_eof (or a reset), not a clean end.
    /// @throws std::system_error if the OS fails to shut the socket down.
    /// @threadsafety The one call that may run concurrently with another call on the same
    /// stream (except close(), destruction and moves): cancel(), join the thread, then close.
    void cancel();
    /// See cancel(). @param ec set if the OS fails to shut the socket down.
    void cancel(std::error_code& ec) noexcept;

    /// Closes the connection at once, without close_notify. Never fails.
    void close() noexcept;

    /// Decrypted bytes buffered here, which receive() returns without reading the socket.
    /// @return the count, in bytes.
    std::size_t pending() const noexcept;

    /// Tells whether the handshake has completed. @return true once it has.
    bool is_handshake_done() const noexcept;

    /// The protocol ALPN chose, e.g. "h2"; empty if none.
    /// @return the name.
    std::string alpn_protocol() const;

    /// The host name of SNI: on a server, the name the client asked for (empty if it sent
    /// none, e.g. when it connected to an IP address); on a client, the name it sends, without
    /// the trailing dot of an absolute name (see client()).
    /// @return the name.
    std::string server_name() const;

    /// The protocol version in use, e.g. "TLSv1.3"; empty before the handshake.
    /// @return the name.
    std::string protocol_version() const;

    /// The underlying TCP stream: for the poller, options, endpoints and
    /// set_non_blocking(). Reading or writing it directly corrupts the TLS session.
    /// @return the stream; for an empty tls_stream, an empty tcp_stream.
    tcp_stream& next_layer() noexcept;
    /// The underlying TCP stream. @return the stream.
    const tcp_stream& next_layer() const noexcept;

    /// The OS handle of the TCP stream (for a poller). @return it, or invalid_native_handle.
    native_handle_type native_handle() const noexcept;

    /// Tells whether the stream holds a connection. @return true if it does.
    bool is_open() const noexcept;

private:
    explicit tls_stream(std::unique_ptr<tls_detail::stream_state> s) noexcept;
    static tls_stream start(tls_stream&& prepared, std::error_code& ec, timeout limit) noexcept;
    std::unique_ptr<tls_detail::stream_state> state_;
};

namespace detail {
template <>
struct stream_type_name<tls_stream> {
    static constexpr const char* value = "portsock::tls_stream";
};
}  // namespace detail

}  // namespace portsock

/// @cond INTERNAL
template <>
struct std::is_error_condition_enum<portsock::tls_errc> : std::true_type {};
/// @endcond
