import CoreFoundation
import Foundation
import HealthgateModel

/// Turns the raw bytes of a Beijing answer into text: UTF-8 from most nodes, GB18030 from older ones, as said by the
/// `Content-Type` charset and/or the XML prolog's `encoding` (beijing.md).
enum BeijingTextDecoder {
    /// The encodings Beijing's nodes use.
    enum Charset: Equatable {
        case utf8, gb18030

        /// The charset of a label (`UTF-8`, `GB18030`, and GB18030's subsets `GBK`, `GB2312`); `nil` for any other.
        init?(label: String) {
            switch label.lowercased() {
            case "utf-8", "utf8", "us-ascii", "ascii": self = .utf8
            case "gb18030", "gbk", "gb2312", "cp936", "x-gbk", "euc-cn": self = .gb18030
            default: return nil
            }
        }
    }

    /// Foundation's GB18030-2000 encoding (works on Linux through CoreFoundation's ICU converters).
    static let gb18030 = String.Encoding(
        rawValue: CFStringConvertEncodingToNSStringEncoding(CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))

    /// The `encoding` of the XML declaration at the start of `bytes`, if there is one.
    static func declaredEncoding(_ bytes: [UInt8]) -> String? {
        let head = bytes.prefix(256)
        guard head.starts(with: Array("<?xml".utf8)), let end = declarationEnd(head) else { return nil }
        let declaration = String(decoding: head[head.startIndex..<end], as: UTF8.self)
        guard let range = declaration.range(of: "encoding") else { return nil }
        var rest = declaration[range.upperBound...].drop(while: { $0 == " " || $0 == "=" || $0 == "\t" })
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        rest = rest.dropFirst()
        return String(rest.prefix(while: { $0 != quote }))
    }

    /// The index just past `?>` of a leading XML declaration.
    static func declarationEnd(_ bytes: ArraySlice<UInt8>) -> Int? {
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: ">") { return index + 2 }
            index += 1
        }
        return nil
    }

    /// The document's text without its XML declaration (and byte-order mark), ready for a UTF-8 parser.
    /// `issuer-error` for an encoding Beijing does not use, or bytes that are not valid in the declared encoding.
    static func text(of body: [UInt8], contentTypeCharset: String?) throws(HealthgateError) -> String {
        var bytes = body
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw .issuerError("Beijing's answer is UTF-16, which no Beijing node sends")
        }
        let declared = declaredEncoding(bytes)
        var candidates: [Charset] = []
        for label in [contentTypeCharset, declared].compactMap({ $0 }) {
            guard let charset = Charset(label: label) else {
                throw .issuerError("Beijing's answer is in \(ErrorDetail.word(label)), not UTF-8 or GB18030")
            }
            if !candidates.contains(charset) { candidates.append(charset) }
        }
        if candidates.isEmpty { candidates = [.utf8] }
        let content = declarationEnd(bytes[...]).map { Array(bytes[$0...]) } ?? bytes
        for charset in candidates {
            if let text = decode(content, charset) { return text }
        }
        throw .issuerError("Beijing's answer is not valid text in its declared encoding")
    }

    /// Decodes strictly: `nil` on invalid (or truncated) sequences.
    static func decode(_ bytes: [UInt8], _ charset: Charset) -> String? {
        switch charset {
        case .utf8:
            return String(validating: bytes, as: UTF8.self)
        case .gb18030:
            guard !endsInsideGB18030Sequence(bytes) else { return nil }
            guard let text = String(data: Data(bytes), encoding: gb18030), !text.unicodeScalars.contains("\u{FFFD}") else {
                return nil
            }
            return text
        }
    }

    /// Whether GB18030 bytes stop inside a two- or four-byte sequence (a truncated answer), which Foundation's decoder
    /// would drop silently.
    static func endsInsideGB18030Sequence(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
            } else if index + 1 < bytes.count, (0x30...0x39).contains(bytes[index + 1]) {
                index += 4
            } else {
                index += 2
            }
        }
        return index > bytes.count
    }
}
