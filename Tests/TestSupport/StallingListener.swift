import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A TCP listener on 127.0.0.1 that accepts connections and then stalls:
/// silent, or after sending an SSH banner line. For testing that a timeout
/// bounds connecting, not only running. Stopped by `stop()`.
public final class StallingListener: Sendable {
    public let port: Int
    private let socket: Int32
    private let accepted = Mutex<[Int32]>([])
    private let watcher = Mutex<Task<Void, Never>?>(nil)

    /// Listens; with `banner`, writes it to each connection it accepts.
    public init(banner: String? = nil) throws {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            throw TestFailure("cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        socket = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        guard let banner else { return }  // The kernel completes the handshake; nobody ever speaks.
        let task = Task.detached { [self] in await acceptAndGreet(banner) }
        watcher.withLock { $0 = task }
    }

    /// Accepts without blocking a thread of the shared pool (poll, then
    /// sleep), writes the banner, and keeps each connection open.
    private func acceptAndGreet(_ banner: String) async {
        while !Task.isCancelled {
            let connection = accept(socket, nil, nil)
            if connection >= 0 {
                _ = banner.withCString { write(connection, $0, strlen($0)) }
                accepted.withLock { $0.append(connection) }
            } else {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
    }

    /// Closes the listener and every connection it accepted.
    public func stop() async {
        let task = watcher.withLock { $0 }
        task?.cancel()
        await task?.value  // Not accepting any more: the socket can go.
        accepted.withLock { connections in
            connections.forEach { close($0) }
            connections = []
        }
        close(socket)
    }
}
