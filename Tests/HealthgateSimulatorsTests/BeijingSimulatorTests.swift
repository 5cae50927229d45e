import Crypto
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import HealthgatePKI
import HealthgateSimulators
import Testing

/// Beijing as beijing.md describes it, over real mutual TLS on 127.0.0.1.
@Suite struct BeijingSimulatorTests {
    typealias Run = @Sendable (BeijingSimulator, URL, CurlClient, TestPKI) async throws -> Void

    func withBeijing(clock: SimulatorClock = SimulatorClock(), _ body: Run) async throws {
        try await TestPKI.with { pki in
            let simulator = BeijingSimulator(clock: clock)
            try await simulator.withRunningServer(tls: pki.tls(.beijing)) { url in
                try await body(simulator, url, pki.gateway("310000", calling: .beijing), pki)
            }
        }
    }

    static func query(_ qr: String, caller: String = "310000", purpose: String? = "checkpoint") -> [UInt8] {
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <HealthStatusQueryRequest>
              <RequestId>5b0e7f0c-0d43-4c0b-9d5e-7f1c2a3b4c5d</RequestId>
              <RequestTime>20200302081500</RequestTime>
              <CallerRegion>\(caller)</CallerRegion>
              <QrContent>\(qr)</QrContent>

            """
        if let purpose { xml += "  <Purpose>\(purpose)</Purpose>\n" }
        xml += "</HealthStatusQueryRequest>\n"
        return Array(xml.utf8)
    }

    static let xmlHeaders = ["Content-Type": "application/xml; charset=UTF-8"]

    /// The direct children of the answer's root and of its `Result`, in document order, read with XMLParser.
    final class Reader: NSObject, XMLParserDelegate {
        var path: [String] = []
        var fields: [(String, String)] = []
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            path.append(name)
            text = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if path.count >= 2, name != "Result" { fields.append((name, text.trimmingCharacters(in: .whitespacesAndNewlines))) }
            path.removeLast()
            text = ""
        }
        static func read(_ bytes: [UInt8]) -> [(String, String)] {
            let reader = Reader()
            let parser = XMLParser(data: Data(bytes))
            parser.delegate = reader
            _ = parser.parse()
            return reader.fields
        }
    }

    static func field(_ fields: [(String, String)], _ name: String) -> String? {
        fields.first { $0.0 == name }?.1
    }

    @Test func queriesEverySeededHolderInUTF8WithUnknownElementsInVaryingOrder() async throws {
        try await withBeijing { simulator, url, client, _ in
            #expect(Set(simulator.holders.map(\.status)) == ["未见异常", "居家观察", "集中观察", "核验中", "暂无信息"])
            #expect(Set(simulator.holders.compactMap(\.popup)) == [1, 2, 3, 4, 5])
            var orders: Set<[String]> = []
            for holder in simulator.holders where !holder.olderNode {
                let qr = try simulator.issueCode(for: holder.handle)
                let answer = try await client.send(
                    "POST", url.path("/jxxz/ws/HealthStatusQuery"), headers: Self.xmlHeaders, body: Self.query(qr))
                #expect(answer.status == 200)
                #expect(answer.header("Content-Type") == "application/xml; charset=UTF-8")
                #expect(answer.text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
                let fields = Reader.read(answer.body)
                #expect(Self.field(fields, "ReturnCode") == "0")
                #expect(Self.field(fields, "ReturnMessage") == "成功")
                #expect(Self.field(fields, "CardId") == holder.cardId)
                #expect(Self.field(fields, "Status") == holder.status)
                #expect(Self.field(fields, "HolderName") == holder.maskedName)
                #expect(Self.field(fields, "Popup") == holder.popup.map(String.init))
                #expect(Self.field(fields, "ObservationEnd") == holder.observationEnd)
                #expect(Self.field(fields, "IdDigest") == nil)
                #expect(Self.field(fields, "District") != nil, "an unknown element")
                orders.insert(fields.map(\.0))
            }
            #expect(orders.count > 1, "elements come in varying order")
        }
    }

    @Test func anOlderNodeAnswersInGB18030() async throws {
        try await withBeijing { simulator, url, client, _ in
            let qr = try simulator.issueCode(for: "older-node-yellow")
            let answer = try await client.send(
                "POST", url.path("/jxxz/ws/HealthStatusQuery"), headers: Self.xmlHeaders, body: Self.query(qr))
            #expect(answer.header("Content-Type") == "text/xml;charset=GB18030")
            #expect(answer.text.hasPrefix("<?xml version=\"1.0\" encoding=\"GB18030\"?>"))
            // 居家观察 in GB18030, as in vectors/beijing-query-gb18030.xml.
            let homeObservation: [UInt8] = [0xBE, 0xD3, 0xBC, 0xD2, 0xB9, 0xDB, 0xB2, 0xEC]
            #expect(answer.body.firstRange(of: homeObservation) != nil)
            #expect(answer.body.firstRange(of: Array("居家观察".utf8)) == nil)
            let fields = Reader.read(answer.body)
            #expect(Self.field(fields, "Status") == "居家观察")
            #expect(Self.field(fields, "ReturnMessage") == "成功")
            // Switch every node to UTF-8 and back.
            simulator.encoding = .utf8
            let utf8 = try await client.send(
                "POST", url.path("/jxxz/ws/HealthStatusQuery"), headers: Self.xmlHeaders, body: Self.query(qr))
            #expect(utf8.header("Content-Type") == "application/xml; charset=UTF-8")
        }
    }

    @Test func idDigestOnlyForTransfer() async throws {
        try await withBeijing { simulator, url, client, _ in
            let holder = try #require(simulator.holder("yellow-popup1"))
            let qr = try simulator.issueCode(for: holder.handle)
            let answer = try await client.send(
                "POST", url.path("/jxxz/ws/HealthStatusQuery"), headers: Self.xmlHeaders, body: Self.query(qr, purpose: "transfer"))
            let expected = SHA256.hash(data: Array("\(holder.idNumber)|\(holder.cardId)".utf8))
                .map { String(format: "%02x", $0) }.joined()
            #expect(Self.field(Reader.read(answer.body), "IdDigest") == expected)
        }
    }

    @Test func returnCodesOfTheQuery() async throws {
        let clock = SimulatorClock()
        clock.set(Date(timeIntervalSince1970: 1_583_108_000))
        try await withBeijing(clock: clock) { simulator, url, client, pki in
            let endpoint = url.path("/jxxz/ws/HealthStatusQuery")
            func code(_ body: [UInt8], _ caller: CurlClient? = nil) async throws -> String? {
                let answer = try await (caller ?? client).send("POST", endpoint, headers: Self.xmlHeaders, body: body)
                #expect(answer.status == 200)
                return Self.field(Reader.read(answer.body), "ReturnCode")
            }
            let qr = try simulator.issueCode(for: "green")
            #expect(try await code(Self.query(qr)) == "0")
            // The document's example code, 200 s old at the vectors' "now".
            #expect(try await code(Self.query("BJJXXZ|11010520200302000017|20200302081000|7c1e04ab")) == "0")
            // A wrong check, an unknown card.
            #expect(try await code(Self.query(String(qr.dropLast(8)) + "00000000")) == "1001")
            #expect(try await code(Self.query("BJJXXZ|11010520200302999999|20200302081000|7c1e04ab")) == "1001")
            // Too old, too far in the future.
            let old = try simulator.issueCode(for: "green", generatedAt: clock.now().addingTimeInterval(-601))
            #expect(try await code(Self.query(old)) == "1002")
            let future = try simulator.issueCode(for: "green", generatedAt: clock.now().addingTimeInterval(61))
            #expect(try await code(Self.query(future)) == "1002")
            // CallerRegion differs from the certificate; a certificate that is not a gateway's.
            #expect(try await code(Self.query(qr, caller: "330100")) == "1003")
            #expect(try await code(Self.query(qr), pki.nonGateway(calling: .beijing)) == "1003")
            // Busy once.
            simulator.faults.once(.busy)
            #expect(try await code(Self.query(qr)) == "2001")
            #expect(try await code(Self.query(qr)) == "0")
        }
    }

    @Test func theFrontProxyAnswersHTMLWhenANodeIsDown() async throws {
        try await withBeijing { simulator, url, client, _ in
            simulator.faults.set(.proxyError(status: 502))
            let qr = try simulator.issueCode(for: "green")
            let answer = try await client.send(
                "POST", url.path("/jxxz/ws/HealthStatusQuery"), headers: Self.xmlHeaders, body: Self.query(qr))
            #expect(answer.status == 502)
            #expect(answer.header("Content-Type") == "text/html")
            #expect(answer.text.contains("<h1>502 Bad Gateway</h1>"))
            simulator.faults.set(.proxyError(status: 503))
            let unavailable = try await client.send(
                "POST", url.path("/jxxz/ws/HealthStatusQuery"), headers: Self.xmlHeaders, body: Self.query(qr))
            #expect(unavailable.status == 503)
        }
    }

    static func arrival(_ requestID: String, id: String = TestIDs.beijingExample, color: String = "YELLOW") -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <ArrivalRegisterRequest>
              <RequestId>\(requestID)</RequestId>
              <IdNumber>\(id)</IdNumber>
              <Name>王浩</Name>
              <FromRegion>330100</FromRegion>
              <FromColor>\(color)</FromColor>
              <FromPopup>1</FromPopup>
              <FromObservationEnd>20200308</FromObservationEnd>
              <ArrivalTime>20200302090000</ArrivalTime>
            </ArrivalRegisterRequest>
            """.utf8)
    }

    @Test func arrivalRegistrationIsIdempotentAndChecksTheIDNumber() async throws {
        try await withBeijing { simulator, url, client, _ in
            let endpoint = url.path("/jxxz/ws/ArrivalRegister")
            let first = try await client.send("POST", endpoint, headers: Self.xmlHeaders, body: Self.arrival("b-1"))
            let fields = Reader.read(first.body)
            #expect(Self.field(fields, "ReturnCode") == "0")
            #expect(Self.field(fields, "Status") == "居家观察")
            #expect(Self.field(fields, "ObservationEnd") == "20200316")
            #expect(Self.field(fields, "CardId")?.count == 20)
            let again = try await client.send("POST", endpoint, headers: Self.xmlHeaders, body: Self.arrival("b-1", color: "GREEN"))
            #expect(again.body == first.body)
            let bad = try await client.send(
                "POST", endpoint, headers: Self.xmlHeaders, body: Self.arrival("b-2", id: "110105199003070018"))
            #expect(Self.field(Reader.read(bad.body), "ReturnCode") == "1004")
            #expect(simulator.holders.contains { $0.idNumber == TestIDs.beijingExample })
        }
    }

    @Test func aRequestWithADoctypeIsRefused() async throws {
        try await withBeijing { simulator, url, client, _ in
            let body = Array(
                """
                <?xml version="1.0"?>
                <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <HealthStatusQueryRequest><RequestId>&x;</RequestId></HealthStatusQueryRequest>
                """.utf8)
            let answer = try await client.send("POST", url.path("/jxxz/ws/HealthStatusQuery"), headers: Self.xmlHeaders, body: body)
            #expect(Self.field(Reader.read(answer.body), "ReturnCode") == "9001")
        }
    }
}
