import Yams

/// The line of every key of a parsed configuration, by its dotted path (`cities.hangzhou.clientCertificate`,
/// `identities[2].issuerCA`, `listen.clientCAs[1]`), so that each issue can name the line to fix.
struct ConfigLineIndex: Sendable {
    private var lines: [String: Int] = [:]

    /// The index of `root` (walked to at most `ConfigKeyChecker.nodeLimit` nodes).
    init(root: Node) {
        var budget = ConfigKeyChecker.nodeLimit
        walk(root, path: "", budget: &budget)
    }

    private mutating func walk(_ node: Node, path: String, budget: inout Int) {
        budget -= 1
        guard budget > 0 else { return }
        switch node {
        case .mapping(let mapping):
            for (key, child) in mapping {
                guard let name = key.string else { continue }
                let childPath = path.isEmpty ? name : "\(path).\(name)"
                if let line = key.mark?.line { lines[childPath] = line }
                walk(child, path: childPath, budget: &budget)
            }
        case .sequence(let sequence):
            for (index, child) in sequence.enumerated() {
                let childPath = "\(path)[\(index)]"
                if let line = child.mark?.line { lines[childPath] = line }
                walk(child, path: childPath, budget: &budget)
            }
        default:
            break
        }
    }

    /// The line of `path`, else of its nearest ancestor in the file (a missing key is reported at its parent);
    /// `nil` for `(file)` or a path with no ancestor in the file.
    func line(of path: String) -> Int? {
        var current = path
        while !current.isEmpty {
            if let line = lines[current] { return line }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { return nil }
            current = String(current[..<cut])
        }
        return nil
    }

    /// `issues` with their lines filled in where the file has them.
    func annotate(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        issues.map { issue in
            var issue = issue
            if issue.line == nil { issue.line = line(of: issue.path) }
            return issue
        }
    }
}
