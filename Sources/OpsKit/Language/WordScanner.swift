/// The splitting state machine behind `Words(parsing:)`.
///
/// It reads UTF-8 bytes (every character with a meaning here is ASCII) and
/// takes each run of plain text in one copy: growing a `String` a scalar at
/// a time made a 1 MB line take 231 ms.
struct WordScanner {
    let bytes: [UInt8]
    var index = 0
    var words: [Word] = []
    /// The whole line's pieces, as `sh` gets it.
    var sourcePieces = Pieces()
    var comment: String?
    var hasShellSyntax = false
    /// The word being built and its column; nil between words.
    var current: (column: Int, pieces: Pieces)?
    /// Columns count scalars, not bytes: where `column(at:)` last counted to.
    private var counted = (byte: 0, scalars: 0)

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var source: Word { Word(pieces: sourcePieces.pieces, column: 1) }

    /// A word's pieces, with the literal run at their end kept as bytes
    /// until something else follows it.
    struct Pieces {
        var pieces: [Word.Piece] = []
        var text: [UInt8] = []

        /// Makes the literal run the last piece.
        mutating func endLiteral() {
            guard !text.isEmpty else { return }
            pieces.append(.literal(String(decoding: text, as: UTF8.self)))
            text.removeAll(keepingCapacity: true)
        }

        mutating func append(_ reference: Reference) {
            endLiteral()
            pieces.append(.reference(reference))
        }
    }

    /// The 1-based column (in scalars) of the byte at `offset`.
    mutating func column(at offset: Int) -> Int {
        if offset < counted.byte { counted = (0, 0) }
        var scalars = counted.scalars
        for byte in bytes[counted.byte..<offset] where byte & 0xC0 != 0x80 { scalars += 1 }
        counted = (offset, scalars)
        return scalars + 1
    }

    /// The index just past the scalar that starts at `offset`.
    func scalarEnd(_ offset: Int) -> Int {
        var end = offset + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return end
    }

    /// The end of the run of bytes from `index` that `isPlain` accepts.
    func run(while isPlain: (UInt8) -> Bool) -> Int {
        var end = index
        while end < bytes.count, isPlain(bytes[end]) { end += 1 }
        return end
    }

    // Concrete, not generic over sequences: a debug build (the tests') pays
    // for generic metadata on every call.
    mutating func append(word run: ArraySlice<UInt8>) { current!.pieces.text.append(contentsOf: run) }
    mutating func append(source run: ArraySlice<UInt8>) { sourcePieces.text.append(contentsOf: run) }
    mutating func append(word byte: UInt8) { current!.pieces.text.append(byte) }
    mutating func append(source byte: UInt8) { sourcePieces.text.append(byte) }

