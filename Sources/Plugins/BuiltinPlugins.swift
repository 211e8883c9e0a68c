import OpsKit

/// The tools OpsShell knows out of the box. A sixth tool is a new folder
/// here and one line in this list.
public enum BuiltinPlugins {
    public static let all: [any Plugin] = [
        ConsulPlugin(), EtcdctlPlugin(), KnifePlugin(), WalEPlugin(), WalGPlugin(), SystemctlPlugin(), PatroniPlugin(),
    ]
}
