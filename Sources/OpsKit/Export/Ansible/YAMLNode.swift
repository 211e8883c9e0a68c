/// A YAML document as the Ansible export writes it: block mappings and
/// sequences of scalars, every string double-quoted and escaped, so that no
/// value (a host name, a variable, a command) can end its scalar early or
/// add a key. Strings Ansible must not template are tagged `!unsafe`.
indirect enum YAMLNode: Sendable, Equatable {
    /// A string Ansible takes literally, never templated: `!unsafe "…"`
    /// when it holds a `{`, plainly quoted otherwise.
    case text(String)
    /// A Jinja template the exporter wrote itself (`"{{ date | quote }}"`).
    case template(String)
    /// A bare token the exporter chose: `true`, `30`, a module name.
    case plain(String)
    case list([YAMLNode])
    case map([(key: String, value: YAMLNode)])

    static func == (a: YAMLNode, b: YAMLNode) -> Bool {
        switch (a, b) {
        case (.text(let x), .text(let y)), (.template(let x), .template(let y)), (.plain(let x), .plain(let y)): x == y
        case (.list(let x), .list(let y)): x == y
        case (.map(let x), .map(let y)): x.map(\.key) == y.map(\.key) && x.map(\.value) == y.map(\.value)
        default: false
        }
    }

    static func bool(_ value: Bool) -> YAMLNode { .plain(value ? "true" : "false") }
    static func int(_ value: Int) -> YAMLNode { .plain(String(value)) }

    /// The node as YAML text at `indent` spaces (a document when 0).
    func rendered(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: indent)
        return out
    }

    private func write(to out: inout String, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .list(let items):
            if items.isEmpty { out += pad + "[]\n"; return }
            for item in items {
                switch item {
                case .map(let pairs) where !pairs.isEmpty:
                    // "- key: value" with the rest of the mapping under it.
                    var inner = ""
                    item.write(to: &inner, indent: indent + 2)
                    out += pad + "- " + inner.dropFirst(indent + 2)
                case .list, .map:
                    out += pad + "-\n"
                    item.write(to: &out, indent: indent + 2)
                default:
                    out += pad + "- " + item.inline + "\n"
                }
            }
        case .map(let pairs):
            if pairs.isEmpty { out += pad + "{}\n"; return }
            for (key, value) in pairs {
                switch value {
                case .list(let items) where !items.isEmpty:
                    out += pad + YAMLNode.key(key) + ":\n"
                    value.write(to: &out, indent: indent + 2)
                case .map(let inner) where !inner.isEmpty:
                    out += pad + YAMLNode.key(key) + ":\n"
                    value.write(to: &out, indent: indent + 2)
                case .list: out += pad + YAMLNode.key(key) + ": []\n"
                case .map: out += pad + YAMLNode.key(key) + ": {}\n"
                default: out += pad + YAMLNode.key(key) + ": " + value.inline + "\n"
                }
            }
        default:
            out += pad + inline + "\n"
        }
    }

    private var inline: String {
        switch self {
        // Without a `{` nothing in it can start a template (`{{`, `{%`, `{#`).
        case .text(let text): (text.contains("{") ? "!unsafe " : "") + YAMLNode.quoted(text)
        case .template(let text): YAMLNode.quoted(text)
        case .plain(let token): token
        case .list: "[]"
        case .map: "{}"
        }
    }

    /// A mapping key: bare when it is an identifier, else double-quoted.
    static func key(_ text: String) -> String {
        let bare = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_": true
            default: false
            }
        } && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
            && !(text.first?.isNumber ?? false)
        return bare ? text : quoted(text)
    }

    /// `text` as a YAML double-quoted scalar: backslash, quote and every
    /// character YAML would not keep as itself (controls, line and
    /// paragraph separators, the byte-order mark) escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0x7F || (0x80...0x9F).contains(value) {
                    out += "\\x" + hex(value, digits: 2)
                } else if value == 0x2028 || value == 0x2029 || value == 0xFEFF || value == 0x85 {
                    out += "\\u" + hex(value, digits: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

