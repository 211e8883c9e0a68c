#if canImport(Glibc)
import Glibc
#endif

/// Standard input as lines, read lazily so a pipe feeds the shell as it comes.
struct StandardInputLines: Sequence, IteratorProtocol {
    mutating func next() -> String? { Swift.readLine(strippingNewline: true) }
}
