import Foundation
import HealthgateModel

/// Suishenma's numeric `healthStatus` (and token `st`): 0 green, 1 yellow, 2 red, 9 not enrolled / no decision.
public enum ShanghaiStatusCode {
    /// The canonical status of a Suishenma number, or `nil` for a number the document does not define.
    public static func status(_ value: Int) -> HealthStatus? {
        switch value {
        case 0: .green
        case 1: .yellow
        case 2: .red
        case 9: .unknown
        default: nil
        }
    }

    /// The Suishenma number of a canonical status. Suishenma has no `pending`; its "no decision" is 9, the closest word.
    public static func number(_ status: HealthStatus) -> Int {
        switch status {
        case .green: 0
        case .yellow: 1
        case .red: 2
        case .pending, .unknown: 9
        }
    }

    /// An instant from Suishenma's Unix milliseconds; `nil` outside years 1970–9999 (a garbled number).
    static func date(milliseconds: Int64) -> Date? {
        guard milliseconds >= 0, milliseconds <= 253_402_300_799_999 else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    /// Suishenma's Unix milliseconds of an instant.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// `observeEndTime` for a last day of observation: its last second, 23:59:59.000 local, as the document's examples
    /// send it (2020-03-08 → 1583683199000).
    static func observeEndTime(_ day: LocalDate) -> Int64 {
        milliseconds(day.startOfDay.addingTimeInterval(86399))
    }
}
