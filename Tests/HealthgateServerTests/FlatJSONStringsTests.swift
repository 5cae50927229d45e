import Foundation
import Testing
@testable import HealthgateServer

/// The fast reader of verify bodies agrees with `JSONDecoder` wherever it answers, and leaves the rest to it.
@Suite("flat JSON strings")
struct FlatJSONStringsTests {
    struct Body: Decodable, Equatable {
        var qr: String
        var scene: String
    }

    static let bodies: [String] = [
        #"{"qr":"HZHC2:01HV8Q6M3T9B5K2X7R4N0C8D1F","scene":"transport"}"#,
        " \n{ \"scene\" : \"retail\" ,\t\"qr\" : \"BJJXXZ|11010520200302000017|20200302081455|7c1e04ab\" }\r\n",
        #"{"qr":"a\"b\\c\/d\n\r\t\b\f","scene":"other","extra":"ignored"}"#,
        #"{"qr":"漢字😀","scene":"office"}"#,
        #"{"qr":"\u0041","scene":"office"}"#,          // \u escapes: the slow path
        #"{"qr":"x","scene":"office","n":1}"#,          // a number: the slow path
        #"{"qr":"x","qr":"y","scene":"office"}"#,       // a duplicate key: the slow path
        #"{"qr":"x","scene":"office"} trailing"#,
        #"{"qr":"x","scene":"office""#,
        #"{"qr":"x" "scene":"office"}"#,
        "{\"qr\":\"a\u{01}b\",\"scene\":\"office\"}",
        #"["qr","scene"]"#,
        "",
    ]

    @Test("wherever the fast reader answers, JSONDecoder answers the same")
    func agrees() {
        var fast = 0
        for text in Self.bodies {
            let bytes = Array(text.utf8)
            let decoded = try? JSONDecoder().decode(Body.self, from: Data(bytes))
            guard let flat = FlatJSONStrings.parse(bytes) else { continue }
            fast += 1
            #expect(decoded == Body(qr: flat["qr"] ?? "", scene: flat["scene"] ?? ""), "\(text)")
        }
        #expect(fast == 4)
    }

    @Test("malformed bodies, numbers, nesting, \\u escapes, duplicates and control characters are not read")
    func refuses() {
        for text in Self.bodies.dropFirst(4) {
            #expect(FlatJSONStrings.parse(Array(text.utf8)) == nil, "\(text)")
        }
    }
}
