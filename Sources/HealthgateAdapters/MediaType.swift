/// A parsed `Content-Type` header: the lower-cased media type and its `charset` parameter, if any.
public struct MediaType: Hashable, Sendable {
    /// `application/json`, `text/xml`, … in lower case.
    public var type: String
    /// The `charset` parameter in lower case without quotes (`utf-8`, `gb18030`), or `nil`.
    public var charset: String?

    /// Parses a header value; `nil` when it has no `type/subtype`.
    public init?(_ header: String) {
        let parts = header.split(separator: ";", omittingEmptySubsequences: false)
        let type = parts[0].trimmingASCIIWhitespace().lowercased()
        guard type.contains("/") else { return nil }
        self.type = type
        self.charset = nil
        for parameter in parts.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingASCIIWhitespace().lowercased() == "charset" else { continue }
            var value = pair[1].trimmingASCIIWhitespace()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            self.charset = value.lowercased()
        }
    }

    /// Whether this is a JSON type (`application/json`, `text/json`, `…+json`).
    public var isJSON: Bool { type == "application/json" || type == "text/json" || type.hasSuffix("+json") }

    /// Whether this is an XML type (`application/xml`, `text/xml`, `…+xml`).
    public var isXML: Bool { type == "application/xml" || type == "text/xml" || type.hasSuffix("+xml") }
}

extension Substring {
    /// Without leading and trailing spaces and tabs; works on the UTF-8 bytes (no grapheme breaking on a hot path).
    fileprivate func trimmingASCIIWhitespace() -> String {
        let bytes = utf8
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(Substring(bytes[first...last]))
    }
}
