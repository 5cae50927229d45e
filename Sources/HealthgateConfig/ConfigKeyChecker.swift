import Yams

/// Walks a parsed configuration against its `ConfigShape` before anything is decoded: every key the gateway does not
/// know, at any depth, is an issue naming its path (with the close key it probably meant), and the walk stops once
/// the document expands (through YAML aliases) past `nodeLimit` nodes.
///
/// A misspelt key is never ignored: `issuerCa:` for `issuerCA:` would otherwise silently drop the issuer check of an
/// identity rule and widen who may call.
struct ConfigKeyChecker {
    /// The most nodes a configuration may expand to, aliases counted at each use; a real file has a few hundred.
    static let nodeLimit = 10_000

    private(set) var issues: [ConfigIssue] = []
    private var visited = 0

    /// The issues of `root` against `shape`; empty when every key is known.
    static func issues(in root: Node, shape: ConfigShape = .gateway) -> [ConfigIssue] {
        var checker = ConfigKeyChecker()
        checker.walk(root, shape: shape, path: "")
        return checker.issues
    }

    private mutating func walk(_ node: Node, shape: ConfigShape, path: String) {
        visited += 1
        guard visited <= Self.nodeLimit else {
            if visited == Self.nodeLimit + 1 {
                issues.append(ConfigIssue("(file)", "the document expands to more than \(Self.nodeLimit) nodes (YAML aliases?)"))
            }
            return
        }
        switch (shape, node) {
        case (.list(let item), .sequence(let sequence)):
            for (index, child) in sequence.enumerated() {
                walk(child, shape: item, path: "\(path)[\(index)]")
            }
        case (.table(let item), .mapping(let mapping)):
            for (key, child) in mapping {
                guard let name = key.string else {
                    issues.append(ConfigIssue(path.isEmpty ? "(file)" : path, "a key that is not a string"))
                    continue
                }
                walk(child, shape: item, path: Self.join(path, name))
            }
        case (.object(let keys, let nested), .mapping(let mapping)):
            for (key, child) in mapping {
                guard let name = key.string else {
                    issues.append(ConfigIssue(path.isEmpty ? "(file)" : path, "a key that is not a string"))
                    continue
                }
                let childPath = Self.join(path, name)
                guard keys.contains(name) else {
                    var message = "unknown key"
                    if let close = Self.closest(to: name, in: keys) { message += "; did you mean \(close)?" }
                    issues.append(ConfigIssue(childPath, message))
                    continue
                }
                walk(child, shape: nested[name] ?? .value, path: childPath)
            }
        default:
            // A scalar where a mapping or list belongs (or the reverse) is the decoder's type error, with its path.
            break
        }
    }

    private static func join(_ path: String, _ name: String) -> String {
        path.isEmpty ? name : "\(path).\(name)"
    }

    /// The known key `name` was probably meant to be: the same but for case, or within two edits.
    static func closest(to name: String, in keys: [String]) -> String? {
        if let same = keys.first(where: { $0.lowercased() == name.lowercased() }) { return same }
        let scored = keys.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(1, min(2, best.0.count / 2)) else { return nil }
        return best.0
    }

    /// The Levenshtein distance between two strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
