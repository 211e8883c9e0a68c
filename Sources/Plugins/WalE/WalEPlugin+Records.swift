import Foundation
import OpsKit

extension WalEPlugin {
    public func readsOutput(of invocation: ToolInvocation) -> Bool { invocation.arguments.contains("backup-list") }

    /// `backup-list`: the backups sorted by start segment, with their age.
    public func table(for invocation: ToolInvocation, output: CapturedOutput) -> RecordTable? {
        guard invocation.arguments.contains("backup-list"), output.status.isSuccess,
              let backups = try? WalEBackupList.parse(output.standardOutput) else { return nil }
        let now = Date()
        return RecordTable(columns: ["backup", "start segment", "age"], rows: backups.map {
            [$0.name, $0.startSegment, BackupVerdict.describe($0.age(at: now))]
        })
    }
}
