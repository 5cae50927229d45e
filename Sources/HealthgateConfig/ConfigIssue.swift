/// One thing wrong with a configuration file: the dotted path of the offending key and what is wrong with it.
public struct ConfigIssue: Hashable, Sendable, CustomStringConvertible {
    /// The key's path, such as `cities.hangzhou.clientCertificate`.
    public var path: String
    /// What is wrong, for an operator; never a secret.
    public var message: String
    /// The line of the file where the key (or, for a missing key, its parent) is written, when known.
    public var line: Int?
    /// `true` for a warning: the file is usable, but something will need attention (a certificate expiring soon).
    public var isWarning: Bool

    public init(_ path: String, _ message: String, line: Int? = nil, isWarning: Bool = false) {
        self.path = path
        self.message = message
        self.line = line
        self.isWarning = isWarning
    }

    public var description: String { "\(path)\(line.map { " (line \($0))" } ?? ""): \(message)" }
}

/// A configuration that may not be used, with every issue found (not only the first).
public struct ConfigValidationError: Error, Sendable, CustomStringConvertible {
    /// The stable machine code of this error.
    public static let code = "config-invalid"
    /// Every issue, in file order.
    public var issues: [ConfigIssue]

    public init(issues: [ConfigIssue]) { self.issues = issues }

    public var description: String {
        "configuration invalid (\(issues.count) issue\(issues.count == 1 ? "" : "s")):\n"
            + issues.map { "  - \($0)" }.joined(separator: "\n")
    }
}
