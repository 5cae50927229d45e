/// A city of the development federation: a lower-case name used in file names and its GB/T 2260 region code.
public struct DevCity: Hashable, Sendable {
    /// The lower-case name used in file and common names (`hangzhou`).
    public let name: String
    /// The six-digit region code (`330100`).
    public let region: String

    /// Creates a city from its file-name word and region code.
    public init(name: String, region: String) {
        self.name = name
        self.region = region
    }

    /// Hangzhou, 330100.
    public static let hangzhou = DevCity(name: "hangzhou", region: "330100")
    /// Shanghai, 310000.
    public static let shanghai = DevCity(name: "shanghai", region: "310000")
    /// Beijing, 110000.
    public static let beijing = DevCity(name: "beijing", region: "110000")
    /// The three cities of the federation, in document order.
    public static let all: [DevCity] = [.hangzhou, .shanghai, .beijing]
}