    mutating func run() throws(LanguageError) {
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case .space, .tab, .lineFeed, .carriageReturn:
                endWord()
                let end = run { $0 == .space || $0 == .tab || $0 == .lineFeed || $0 == .carriageReturn }
                append(source: bytes[index..<end])
                index = end
            case .hash where current == nil:
                comment = String(decoding: bytes[(index + 1)...], as: UTF8.self).trimmingLeadingBlanks()
                index = bytes.count
            case .singleQuote, .doubleQuote:
                try quoted(by: byte)
            case .backslash:
                guard index + 1 < bytes.count else {
                    throw LanguageError(.trailingBackslash, column: column(at: index))
                }
                let next = bytes[index + 1]
                if next == .lineFeed {
                    // A backslash-newline joins two physical lines, as in sh.
                    index += 2
                    continue
                }
                startWord()
                let end = scalarEnd(index + 1)
                append(word: bytes[(index + 1)..<end])
                // `\$` is a dollar for the shell that runs the line: it gets a
                // bare `$` (and expands it). Any other escape stays as typed.
                append(source: bytes[(next == .dollar ? index + 1 : index)..<end])
                index = end
            case .dollar:
                startWord()
                dollar()
            default:
                if Self.isShellSyntax(byte) { hasShellSyntax = true }
                startWord()
                let end = max(index + 1, run { !Self.isSpecial($0) })
                append(word: bytes[index..<end])
                append(source: bytes[index..<end])
                index = end
            }
        }
        endWord()
        sourcePieces.endLiteral()
        // Trailing blanks are not part of the command.
        if case .literal(let text)? = sourcePieces.pieces.last {
            sourcePieces.pieces[sourcePieces.pieces.count - 1] = .literal(text.trimmingTrailingBlanks())
        }
    }

    /// `| ; & < > ( )` and the backquote: unquoted, they make the line the shell's.
    static func isShellSyntax(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "|"), UInt8(ascii: ";"), UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "`"): true
        default: false
        }
    }

    /// A byte that ends a run of plain text outside quotes.
    static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case .space, .tab, .lineFeed, .carriageReturn, .singleQuote, .doubleQuote, .backslash, .dollar: true
        default: isShellSyntax(byte)
        }
    }

    mutating func startWord() {
        if current == nil { current = (column(at: index), Pieces()) }
    }

    mutating func endWord() {
        guard var word = current else { return }
        current = nil
        word.pieces.endLiteral()
        words.append(Word(pieces: word.pieces.pieces, column: word.column))
    }

    /// Reads a quoted run starting at the opening quote.
    mutating func quoted(by quote: UInt8) throws(LanguageError) {
        let opening = column(at: index)
        startWord()
        append(source: quote)
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case quote:
                append(source: quote)
                index += 1
                return
            case .backslash where index + 1 < bytes.count:
                let next = bytes[index + 1]
                if next == .dollar {
                    // `\$`: a `$` that is not ours but the shell's, in either
                    // kind of quotes; the shell gets it bare.
                    append(word: next)
                    append(source: next)
                    index += 2
                } else if quote == .doubleQuote,
                          next == .backslash || next == .doubleQuote || next == UInt8(ascii: "`") || next == .lineFeed {
                    append(word: next)
                    append(source: .backslash)
                    append(source: next)
                    index += 2
                } else {
                    append(word: .backslash)
                    append(source: .backslash)
                    index += 1
                }
            case .dollar:
                dollar()
            default:
                // At least one byte: a backslash that ends the line lands here.
                let end = max(index + 1, run { $0 != quote && $0 != .backslash && $0 != .dollar })
                append(word: bytes[index..<end])
                append(source: bytes[index..<end])
                index = end
            }
        }
        throw LanguageError(.unterminatedQuote(Character(Unicode.Scalar(quote))), column: opening)
    }

    /// Reads a `$…` at `index`: a reference we expand, or a literal `$`
    /// (with whatever follows) left for the shell that runs the command.
    mutating func dollar() {
        let start = index
        if let (kind, length) = referenceAt(start) {
            // References are ASCII: their length in bytes is in scalars too.
            let spelling = String(decoding: bytes[start..<(start + length)], as: UTF8.self)
            let reference = Reference(kind: kind, spelling: spelling, column: column(at: start))
            current!.pieces.append(reference)
            sourcePieces.append(reference)
            index += length
        } else {
            append(word: .dollar)
            append(source: .dollar)
            index += 1
        }
    }

    /// The reference starting at `start` (a `$`) and its length in bytes.
    func referenceAt(_ start: Int) -> (Reference.Kind, Int)? {
        let rest = bytes[(start + 1)...]
        guard let first = rest.first else { return nil }
        let isNameByte = { (byte: UInt8) in byte < 0x80 && isNameContinue(Unicode.Scalar(byte)) }
        if ascii(first, isNameStart) {
            let name = rest.prefix(while: isNameByte)
            return (.variable(String(decoding: name, as: UTF8.self)), 1 + name.count)
        }
        if first == UInt8(ascii: "{") {
            let inner = rest.dropFirst()
            let name = inner.prefix(while: isNameByte)
            guard let firstOfName = name.first, ascii(firstOfName, isNameStart),
                  inner.dropFirst(name.count).first == UInt8(ascii: "}") else { return nil }
            return (.variable(String(decoding: name, as: UTF8.self)), 3 + name.count)
        }
        if first == UInt8(ascii: "(") {
            for form in Self.pinnedDateForms where rest.starts(with: form.utf8.dropFirst()) {
                return (.pinnedDate, form.utf8.count)
            }
        }
        return nil
    }

    private func ascii(_ byte: UInt8, _ test: (Unicode.Scalar) -> Bool) -> Bool {
        byte < 0x80 && test(Unicode.Scalar(byte))
    }

    /// The `date` commands that print today's stamp in the pinned format.
    static let pinnedDateForms = ["$(date +%F)", "$(date +%Y-%m-%d)", "$(date -I)", "$(date --iso-8601)"]
}

private extension UInt8 {
    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r"), hash = UInt8(ascii: "#"), dollar = UInt8(ascii: "$")
    static let singleQuote = UInt8(ascii: "'"), doubleQuote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
}
