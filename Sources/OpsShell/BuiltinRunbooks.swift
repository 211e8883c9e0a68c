/// The runbooks compiled into the binary (`Runbooks/*.md`, embedded by
/// SwiftPM): `opsshell guide geo-rebuild`.
enum BuiltinRunbooks {
    static let names = ["geo-rebuild"]

    static func text(named name: String) -> [UInt8]? {
        switch name {
        case "geo-rebuild": PackageResources.geo_rebuild_md
        default: nil
        }
    }
}
