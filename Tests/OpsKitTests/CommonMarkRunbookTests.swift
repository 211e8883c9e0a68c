import OpsKit
import Testing

/// Reads inline Markdown the way `opsshell guide` reads a file.
private func read(_ markdown: String) throws(RunbookError) -> Runbook {
    try Runbook(text: markdown, source: "test.md")
}

@Suite("Reading runbooks the way CommonMark renders them")
struct CommonMarkRunbookTests {
    @Test("headings: any spaces, a closing run of #, HTML anchors, {#anchor} and checkboxes are not the title", arguments: [
        ("##  1. <a name='Pre-requisites'></a>Pre-requisites", "1", "Pre-requisites"),
        ("## <a name=\"stop\"></a>2. Stop patroni ##  ", "2", "Stop patroni"),
        ("### 3) Restore {#restore}", "3", "Restore"),
        ("## Step 4: Check {: #check .x}", "4", "Check"),
        ("## 5. [x] Done already", "5", "Done already"),
        ("#\t6.\tTabs  #", "6", "Tabs"),
    ])
    func headings(heading: String, number: String, title: String) throws {
        let runbook = try read("# Book\n\(heading)\n```sh\ntrue\n```\n")
        #expect(runbook.steps.map(\.number) == [number])
        #expect(runbook.steps.map(\.title) == [title])
    }

    @Test("`# foo#` keeps its #: a closing run needs a blank before it; seven #s are text")
    func headingEdges() throws {
        let runbook = try read("## 1. Build#\n```sh\nmake\n```\n####### 2. Not a heading\n")
        #expect(runbook.steps.map(\.title) == ["Build#"])
    }

    @Test("task-list items are steps with their box; a checkbox list inside a step is its text")
    func taskLists() throws {
        let runbook = try read("""
            # Change
            ## Pre-checks
            - [x] Check the cluster: `gitlab-patronictl list`
            - [ ] Pause alerts
              ```sh
              sudo systemctl stop alertmanager
              ```
            ## Steps
            1. Stop patroni
               - [ ] on every replica
               ```sh
               sudo systemctl stop patroni
               ```
            """)
        #expect(runbook.steps.map(\.number) == ["1", "2", "1"])
        #expect(runbook.steps.map(\.checked) == [true, false, nil])
        #expect(runbook.steps.map(\.title) == ["Check the cluster: `gitlab-patronictl list`", "Pause alerts", "Stop patroni"])
        #expect(runbook.steps[0].suggested.map(\.text) == ["gitlab-patronictl list"])
        #expect(runbook.steps[2].prose == ["Stop patroni", "- [ ] on every replica"])
        #expect(runbook.steps[2].commands.map(\.text) == ["sudo systemctl stop patroni"])
    }

    @Test("a fence 4 columns past its item's text is indented code showing the fence; one inside a nested list is a fence")
    func fenceIndentation() throws {
        let runbook = try read("""
            1. Top level.

                   ```sh
                   not a fence
                   ```
            2. Nested:
               - on the leader:
                 - really:
                   ```sh
                   gitlab-patronictl list
                   ```
            """)
        #expect(runbook.steps[0].blocks.map(\.text) == [["```sh", "not a fence", "```"]])
        #expect(runbook.steps[0].blocks[0].language == "text")
        #expect(runbook.steps[1].commands.map(\.text) == ["gitlab-patronictl list"])
    }

    @Test("indented code blocks are blocks, blank lines inside kept; they do not interrupt a paragraph")
    func indentedCode() throws {
        let runbook = try read("""
            1. Restart:

                   sudo systemctl restart patroni

                   gitlab-patronictl list
               and a paragraph
                   that goes on, indented
            """)
        #expect(runbook.steps[0].blocks.count == 1)
        #expect(runbook.steps[0].blocks[0].text == ["sudo systemctl restart patroni", "", "gitlab-patronictl list"])
        #expect(runbook.steps[0].commands.map(\.text) == ["sudo systemctl restart patroni", "gitlab-patronictl list"])
        #expect(runbook.steps[0].prose.last == "    that goes on, indented")
    }

    @Test("an unclosed non-shell fence runs to the end of the file, with a warning naming its line")
    func unclosedToEnd() throws {
        let runbook = try read("# DB\n## 1. Stop\n```sh\nsudo systemctl stop patroni\n```\n## 2. Look\n```sql\nSELECT 1;\n## 3. Not a step\n")
        #expect(runbook.steps.count == 2)
        #expect(runbook.steps[1].blocks[0].text == ["SELECT 1;", "## 3. Not a step"])
        #expect(runbook.warnings.map(\.line) == [7])
        #expect(runbook.warnings[0].description.hasPrefix("line 7: the ```sql block opened here is never closed; it runs to the end of the file (line 9)"))
    }

    @Test("an unclosed non-shell fence in a list item ends with the item, as GitLab shows it")
    func unclosedInItem() throws {
        let runbook = try read("1. Look:\n   ```yaml\n   a: 1\n\n2. Restart:\n   ```sh\n   sudo systemctl restart patroni\n   ```\n")
        #expect(runbook.steps.map(\.number) == ["1", "2"])
        #expect(runbook.steps[0].blocks[0].output == ["a: 1"])
        #expect(runbook.steps[1].commands.map(\.text) == ["sudo systemctl restart patroni"])
        #expect(runbook.warnings.first?.description.contains("the end of its list item (line 3)") == true)
    }

    @Test("a closing fence needs the same character, at least its length, at most 3 columns in")
    func closingFences() throws {
        let runbook = try read("1. a\n   ````sh\n   echo 1\n   ```\n       ````\n   echo 2\n   `````\n")
        #expect(runbook.steps[0].blocks.count == 1)
        #expect(runbook.steps[0].candidates.map(\.text) == ["echo 1", "echo 2"])
        #expect(runbook.steps[0].blocks[0].text == ["echo 1", "```", "    ````", "echo 2"])
    }

    @Test("sections that each restart their numbering are procedures, picked by number, title or slug")
    func procedures() throws {
        let runbook = try read("""
            # Patroni operations
            Intro.
            ## Switchover
            1. Check: `gitlab-patronictl list`
            2. Switch:
               ```sh
               gitlab-patronictl switchover --force
               ```
            ## Failover to the DR site
            1. Stop:
               ```sh
               sudo systemctl stop patroni
               ```
            """)
        #expect(runbook.procedures.map(\.title) == ["Switchover", "Failover to the DR site"])
        #expect(runbook.procedures.map(\.slug) == ["switchover", "failover-to-the-dr-site"])
        #expect(runbook.procedures.map(\.ordinals) == [[1, 2], [3]])
        for name in ["2", "failover-to-the-dr-site", "FAILOVER TO THE DR SITE"] {
            let walked = runbook.only(try #require(runbook.procedure(named: name)))
            #expect(walked.steps.map(\.ordinal) == [1])
            #expect(walked.steps[0].commands.map(\.text) == ["sudo systemctl stop patroni"])
            #expect(walked.title == "Patroni operations — Failover to the DR site")
            #expect(walked.fingerprint != runbook.fingerprint)
        }
        #expect(runbook.procedure(named: "3") == nil)
        #expect(runbook.procedure(named: "nope") == nil)
    }

    @Test("one numbered list under several sections is one procedure, as is the seed")
    func oneProcedure() throws {
        let runbook = try read("# Book\n## Prepare\n1. a\n   ```sh\n   true\n   ```\n## Act\n2. b\n   ```sh\n   true\n   ```\n")
        #expect(runbook.procedures.count == 1)
        #expect(runbook.procedures[0].ordinals == [1, 2])
    }
}
