import Foundation
import HealthgateModel
import Logging
import Synchronization

/// A log handler writing one line per event to standard error, time-stamped in Asia/Shanghai with the offset explicit
/// (`2026-12-01T22:35:00.123+08:00 warning healthgate: circuit breaker opened city=hangzhou`), like every other time
/// the gateway shows. Metadata values are what the caller logged: the gateway never logs personal data.
public struct ChinaTimeLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let write: @Sendable (String) -> Void

    /// A handler for `label` at `level`, writing lines with `write` (standard error by default).
    public init(label: String, level: Logger.Level = .info,
                write: @escaping @Sendable (String) -> Void = ChinaTimeLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let provided = metadataProvider?.get() { all.merge(provided) { $1 } }
        if let extra = event.metadata { all.merge(extra) { $1 } }
        write(Self.line(time: Date(), level: event.level, label: label, message: "\(event.message)", metadata: all))
    }

    /// One formatted line (without the newline): time with offset, level, label, message, sorted `key=value` pairs
    /// (logfmt: a value with a space, `=` or `"` is quoted, its `"` and `\\` escaped).
    public static func line(time: Date, level: Logger.Level, label: String, message: String,
                            metadata: Logger.Metadata) -> String {
        var text = "\(ChinaTime.formatISO(time, withMilliseconds: true)) \(level) \(label): \(message)"
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(quoted("\(value)"))" }
        return text
    }

    /// `value` as a logfmt value.
    static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }) else {
            return value
        }
        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default:
                if character.isNewline { escaped += "\\n" } else { escaped.append(character) }
            }
        }
        return "\"" + escaped + "\""
    }

    /// Writes `line` and a newline to standard error in one call (lines from several threads never interleave).
    public static let standardError: @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Makes every `Logger` of the process use this handler at `level` (once per process; later calls are ignored).
    public static func bootstrap(level: Logger.Level) {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in ChinaTimeLogHandler(label: label, level: level) }
        }
    }

    private static let bootstrapped = Mutex(false)
}
