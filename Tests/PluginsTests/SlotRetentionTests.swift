import Foundation
@testable import Plugins
import Testing

@Suite("How long the leader keeps a stopped member's slot")
struct SlotRetentionTests {
    /// The lab's `GET /config` (Patroni 4.1.5), as the DCS holds it.
    let labConfig = Data(#"{"ttl": 30, "loop_wait": 5, "retry_timeout": 10, "postgresql": {"use_pg_rewind": false, "use_slots": true}}"#.utf8)

    @Test("Patroni 4.x without member_slots_ttl keeps the slot 1800 s after the member key expires")
    func defaultRetention() {
        let retention = SlotRetention.parse(config: labConfig, version: "4.1.5")
        #expect(retention.memberSlotsTTL == 1800)
        #expect(retention.bound == 30 + 1800 + 10)
        #expect(retention.explanation.contains("Patroni 4.1.5 keeps a stopped member's slot for member_slots_ttl 1800 s"))
        #expect(retention.remedies(slot: "s").contains("patronictl edit-config -s member_slots_ttl=0"))
    }

    @Test("member_slots_ttl 0, or a duration text, is read as Patroni reads it")
    func configured() {
        let zero = SlotRetention.parse(config: Data(#"{"ttl": 30, "loop_wait": 5, "member_slots_ttl": 0}"#.utf8), version: "4.0.4")
        #expect(zero.bound == 40)
        #expect(!zero.remedies(slot: "s").contains("lower member_slots_ttl"), "nothing to lower at 0")
        let text = SlotRetention.parse(config: Data(#"{"ttl": 30, "loop_wait": 10, "member_slots_ttl": "10m"}"#.utf8), version: "4.1.5")
        #expect(text.memberSlotsTTL == 600)
    }

    @Test("before 4.0 the slot goes once the member key expires: no retention")
    func before4() {
        let retention = SlotRetention.parse(config: labConfig, version: "3.3.6")
        #expect(retention.memberSlotsTTL == nil)
        #expect(retention.bound == 40)
        #expect(retention.explanation.contains("once its key expires: ttl 30 s + 2 × loop_wait 5 s = 40 s"))
    }
}
