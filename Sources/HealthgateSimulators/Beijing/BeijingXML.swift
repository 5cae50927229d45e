import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Beijing's XML: a writer for its answers (UTF-8 or GB18030) and a reader for the flat requests it receives.
enum BeijingXML {
    /// The character sets Beijing's nodes answer in.
    enum Charset: Sendable {
        case utf8, gb18030

        /// The `String.Encoding` of GB18030 (CoreFoundation's GB_18030_2000).
        static let gb18030Encoding = String.Encoding(rawValue: 0x8000_0632)

        var declaration: String { self == .utf8 ? "UTF-8" : "GB18030" }
        var contentType: String { self == .utf8 ? "application/xml; charset=UTF-8" : "text/xml;charset=GB18030" }

        func encode(_ text: String) -> [UInt8] {
            switch self {
            case .utf8: return Array(text.utf8)
            case .gb18030: return Array(text.data(using: Self.gb18030Encoding) ?? Data(text.utf8))
            }
        }
    }

    /// An element: a name and either text or children.
    indirect enum Node: Sendable {
        case text(String, String)
        case element(String, [Node])
    }

    /// Escapes text content.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The document: declaration in `charset`, the root node indented two spaces per level.
    static func document(_ root: Node, charset: Charset) -> [UInt8] {
        var out = "<?xml version=\"1.0\" encoding=\"\(charset.declaration)\"?>\n"
        write(root, indent: 0, into: &out)
        return charset.encode(out)
    }

    private static func write(_ node: Node, indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent * 2)
        switch node {
        case let .text(name, value):
            out += "\(pad)<\(name)>\(escape(value))</\(name)>\n"
        case let .element(name, children):
            out += "\(pad)<\(name)>\n"
            for child in children { write(child, indent: indent + 1, into: &out) }
            out += "\(pad)</\(name)>\n"
        }
    }

    /// A flat request: the root element's name and the text of each direct child.
    struct FlatDocument: Sendable {
        var root: String
        var fields: [String: String]
    }

    /// Reads a flat request; `nil` when not well-formed XML, or when it has a `<!DOCTYPE` (Beijing refuses them).
    static func parseFlat(_ bytes: [UInt8]) -> FlatDocument? {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        guard !text.contains("<!DOCTYPE"), !text.contains("<!ENTITY") else { return nil }
        let reader = FlatReader()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse(), let root = reader.root else { return nil }
        return FlatDocument(root: root, fields: reader.fields)
    }

    private final class FlatReader: NSObject, XMLParserDelegate {
        var root: String?
        var fields: [String: String] = [:]
        private var depth = 0
        private var current: String?
        private var buffer = ""

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            depth += 1
            if depth == 1 { root = elementName }
            if depth == 2 {
                current = elementName
                buffer = ""
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if depth == 2 { buffer += string }
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            if depth == 2, let current {
                fields[current] = buffer.trimmingCharacters(in: .whitespacesAndNewlines)
                self.current = nil
            }
            depth -= 1
        }
    }
}
