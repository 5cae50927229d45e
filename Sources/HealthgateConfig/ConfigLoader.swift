import Crypto
import Foundation
import HealthgateModel
import X509
import Yams

/// Reads and validates a configuration file into a `GatewayConfiguration`, reporting every issue at once.
public struct ConfigLoader: Sendable {
    /// The instant certificates are checked against.
    public var now: @Sendable () -> Date
    /// The environment passphrase variables are looked up in.
    public var environment: [String: String]

    public init(now: @escaping @Sendable () -> Date = { Date() },
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.now = now
        self.environment = environment
    }

    /// The largest configuration file read; a real one is a few kilobytes.
    public static let maxFileBytes = 1 << 20

    /// Loads `path`; paths inside are relative to the file's folder. Every key must be one the gateway knows.
    public func load(path: String) throws(ConfigValidationError) -> GatewayConfiguration {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        guard let data = FileManager.default.contents(atPath: absolute) else {
            throw ConfigValidationError(issues: [ConfigIssue("(file)", "cannot read \(absolute)")])
        }
        let modified = (try? FileManager.default.attributesOfItem(atPath: absolute)[.modificationDate] as? Date) ?? now()
        guard data.count <= Self.maxFileBytes else {
            throw ConfigValidationError(issues: [ConfigIssue("(file)", "larger than \(Self.maxFileBytes) bytes")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigValidationError(issues: [ConfigIssue("(file)", "not UTF-8 text")])
        }
        let file: ConfigFile
        var index: ConfigLineIndex?
        do {
            guard let root = try Yams.compose(yaml: text) else {
                throw ConfigValidationError(issues: [ConfigIssue("(file)", "empty")])
            }
            // Unknown keys (at any depth) and alias bombs are refused before anything is decoded.
            let unknown = ConfigKeyChecker.issues(in: root)
            index = ConfigLineIndex(root: root)
            guard unknown.isEmpty else { throw ConfigValidationError(issues: index?.annotate(unknown) ?? unknown) }
            file = try YAMLDecoder().decode(ConfigFile.self, from: root)
        } catch let error as ConfigValidationError {
            throw error
        } catch let error as DecodingError {
            let issues = [Self.issue(from: error)]
            throw ConfigValidationError(issues: index?.annotate(issues) ?? issues)
        } catch let error as YamlError {
            throw ConfigValidationError(issues: [Self.issue(from: error)])
        } catch {
            throw ConfigValidationError(issues: [ConfigIssue("(file)", "not valid YAML")])
        }
        let base = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        var validator = ConfigValidator(file: file, baseDirectory: base, now: now(), environment: environment)
        do {
            var configuration = try validator.validate(sourcePath: absolute, modified: modified)
            configuration.warnings = index?.annotate(configuration.warnings) ?? configuration.warnings
            configuration.sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            return configuration
        } catch {
            throw ConfigValidationError(issues: index?.annotate(error.issues) ?? error.issues)
        }
    }

    /// A YAML syntax error with the line libyaml stopped at.
    private static func issue(from error: YamlError) -> ConfigIssue {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return ConfigIssue("(file)", "not valid YAML: \(problem)", line: mark.line)
        default:
            return ConfigIssue("(file)", "not valid YAML")
        }
    }

    private static func issue(from error: DecodingError) -> ConfigIssue {
        func dotted(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return ConfigIssue(dotted(context.codingPath), "expected \(type)")
        case .valueNotFound(let type, let context):
            return ConfigIssue(dotted(context.codingPath), "missing \(type)")
        case .keyNotFound(let key, let context):
            return ConfigIssue(dotted(context.codingPath + [key]), "missing")
        case .dataCorrupted(let context):
            return ConfigIssue(dotted(context.codingPath).isEmpty ? "(file)" : dotted(context.codingPath), "not valid YAML")
        @unknown default:
            return ConfigIssue("(file)", "not valid YAML")
        }
    }
}
