/// Splits a shell block's lines into commands, lines that may be commands,
/// and output (`RunbookReader`'s rule 6).
struct CommandReader {
    let lines: [String]
    let firstLine: Int
    var commands: [RunbookCommand] = []
    var output: [String] = []
    private var index = 0

    init(lines: [String], firstLine: Int) {
        self.lines = lines
        self.firstLine = firstLine
    }

    /// Reads the block as shell; returns false, reading nothing but the
    /// known tools' lines (as unsure), when the block has no shell info
    /// string and its first line does not read as shell: it is text.
    mutating func read(infoSaysShell: Bool) -> Bool {
        if lines.contains(where: { ShellPrompt.strip($0) != nil }) {
            readPrompted()
            return true
        }
        var sawCommand = false
        var inOutput = false
        while index < lines.count {
            let line = lines[index]
            let body = line.strippedOfBlanks
            if body.isEmpty || !inOutput && body.first == "#" {
                index += 1
            } else if !inOutput && ShellLineShape.readsAsShell(body) {
                readCommand(body, prompted: false, kind: .command)
                sawCommand = true
            } else if !sawCommand && !infoSaysShell {
                commands = []
                output = lines.filter { !$0.isBlankLine }
                findUnsure()
                return false
            } else if !sawCommand {
                // Output is output only after a command: in a shell block
                // with none before it, the line may be either.
                readCommand(body, prompted: false, kind: .unsure)
            } else if inOutput && ShellLineShape.startsWithKnownTool(body) {
                readCommand(body, prompted: false, kind: .unsure)
            } else {
                inOutput = true
                output.append(line)
                index += 1
            }
        }
        return true
    }

    /// In a block that is not shell, the lines that start with a known tool
    /// are offered as unsure: no line that could be a command is hidden.
    mutating func findUnsure() {
        for (offset, line) in lines.enumerated() {
            let body = line.strippedOfBlanks
            if ShellLineShape.startsWithKnownTool(body) {
                commands.append(RunbookCommand(text: String(body), line: firstLine + offset, kind: .unsure))
            }
        }
    }

    /// With prompts, only the prompted lines are commands, prompt removed.
    private mutating func readPrompted() {
        while index < lines.count {
            let line = lines[index]
            if line.strippedOfBlanks.isEmpty {
                index += 1
            } else if let command = ShellPrompt.strip(line) {
                readCommand(command, prompted: true, kind: .command)
            } else {
                output.append(line)
                index += 1
            }
        }
    }

    /// Reads the command starting at `index`, whose first line is `first`
    /// (prompt removed), with its continuation lines and here-documents.
    private mutating func readCommand(_ first: Substring, prompted: Bool, kind: RunbookCommand.Kind) {
        let start = index
        index += 1
        var text = String(first.strippedOfBlanks)
        var scan = ShellLineScan()
        scan.read(text[...])
        while scan.continues, index < lines.count {
            let next = Self.continuation(lines[index], prompted: prompted)
            index += 1
            if scan.endsInBackslash {
                text.removeLast()
                if scan.quote != nil {
                    text += next
                } else if text.last?.isWhitespace == true || next.first?.isWhitespace == true {
                    text = text.trimmingTrailingBlanks() + " " + next.drop { $0.isWhitespace }
                } else {
                    text += next
                }
            } else {
                text += "\n" + next
            }
            scan.read(next)
        }
        for delimiter in scan.hereDocuments {
            while index < lines.count {
                let next = Self.continuation(lines[index], prompted: prompted)
                index += 1
                text += "\n" + next
                if next.strippedOfBlanks == delimiter { break }
            }
        }
        if scan.endsInBackslash { text.removeLast() }
        text = text.trimmingTrailingBlanks()
        // `$ # note` and a bare `$` are not commands.
        guard let head = text.first, head != "#" else { return }
        commands.append(RunbookCommand(text: text, line: firstLine + start, kind: kind))
    }

    /// A continuation line, without the `> ` prompt a terminal shows for one.
    private static func continuation(_ line: String, prompted: Bool) -> Substring {
        prompted && line.hasPrefix("> ") ? line.dropFirst(2) : line[...]
    }
}
