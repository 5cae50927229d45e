import Crypto

/// The byte string each audit record's hash covers, and the message a chain-head signature covers.
///
/// **Record encoding (version 1).** The ASCII domain `healthgate-audit-v1` and one 0x00 byte, then 17 fields in this
/// fixed order, each framed as 0x00 (absent) or 0x01, a 4-byte big-endian byte length and the field's UTF-8 bytes:
///
///  1. seq (decimal)            2. time, ms since 1970 UTC (decimal)   3. request id
///  4. caller subject           5. caller fingerprint                  6. role
///  7. route                    8. purpose?                            9. issuer?
/// 10. holder pseudonym?       11. outcome (`verified`, `completed`, `failed`)
/// 12. status?                 13. freshness?                         14. admits? (`1` or `0`)
/// 15. error code?             16. upstream attempts (decimal)        17. latency, µs (decimal)
///
/// Integers are ASCII decimal, `-` for negatives, no leading zeros. Text is the stored UTF-8 bytes as they are (no
/// normalisation). The record's hash is `SHA-256(prevHash ‖ encoding)`, where `prevHash` is the previous record's
/// 32-byte hash, or for the first record `genesisHash(replica:)`: 32 zero bytes for the SQLite chain, a digest of the
/// replica's id for each replica's chain in PostgreSQL.
///
/// **Head signature message (version 1).** The ASCII domain `healthgate-audit-head-v1` and one 0x00 byte, the head's
/// seq as an 8-byte big-endian integer, the head's 32-byte hash, and the signing time (ms since 1970) as an 8-byte
/// big-endian integer.
package enum AuditCanonicalEncoding {
    static let recordDomain = Array("healthgate-audit-v1".utf8) + [0]
    static let headDomain = Array("healthgate-audit-head-v1".utf8) + [0]
    static let chainDomain = Array("healthgate-audit-chain-v1".utf8) + [0]
    /// The `prevHash` of the first record ever of the single (SQLite) chain.
    package static let genesisHash = [UInt8](repeating: 0, count: 32)

    /// The `prevHash` of the first record of a chain: 32 zero bytes for the single (SQLite) chain, and for a replica's
    /// chain in a shared database `SHA-256(chainDomain ‖ replicaId)`, so that every hash (and so every signed head)
    /// of a replica's chain names its replica: a record or head moved to another replica's chain does not verify.
    package static func genesisHash(replica: String?) -> [UInt8] {
        guard let replica else { return genesisHash }
        var hasher = SHA256()
        hasher.update(data: chainDomain)
        hasher.update(data: Array(replica.utf8))
        return hasher.finalize().withUnsafeBytes { [UInt8]($0) }
    }

    /// The encoding of every field but `seq` (fields 2 to 17): the writer prepends the domain and seq once it knows it.
    package static func body(of row: AuditRow) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        append(decimal: row.timeMs, to: &out)
        append(row.requestID, to: &out)
        append(row.callerSubject, to: &out)
        append(row.callerFingerprint, to: &out)
        append(row.role, to: &out)
        append(row.route, to: &out)
        append(row.purpose, to: &out)
        append(row.issuer, to: &out)
        append(row.holder, to: &out)
        append(row.outcome, to: &out)
        append(row.status, to: &out)
        append(row.freshness, to: &out)
        append(row.admits.map { String($0) }, to: &out)
        append(row.errorCode, to: &out)
        append(decimal: row.upstreamAttempts, to: &out)
        append(decimal: row.latencyMicros, to: &out)
        return out
    }

    /// The full encoding of a row (domain, seq, then `body`).
    static func encoding(of row: AuditRow) -> [UInt8] {
        var out = recordDomain
        append(decimal: row.seq, to: &out)
        out.append(contentsOf: body(of: row))
        return out
    }

    /// `SHA-256(prevHash ‖ domain ‖ seq ‖ body)`.
    package static func hash(prevHash: [UInt8], seq: Int64, body: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: prevHash)
        hasher.update(data: recordDomain)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { buffer in
            let count = writeField(decimal: seq, into: buffer)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])))
        }
        hasher.update(data: body)
        return hasher.finalize().withUnsafeBytes { [UInt8]($0) }
    }

    /// The hash a row should have given its `prevHash`.
    package static func expectedHash(of row: AuditRow) -> [UInt8] {
        hash(prevHash: row.prevHash, seq: row.seq, body: body(of: row))
    }

    /// The message a head signature covers.
    package static func headMessage(seq: Int64, hash: [UInt8], signedAtMs: Int64) -> [UInt8] {
        var out = headDomain
        append(bigEndian: UInt64(bitPattern: seq), to: &out)
        out.append(contentsOf: hash)
        append(bigEndian: UInt64(bitPattern: signedAtMs), to: &out)
        return out
    }

    private static func append(_ text: String?, to out: inout [UInt8]) {
        guard var text else {
            out.append(0)
            return
        }
        out.append(1)
        text.withUTF8 { utf8 in
            append(bigEndian: UInt32(utf8.count), to: &out)
            out.append(contentsOf: utf8)
        }
    }

    private static func append(decimal value: Int64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 25) { buffer in
            let count = writeField(decimal: value, into: buffer)
            out.append(contentsOf: buffer[..<count])
        }
    }

    /// Writes `value` as a present field (0x01, 4-byte length, ASCII decimal) into `buffer` (25 bytes are enough for
    /// any Int64) and returns the number of bytes written; the same bytes as `append(String(value))`.
    private static func writeField(decimal value: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var digitCount = 0
        var magnitude = value.magnitude
        repeat {
            digitCount += 1
            magnitude /= 10
        } while magnitude > 0
        let length = digitCount + (value < 0 ? 1 : 0)
        buffer[0] = 1
        buffer[1] = 0
        buffer[2] = 0
        buffer[3] = 0
        buffer[4] = UInt8(length)
        var index = 5 + length
        magnitude = value.magnitude
        repeat {
            index -= 1
            buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        if value < 0 { buffer[5] = UInt8(ascii: "-") }
        return 5 + length
    }

    private static func append<T: FixedWidthInteger>(bigEndian value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out.append(contentsOf: $0) }
    }
}
