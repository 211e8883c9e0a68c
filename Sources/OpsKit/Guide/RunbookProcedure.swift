/// One procedure of a runbook: a section whose steps are walked together.
/// A page whose sections each hold their own numbered list (`## Failover`
/// 1. 2. 3., `## Switchover` 1. 2.) has several; most pages have one.
public struct RunbookProcedure: Sendable, Equatable {
    /// The section's heading text, or the runbook's title for a single procedure.
    public var title: String
    /// The title as a URL anchor: `Failover to the DR site` → `failover-to-the-dr-site`.
    public var slug: String
    /// The ordinals of its steps, in order.
    public var ordinals: [Int]
}

extension Runbook {
    /// The runbook's procedures. Steps are grouped by the section heading
    /// they are under, at the shallowest heading level where at least two
    /// sections hold steps and the numbering starts again in one of them
    /// (a second list, not a continued one); with no such level, the whole
    /// page is one procedure.
    public var procedures: [RunbookProcedure] {
        for level in 1...6 {
            var groups: [(section: RunbookSection?, steps: [RunbookStep])] = []
            for step in steps {
                let section = step.section.flatMap { section in
                    section.level == level ? section : section.parents.last { $0.level == level }
                }
                if let last = groups.last, last.section == section {
                    groups[groups.count - 1].steps.append(step)
                } else {
                    groups.append((section, [step]))
                }
            }
            guard groups.filter({ $0.section != nil }).count >= 2 else { continue }
            let restarts = zip(groups, groups.dropFirst()).contains { previous, next in
                (Int(next.steps[0].number) ?? 0) <= (Int(previous.steps.last!.number) ?? 0)
            }
            guard restarts else { continue }
            return groups.map { group in
                let name = group.section?.title ?? self.title ?? source
                return RunbookProcedure(title: name, slug: Self.slug(name), ordinals: group.steps.map(\.ordinal))
            }
        }
        let name = title ?? source
        return [RunbookProcedure(title: name, slug: Self.slug(name), ordinals: steps.map(\.ordinal))]
    }

    /// The procedure `name` picks: its number (1-based), its title (any
    /// case) or its slug; nil for none.
    public func procedure(named name: String) -> RunbookProcedure? {
        let all = procedures
        if let number = Int(name), (1...all.count).contains(number) { return all[number - 1] }
        return all.first { $0.title.lowercased() == name.lowercased() || $0.slug == name.lowercased() }
    }

    /// This runbook cut down to one procedure's steps, numbered from 1, so
    /// a walk and its progress see only them; the fingerprint names the
    /// procedure, so resuming another one is noticed.
    public func only(_ procedure: RunbookProcedure) -> Runbook {
        var runbook = self
        runbook.steps = procedure.ordinals.enumerated().map { offset, ordinal in
            var step = steps[ordinal - 1]
            step.ordinal = offset + 1
            return step
        }
        runbook.title = procedure.title == title ? title : "\(title ?? source) — \(procedure.title)"
        runbook.fingerprint = GuideProgress.fingerprint(of: fingerprint + "\n" + procedure.slug)
        return runbook
    }

    /// GitHub's anchor for a heading: lower case, letters, digits, `-` and
    /// `_` kept, blanks to `-`, the rest dropped.
    static func slug(_ title: String) -> String {
        String(title.lowercased().compactMap { character -> Character? in
            if character == " " || character == "\t" { return "-" }
            return character.isLetter || character.isNumber || character == "-" || character == "_" ? character : nil
        })
    }
}
