import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP request and its answer, for the REST APIs the plugins speak
/// (Patroni's `/cluster`, Consul's `/v1/kv`).
///
/// URLSession from FoundationNetworking ships with the toolchain and uses
/// the system's libcurl and CA store, so TLS needs nothing compiled in; it
/// replaced AsyncHTTPClient, whose SwiftNIO and BoringSSL were most of a
/// clean build's time (issue 14). A refused connection fails at once, so no
/// probe before the request is needed.
enum HTTPExchange {
    /// The request's method, as the wire spells it.
    enum Method: String, Sendable {
        case get = "GET", put = "PUT", delete = "DELETE"
    }

    /// Why there is no answer: the server could not be reached, or said too much.
    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// Sends `method url` with `headers` and `body`; the status and at most
    /// `limit` bytes of body. Throws when no answer came within `timeout`.
    static func send(_ method: Method, _ url: String, headers: [String: String] = [:], body: [UInt8]? = nil,
                     timeout: Duration, limit: Int = 8 << 20) async throws(Failure) -> (status: Int, body: [UInt8]) {
        guard let address = URL(string: url), address.host != nil else { throw Failure(description: "not a URL: \(url)") }
        var request = URLRequest(url: address, cachePolicy: .reloadIgnoringLocalCacheData,
                                 timeoutInterval: max(0.05, Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18))
        request.httpMethod = method.rawValue
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body { request.httpBody = Data(body) }
        let data: Data, response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            let text = reason(error)
            // libcurl trusts only the system's store; no variable changes
            // that on Linux (URLSessionCertificateAuthorityInfoFile is read
            // on Android only, SSL_CERT_FILE and CURL_CA_BUNDLE not at all).
            guard text.contains("SSL certificate problem") else { throw Failure(description: text) }
            throw Failure(description: text + " (to trust the API's own CA: copy it to /usr/local/share/ca-certificates/NAME.crt and run update-ca-certificates)")
        }
        guard let http = response as? HTTPURLResponse else { throw Failure(description: "no HTTP answer from \(url)") }
        guard data.count <= limit else { throw Failure(description: "\(url) answered with more than \(limit) bytes") }
        return (http.statusCode, [UInt8](data))
    }

    /// One session for the process: connections to a member are reused
    /// between requests, as a running shell asks the same API again.
    private static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        return URLSession(configuration: configuration)
    }()

    /// libcurl's words for what went wrong (`Could not connect to server`),
    /// without Foundation's error domain and code around them.
    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        if let text = error.userInfo[NSLocalizedDescriptionKey] as? String, !text.isEmpty { return text }
        return error.localizedDescription
    }
}
