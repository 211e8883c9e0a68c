import Foundation
import OpsKit

/// Shows an HTTP answer as the `consul` CLI would print it (`command/kv/…`,
/// `command/members`), with its exit status, or as records for `--json`.
struct ConsulPrinter {
    let command: ConsulCommand
    let json: Bool

    func show(_ answer: (status: Int, body: [UInt8]), on console: any Console) throws(ConsulError) -> Outcome {
        let key = command.key
        if answer.status == 404, command.verb == .get {
            // A missing prefix lists nothing; a missing key is an error (exit 1).
            guard !command.isRecursive, !command.isSet("keys") else { return emit(RecordTable(columns: ["key", "value"], rows: []), text: "", on: console) }
            console.error("Error! No key exists at: \(key)")
            return Outcome(status: .exited(1))
        }
        guard answer.status == 200 else {
            throw ConsulError.status(code: answer.status, body: String(decoding: answer.body, as: UTF8.self).trimmingTrailingBlanks())
        }
        switch command.verb {
        case .members:
            let members = try ConsulMember.parse(answer.body)
            return emit(ConsulMember.table(members), text: ConsulMember.columnized(members), on: console)
        case .get where command.isSet("keys"):
            guard let keys = try? JSONSerialization.jsonObject(with: Data(answer.body)) as? [String] else {
                throw ConsulError.unreadable("?keys did not answer with a list of keys")
            }
            return emit(RecordTable(columns: ["key"], rows: keys.map { [$0] }), text: keys.map { $0 + "\n" }.joined(), on: console)
        case .get:
            let pairs = try ConsulKeyValue.parse(answer.body)
            let records = RecordTable(columns: ["key", "value", "flags", "modify_index"],
                                      rows: pairs.map { [$0.key, $0.value ?? "", String($0.flags), String($0.modifyIndex)] },
                                      // Numbers in Consul's own API (`Flags`, `ModifyIndex`).
                                      numericColumns: ["flags", "modify_index"])
            return emit(records, text: text(of: pairs), on: console)
        case .put, .delete:
            let written = String(decoding: answer.body, as: UTF8.self).trimmingTrailingBlanks() == "true"
            guard written else {
                console.error(casFailure)
                return Outcome(status: .exited(1))
            }
            let message = command.verb == .put ? "Success! Data written to: \(key)"
                : command.isRecursive ? "Success! Deleted keys with prefix: \(key)" : "Success! Deleted key: \(key)"
            return emit(RecordTable(columns: ["key", "result"], rows: [[key, command.verb == .put ? "written" : "deleted"]]), text: message + "\n", on: console)
        }
    }

    /// What the CLI says when a `-cas` write or delete did not happen
    /// (`command/kv/put/kv_put.go`, `command/kv/del/kv_delete.go`).
    private var casFailure: String {
        let key = command.key
        guard command.verb == .put else { return "Error! Did not delete key \(key): CAS failed" }
        return (command.flags["modify-index"] ?? "0") == "0"
            ? "Error! Did not write to \(key): CAS performed with index=0 and key already exists."
            : "Error! Did not write to \(key): CAS failed"
    }

    /// `kv get`'s text: the value; `KEY:VALUE` lines with `-recurse`;
    /// blocks with `-detailed`. `-base64` prints values encoded.
    private func text(of pairs: [ConsulKeyValue]) -> String {
        func value(_ pair: ConsulKeyValue) -> String {
            let text = pair.value ?? ""
            return command.isSet("base64") ? Data(text.utf8).base64EncodedString() : text
        }
        if command.isSet("detailed") {
            return pairs.map { detailed($0, value: value($0)) }.joined(separator: "\n")
        }
        if command.isRecursive { return pairs.map { "\($0.key):\(value($0))\n" }.joined() }
        return pairs.first.map { value($0) + "\n" } ?? ""
    }

    /// `prettyKVPair`: a tabwriter with padding 6 over name/value lines.
    private func detailed(_ pair: ConsulKeyValue, value: String) -> String {
        let fields: [(String, String)] = [
            ("CreateIndex", String(pair.createIndex)), ("Flags", String(pair.flags)), ("Key", pair.key),
            ("LockIndex", String(pair.lockIndex)), ("ModifyIndex", String(pair.modifyIndex)),
            ("Session", pair.session ?? "-"), ("Value", value),
        ]
        let width = fields.map(\.0.count).max()! + 6
        return fields.map { $0.0.padded(to: width) + $0.1 + "\n" }.joined()
    }

    private func emit(_ records: RecordTable, text: String, on console: any Console) -> Outcome {
        console.write(json ? records.json() + "\n" : text, style: .plain, to: .output)
        return .success
    }
}
