/// Reads the plain shapes inventories are written in, byte by byte, far
/// faster than TOMLKit (whose parse and per-value bridging were most of
/// loading 5,000 hosts): top-level keys, `[hosts.NAME]` and
/// `[hosts."NAME"]` headers, `key = "string"`, `key = 22`, one-line arrays
/// of those, blank lines and comments. Anything else (escapes, other
/// value types, dotted keys, a table named twice…) is not guessed at: it
/// returns nil and TOMLKit reads the file. A fuzz test holds it to
/// TOMLKit's reading of every file it accepts.
enum InventoryFastReader {
    static func read(_ text: String) -> InventoryDocument? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.document()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var byte: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func document() -> InventoryDocument? {
            var document = InventoryDocument()
            var hosts: [InventoryDocument.HostEntry] = []
            var hostNames: Set<String> = []
            hostNames.reserveCapacity(bytes.count / 64)
            // Of the table being read: a few, so a list is faster than a set.
            var keys: [String] = []
            while true {
                skipBlanks()
                guard let byte else { break }
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "#") {
                    guard endOfLine() else { return nil }
                    continue
                }
                if byte == UInt8(ascii: "[") {
                    index += 1
                    guard skip("hosts."), let name = bareKey() ?? basicString(), self.byte == UInt8(ascii: "]") else { return nil }
                    index += 1
                    guard endOfLine(), hostNames.insert(name).inserted else { return nil }
                    hosts.append(.init(name: name, fields: []))
                    keys = []
                    continue
                }
                guard let key = bareKey() else { return nil }
                skipBlanks()
                guard skip("=") else { return nil }
                skipBlanks()
                guard let value = value(inArray: false), endOfLine(), !keys.contains(key) else { return nil }
                keys.append(key)
                if hosts.isEmpty {
                    guard key != "hosts" else { return nil }
                    document.settings.append(.init(key: key, value: value))
                } else {
                    hosts[hosts.count - 1].fields!.append(.init(key: key, value: value))
                }
            }
            document.hosts = hosts
            return document
        }

        mutating func skipBlanks() {
            while let byte, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { index += 1 }
        }

        mutating func skip(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// Blanks, an optional comment, then a newline or the end.
        mutating func endOfLine() -> Bool {
            skipBlanks()
            if byte == UInt8(ascii: "#") {
                while let byte, byte != UInt8(ascii: "\n") { index += 1 }
            }
            guard let byte else { return true }
            guard byte == UInt8(ascii: "\n") else { return false }
            index += 1
            return true
        }

        mutating func bareKey() -> String? {
            let start = index
            while let byte, Self.isBareKey(byte) { index += 1 }
            return index > start ? String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self) : nil
        }

        /// `"…"` without escapes (those go to TOMLKit).
        mutating func basicString() -> String? {
            guard byte == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            index = start
            while let byte, byte != UInt8(ascii: "\"") {
                guard byte != UInt8(ascii: "\\"), byte != UInt8(ascii: "\n") else { return nil }
                index += 1
            }
            guard byte != nil else { return nil }
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }

        mutating func value(inArray: Bool) -> InventoryDocument.Value? {
            guard let byte else { return nil }
            switch byte {
            case UInt8(ascii: "\""):
                return basicString().map { .string($0) }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = index
                while let digit = self.byte, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) { index += 1 }
                // No leading zeros, at most 18 digits (no overflow); what follows ends the value.
                guard index - start <= 18, byte != UInt8(ascii: "0") || index - start == 1 else { return nil }
                switch self.byte {
                case nil, UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "#"): break
                case UInt8(ascii: ","), UInt8(ascii: "]"): guard inArray else { return nil }
                default: return nil
                }
                var number = 0
                for digit in bytes[start..<index] { number = number * 10 + Int(digit - UInt8(ascii: "0")) }
                return .integer(number)
            case UInt8(ascii: "[") where !inArray:
                index += 1
                var elements: [InventoryDocument.Value] = []
                while true {
                    skipBlanks()
                    if self.byte == UInt8(ascii: "]") { index += 1; return .array(elements) }
                    guard let element = value(inArray: true) else { return nil }
                    elements.append(element)
                    skipBlanks()
                    if self.byte == UInt8(ascii: ",") { index += 1; continue }
                    guard self.byte == UInt8(ascii: "]") else { return nil }
                }
            default:
                return nil
            }
        }

        static func isBareKey(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}
