extension VerificationResult {
    /// The result as JSON, keys sorted: what `JSONEncoder` gives for it, written by `JSONWriter` (the cache stores
    /// this; `init(from:)` reads it back).
    public func jsonBytes() -> [UInt8] {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("admits"); w.bool(admits)
        w.key("asOf"); w.string(ChinaTime.formatISO(asOf, withMilliseconds: true))
        w.key("freshness"); w.string(freshness.rawValue)
        w.key("holder"); w.string(holder.rawValue)
        w.key("issuer"); w.string(issuer.rawValue)
        if let maskedName { w.key("maskedName"); w.string(maskedName) }
        if let observationEnds { w.key("observationEnds"); w.string(observationEnds.description) }
        w.key("reasons")
        w.beginArray()
        for reason in reasons {
            w.element()
            w.beginObject()
            w.key("code"); w.string(reason.code.rawValue)
            w.key("native"); w.optional(reason.native)
            w.endObject()
        }
        w.endArray()
        w.key("status"); w.string(status.rawValue)
        if let statusSince { w.key("statusSince"); w.string(ChinaTime.formatISO(statusSince)) }
        w.endObject()
        return w.bytes
    }
}
