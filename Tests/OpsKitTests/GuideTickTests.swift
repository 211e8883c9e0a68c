@testable import OpsKit
import TestSupport
import Testing

/// The guide's once-a-minute note on a long line carries what a live line
/// (`patronictl wait`'s) last said, and keeps out of the way of one that is
/// redrawn in place on a terminal (issue 13).
@Suite("The guide's minute note and live lines", .serialized)
struct GuideTickTests {
    @Test("off a terminal the note carries the live line's last text; once it ends, only the time")
    func carriesTheReason() {
        var live = LiveLine(on: TestConsole())
        live.update("00:01:00 waiting: patroni-02 is starting, not streaming", news: "starting")
        let shown = LiveLine.shown.current
        #expect(shown?.text == "00:01:00 waiting: patroni-02 is starting, not streaming" && shown?.drawnInPlace == false)
        #expect(Guide.tick("step 10, line 1", elapsed: .seconds(125), live: shown)
            == "… step 10, line 1: 00:02:05 so far; last: 00:01:00 waiting: patroni-02 is starting, not streaming\n")
        live.keep()
        #expect(LiveLine.shown.current == nil)
        #expect(Guide.tick("step 10, line 1", elapsed: .seconds(60), live: LiveLine.shown.current) == "… step 10, line 1: 00:01:00 so far\n")
    }

    @Test("a live line redrawn in place already shows time and reason: no note is written over it")
    func quietWhileDrawn() {
        #expect(Guide.tick("step 10, line 1", elapsed: .seconds(60), live: ("waiting: x", true)) == nil)
    }
}
