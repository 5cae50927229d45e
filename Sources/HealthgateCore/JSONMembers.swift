/// Finds a top-level member of an encoded JSON object without decoding it, so that one member of an answer encoded
/// once (a transfer's, kept byte for byte) can be swapped for another rendering while every other byte stays as it was.
///
/// Reads only what the gateway itself encoded; on anything it does not understand it answers `nil` and the caller
/// keeps the body unchanged.
enum JSONMembers {
    /// The byte range of the value of the top-level member named `key` (compared as written, escapes undecoded).
    static func valueRange(of key: String, in bytes: [UInt8]) -> Range<Int>? {
        var index = skipSpace(bytes, 0)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            index = skipSpace(bytes, index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let nameEnd = stringEnd(bytes, index)
            else { return nil }
            let name = bytes[(index + 1)..<(nameEnd - 1)]
            index = skipSpace(bytes, nameEnd)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            let start = skipSpace(bytes, index + 1)
            guard let end = valueEnd(bytes, start) else { return nil }
            if name.elementsEqual(key.utf8) { return start..<end }
            index = skipSpace(bytes, end)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    /// `bytes` with the value at `range` replaced by `value`.
    static func replacing(_ range: Range<Int>, in bytes: [UInt8], with value: [UInt8]) -> [UInt8] {
        Array(bytes[..<range.lowerBound]) + value + Array(bytes[range.upperBound...])
    }

    static func skipSpace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    /// The index just past the string starting at `start` (a quote).
    static func stringEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index + 1
            default: index += 1
            }
        }
        return nil
    }

    /// The index just past the value starting at `start`: a string, an object or array (nesting and strings inside
    /// followed), or a literal or number (up to the next delimiter).
    static func valueEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return stringEnd(bytes, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var index = start
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(bytes, index) else { return nil }
                    index = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
                index += 1
            }
            return nil
        default:
            var index = start
            while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D]
                .contains(bytes[index]) { index += 1 }
            return index > start ? index : nil
        }
    }
}
