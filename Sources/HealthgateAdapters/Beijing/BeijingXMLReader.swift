import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HealthgateModel

/// Reads one of Beijing's flat answer documents with `XMLParser`, keeping only `ReturnCode` and the wanted children of
/// `Result`; every other element (`Explanation`, `District`, anything new) is skipped unread, in any order.
///
/// Bounded: the raw bytes are size-checked and refused on `<!DOCTYPE`/`<!ENTITY` before decoding, nesting stops at
/// `maxDepth`, and a kept value stops at `maxValueLength` characters.
enum BeijingXMLReader {
    /// What the reader kept of an answer.
    struct Document {
        var returnCode: String?
        var hasResult = false
        var result: [String: String] = [:]
    }

    static let maxDepth = 16
    static let maxValueLength = 256

    /// Parses `body`, whose root must be `root`; every failure is `issuer-error` (not transient).
    static func read(_ body: [UInt8], contentTypeCharset: String?, root: String,
                     wanted: Set<String>) throws(HealthgateError) -> Document {
        try BodyGuard.checkXML(body)
        let text = try BeijingTextDecoder.text(of: body, contentTypeCharset: contentTypeCharset)
        // The raw-byte check covers ASCII-compatible encodings; this one covers the decoded text too.
        guard !BodyGuard.containsDoctype(Array(text.utf8)) else {
            throw .issuerError("the answer carries a document type declaration, which is never valid; refused unread")
        }
        let collector = Collector(root: root, wanted: wanted)
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        parser.delegate = collector
        let parsed = parser.parse()
        if let failure = collector.failure { throw failure }
        guard parsed, collector.sawRoot else {
            throw .issuerError("Beijing's answer is not the well-formed \(root) its document describes")
        }
        return collector.document
    }

    /// The `XMLParserDelegate`; lives for one synchronous `parse()` on one thread.
    private final class Collector: NSObject, XMLParserDelegate {
        let root: String
        let wanted: Set<String>
        var document = Document()
        var failure: HealthgateError?
        var sawRoot = false
        private var path: [String] = []
        private var collecting: String?
        private var collectingDepth = 0
        private var value = ""

        init(root: String, wanted: Set<String>) {
            self.root = root
            self.wanted = wanted
        }

        private func fail(_ parser: XMLParser, _ error: HealthgateError) {
            if failure == nil { failure = error }
            parser.abortParsing()
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            path.append(name)
            guard path.count <= BeijingXMLReader.maxDepth else {
                return fail(parser, .issuerError("Beijing's answer nests deeper than \(BeijingXMLReader.maxDepth) levels"))
            }
            if path.count == 1 {
                guard name == root else {
                    return fail(parser, .issuerError("Beijing's answer is not a \(root)"))
                }
                sawRoot = true
            } else if path.count == 2, name == "ReturnCode" {
                begin(parser, name)
            } else if path.count == 2, name == "Result" {
                guard !document.hasResult else {
                    return fail(parser, .issuerError("Beijing's answer has two Result elements"))
                }
                document.hasResult = true
            } else if path.count == 3, path[1] == "Result", wanted.contains(name) {
                begin(parser, name)
            }
        }

        private func begin(_ parser: XMLParser, _ name: String) {
            let seen = name == "ReturnCode" ? document.returnCode != nil : document.result[name] != nil
            guard !seen else { return fail(parser, .issuerError("Beijing's answer repeats \(name)")) }
            collecting = name
            collectingDepth = path.count
            value = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            append(parser, string)
        }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
            append(parser, String(decoding: CDATABlock, as: UTF8.self))
        }

        private func append(_ parser: XMLParser, _ string: String) {
            guard collecting != nil, path.count == collectingDepth else { return }
            value += string
            guard value.count <= BeijingXMLReader.maxValueLength else {
                return fail(parser, .issuerError("a value in Beijing's answer is longer than any its document has"))
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if let field = collecting, path.count == collectingDepth {
                let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
                if field == "ReturnCode" { document.returnCode = trimmed } else { document.result[field] = trimmed }
                collecting = nil
            }
            if !path.isEmpty { path.removeLast() }
        }

        func parser(_ parser: XMLParser, foundInternalEntityDeclarationWithName name: String, value: String?) {
            fail(parser, .issuerError("the answer declares entities, which is never valid; refused unread"))
        }

        func parser(_ parser: XMLParser, foundExternalEntityDeclarationWithName name: String, publicID: String?,
                    systemID: String?) {
            fail(parser, .issuerError("the answer declares entities, which is never valid; refused unread"))
        }

        func parser(_ parser: XMLParser, resolveExternalEntityName name: String, systemID: String?) -> Data? {
            fail(parser, .issuerError("the answer refers to an external entity; refused unread"))
            return nil
        }
    }
}
