#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether something listens at an address, answered in milliseconds.
///
/// AsyncHTTPClient retries a refused connection until the request's
/// deadline (swift-server/async-http-client#743), so an agent that is down
/// would cost the whole timeout; one connect attempt first says it at once.
public enum TCPProbe {
    /// Nil when the server of `url` (`http://host:port/…`, `https://[::1]`)
    /// accepts a connection, else why not.
    public static func failure(url: String, timeout: Duration = .seconds(2)) -> String? {
        guard let (host, port) = hostAndPort(of: url) else { return "not a URL: \(url)" }
        return failure(host: host, port: port, timeout: timeout)
    }

    /// The host and port a URL names; the scheme's port when it names none.
    static func hostAndPort(of url: String) -> (String, Int)? {
        let secure = url.hasPrefix("https://")
        guard let scheme = url.firstRange(of: "://") else { return nil }
        let authority = url[scheme.upperBound...].prefix { $0 != "/" }
        let defaultPort = secure ? 443 : 80
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            let host = String(authority[authority.index(after: authority.startIndex)..<close])
            let rest = authority[authority.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? defaultPort : defaultPort)
        }
        let parts = authority.split(separator: ":", maxSplits: 1)
        guard let host = parts.first else { return nil }
        return (String(host), parts.count == 2 ? Int(parts[1]) ?? defaultPort : defaultPort)
    }

    /// Nil when `host:port` accepts a connection within `timeout`, else why
    /// not (`Connection refused`, `timed out`, a name that does not resolve).
    public static func failure(host: String, port: Int, timeout: Duration = .seconds(2)) -> String? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else { return String(cString: gai_strerror(resolved)) }
        defer { freeaddrinfo(list) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, current.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            if connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 { return nil }
            guard errno == EINPROGRESS else { reason = String(cString: strerror(errno)); continue }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            guard poll(&poller, 1, milliseconds) == 1 else { reason = "timed out"; continue }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return nil }
            reason = String(cString: strerror(error))
        }
        return reason
    }
}
