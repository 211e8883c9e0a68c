import OpsKit
import Testing

@Suite("Splitting a line into words")
struct WordsTests {
    static let splits: [(String, [String])] = [
        ("knife ssh roles:dr-base-db-patroni 'sudo systemctl stop patroni'",
         ["knife", "ssh", "roles:dr-base-db-patroni", "sudo systemctl stop patroni"]),
        (#"echo "a b" c\ d 'e f'"#, ["echo", "a b", "c d", "e f"]),
        (#"echo "say \"hi\"" 'it'\''s'"#, ["echo", #"say "hi""#, "it's"]),
        (#"echo 'back\slash' "back\slash""#, ["echo", #"back\slash"#, #"back\slash"#]),
        ("  spaced\tout   words  ", ["spaced", "out", "words"]),
        ("echo a#b # the rest is a comment", ["echo", "a#b"]),
        ("echo ''", ["echo", ""]),
        (#"echo \$HOME '\$date' "\$date""#, ["echo", "$HOME", "$date", "$date"]),
        ("echo $1 $? $$ ${#x} $(hostname) `id`", ["echo", "$1", "$?", "$$", "${#x}", "$(hostname)", "`id`"]),
    ]

    @Test("splits like a POSIX shell", arguments: splits)
    func splitsLikeAShell(line: String, expected: [String]) throws {
        let words = try Words(parsing: line)
        #expect(words.words.map(\.symbolicText) == expected)
    }

    @Test("a comment-only or blank line holds no command", arguments: ["", "   ", "# just a note", "\t# indented note"])
    func emptyLines(line: String) throws {
        #expect(try Words(parsing: line).isEmpty)
    }

    @Test("keeps the comment text")
    func keepsComment() throws {
        #expect(try Words(parsing: "rm -rf x # TAKE CARE!").comment == "TAKE CARE!")
    }

    @Test("finds session variables inside single quotes too")
    func referencesInSingleQuotes() throws {
        let words = try Words(parsing: "knife ssh roles:x 'sudo rm -rf $datadir/'")
        let inner = words.words[3]
        #expect(inner.variableNames == ["datadir"])
        #expect(inner.symbolicText == "sudo rm -rf $datadir/")
    }

    @Test("recognises ${NAME} and the date forms", arguments: [
        ("cp a b.${date}", "${date}"), ("cp a b.$(date +%F)", "$(date +%F)"), ("cp a b.$(date +%Y-%m-%d)", "$(date +%Y-%m-%d)"),
    ])
    func referenceSpellings(line: String, spelling: String) throws {
        let words = try Words(parsing: line)
        let references = words.words[2].pieces.compactMap { piece -> Reference? in
            if case .reference(let reference) = piece { reference } else { nil }
        }
        #expect(references.map(\.spelling) == [spelling])
        #expect(references.first?.column == line.count - spelling.count + 1)
    }

    @Test("an unbalanced quote is an error with the column of the quote", arguments: [
        ("echo 'unclosed", "'", 6), (#"knife ssh x "sudo ls"#, "\"", 13), (#"a 'b' "c"#, "\"", 7),
        (#"echo 'ends in \"#, "'", 6), (#"echo "ends in \"#, "\"", 6), ("é ü 'x", "'", 5),
    ])
    func unbalancedQuote(line: String, quote: Character, column: Int) {
        #expect(throws: LanguageError(.unterminatedQuote(quote), column: column)) { try Words(parsing: line) }
        let error = try? #require(throws: LanguageError.self) { try Words(parsing: line) }
        #expect(error?.isIncomplete == true)
        #expect(error?.description.contains("column \(column)") == true)
    }

    @Test("a trailing backslash asks for the next line, and backslash-newline joins lines")
    func trailingBackslash() throws {
        let error = try #require(throws: LanguageError.self) { try Words(parsing: "echo a \\") }
        #expect(error.isIncomplete)
        #expect(try Words(parsing: "echo a\\\nb").words.map(\.symbolicText) == ["echo", "ab"])
    }

    @Test("notices unquoted shell syntax, not quoted", arguments: [
        ("echo x | cat", true), ("a; b", true), ("a && b", true), ("cat < f", true), ("sleep 1 &", true), ("echo `id`", true),
        ("echo '|;&<>'", false), (#"echo "a > b""#, false), (#"echo \| x"#, false), ("knife ssh roles:x 'a | b'", false),
    ])
    func shellSyntax(line: String, expected: Bool) throws {
        #expect(try Words(parsing: line).hasShellSyntax == expected)
    }

    @Test("columns count characters, not bytes, and escapes and references keep their pieces")
    func columnsAndPieces() throws {
        let words = try Words(parsing: #"é ü\ ö$x "ä$y" 'z'"#)
        #expect(words.words.map(\.column) == [1, 3, 10, 16])
        let references = words.words.map { word in
            word.pieces.map { piece in
                switch piece {
                case .literal(let text): text
                case .reference(let reference): "\(reference.spelling)@\(reference.column)"
                }
            }
        }
        #expect(references == [["é"], ["ü ö", "$x@7"], ["ä", "$y@12"], ["z"]])
        #expect(words.source.symbolicText == #"é ü\ ö$x "ä$y" 'z'"#)
    }

    @Test("\\$ gives the shell a bare $ to expand, in every quoting")
    func escapedDollar() throws {
        #expect(try Words(parsing: #"echo \$a '\$b' "\$c""#).source.symbolicText == #"echo $a '$b' "$c""#)
    }

    @Test("keeps the shell text with its quotes for sh -c, comment dropped")
    func sourceKeepsQuotes() throws {
        let words = try Words(parsing: #"tail -f /var/log/x | grep "a b" # watch"#)
        #expect(words.source.symbolicText == #"tail -f /var/log/x | grep "a b""#)
    }
}

@Suite("Joining continuation lines")
struct LineAssemblerTests {
    @Test("an open quote continues on the next line")
    func openQuoteContinues() {
        var assembler = LineAssembler()
        #expect(assembler.add("echo 'first") == nil)
        #expect(assembler.isContinuing)
        #expect(assembler.add("second'") == "echo 'first\nsecond'")
        #expect(!assembler.isContinuing)
        #expect(assembler.add("vars") == "vars")
    }
}
