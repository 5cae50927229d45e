import HealthgateModel

extension ConfigValidator {
    /// Hangzhou's own QR prefix, which `kind: hangzhou` recognises unless `qrPrefix` says otherwise.
    static let hangzhouQRPrefix = "HZHC2:"

    /// Whether `prefix` is a Hangzhou-style QR prefix (hangzhou.md): four upper-case letters or digits, then `2:`.
    static func isHangzhouStylePrefix(_ prefix: String) -> Bool {
        let bytes = Array(prefix.utf8)
        guard bytes.count == 6, bytes[4] == UInt8(ascii: "2"), bytes[5] == UInt8(ascii: ":") else { return false }
        return bytes.prefix(4).allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The QR prefix a city is recognised by, when it is Hangzhou-style: `kind: hangzhou` (default `HZHC2:`), or
    /// `kind: federation` for a region no built-in adapter knows, reached through its own gateway (then `qrPrefix` is
    /// required). Reports a malformed prefix, or one on a kind whose codes have no prefix to choose.
    mutating func hangzhouStylePrefix(_ city: ConfigFile.City, kind: AdapterKind?, region: RegionCode?,
                                      key: String) -> String? {
        let known: [RegionCode] = [.hangzhou, .shanghai, .beijing]
        if let prefix = city.qrPrefix, !Self.isHangzhouStylePrefix(prefix) {
            fail("\(key).qrPrefix", "\"\(prefix)\" is not a Hangzhou-style prefix: four upper-case letters or digits, then 2: (e.g. WZHC2:)")
            return nil
        }
        switch kind {
        case .hangzhou:
            return city.qrPrefix ?? Self.hangzhouQRPrefix
        case .federation:
            guard let region else { return city.qrPrefix }
            if known.contains(region) {
                if region == .hangzhou { return city.qrPrefix ?? Self.hangzhouQRPrefix }
                if city.qrPrefix != nil {
                    fail("\(key).qrPrefix", "only a Hangzhou-style city has a QR prefix (region \(region) is not one)")
                }
                return nil
            }
            guard let prefix = city.qrPrefix else {
                fail("\(key).region", "no built-in adapter recognises the codes of region \(region): for a Hangzhou-style city reached through its gateway, set qrPrefix")
                return nil
            }
            return prefix
        case .shanghai, .beijing:
            if city.qrPrefix != nil {
                fail("\(key).qrPrefix", "only a Hangzhou-style city (kind: hangzhou) has a configurable QR prefix")
            }
            return nil
        case nil:
            return city.qrPrefix
        }
    }
}
