import TOMLKit

/// An inventory file as TOML values, before they are checked and become
/// hosts: what both readers produce (`InventoryFastReader` for the plain
/// shapes, TOMLKit for the rest), so one set of checks gives one set of
/// errors whichever read it.
struct InventoryDocument: Equatable {
    /// A TOML value, as much of it as an inventory field can use.
    enum Value: Equatable {
        case string(String)
        case integer(Int)
        case array([Value])
        /// Anything else (a float, a boolean, a date, a table): no field takes it.
        case other

        var string: String? { if case .string(let text) = self { text } else { nil } }
        var integer: Int? { if case .integer(let number) = self { number } else { nil } }
        /// The strings of an array of strings only.
        var strings: [String]? {
            guard case .array(let elements) = self else { return nil }
            let found = elements.compactMap(\.string)
            return found.count == elements.count ? found : nil
        }
    }

    struct Field: Equatable {
        var key: String
        var value: Value
    }

    struct HostEntry: Equatable {
        var name: String
        /// nil when `hosts.NAME` is not a table.
        var fields: [Field]?
    }

    /// Top-level keys other than `hosts`.
    var settings: [Field] = []
    /// The `[hosts.NAME]` tables; nil when `hosts` is not a table.
    var hosts: [HostEntry]? = []

    /// Keys in the order toml++ keeps them (its tables are sorted maps, by
    /// bytes), so that the first error reported is the same for both readers.
    func sorted() -> InventoryDocument {
        func bytesOrder(_ left: String, _ right: String) -> Bool { left.utf8.lexicographicallyPrecedes(right.utf8) }
        var copy = self
        copy.settings.sort { bytesOrder($0.key, $1.key) }
        copy.hosts = hosts?.sorted { bytesOrder($0.name, $1.name) }.map { host in
            HostEntry(name: host.name, fields: host.fields?.sorted { bytesOrder($0.key, $1.key) })
        }
        return copy
    }
}

extension InventoryDocument {
    /// The document TOMLKit parsed.
    init(_ table: TOMLTable) {
        settings = table.keys.filter { $0 != "hosts" }.map { Field(key: $0, value: Value(table[$0]!)) }
        guard let hostsValue = table["hosts"] else { return }
        guard let hostTables = hostsValue.table else { hosts = nil; return }
        hosts = hostTables.keys.map { name in
            HostEntry(name: name, fields: hostTables[name]?.table.map { fields in fields.keys.map { Field(key: $0, value: Value(fields[$0]!)) } })
        }
    }
}

extension InventoryDocument.Value {
    init(_ value: any TOMLValueConvertible) {
        if let text = value.string { self = .string(text) }
        else if let number = value.int { self = .integer(number) }
        else if let array = value.array { self = .array(array.map { Self($0) }) }
        else { self = .other }
    }
}
