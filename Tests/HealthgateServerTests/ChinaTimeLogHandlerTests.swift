import Foundation
import HealthgateServer
import Logging
import Synchronization
import Testing

/// The gateway's log lines: Asia/Shanghai time with the offset, sorted logfmt pairs, values quoted when they must be.
@Suite struct ChinaTimeLogHandlerTests {
    @Test("a line: +08:00 time with milliseconds, level, label, message, sorted and quoted pairs")
    func line() {
        let time = Date(timeIntervalSince1970: 1_583_108_100.412)  // 2020-03-02T00:15:00.412Z
        let text = ChinaTimeLogHandler.line(
            time: time, level: .warning, label: "healthgate", message: "city call failed",
            metadata: ["reason": "hangzhou did not answer in time", "city": "hangzhou", "note": #"say "hi""#])
        #expect(text == #"2020-03-02T08:15:00.412+08:00 warning healthgate: city call failed city=hangzhou note="say \"hi\"" reason="hangzhou did not answer in time""#)
    }

    @Test("the handler writes through its sink at its level")
    func handler() {
        let lines = LineSink()
        var logger = Logger(label: "healthgate.test") { ChinaTimeLogHandler(label: $0, level: .info, write: lines.write) }
        logger.debug("hidden")
        logger.info("shown", metadata: ["port": "8443"])
        logger.logLevel = .debug
        logger.debug("now shown")
        let written = lines.all
        #expect(written.count == 2)
        #expect(written.first?.contains("+08:00 info healthgate.test: shown port=8443") == true)
        #expect(written.last?.contains(" debug healthgate.test: now shown") == true)
    }
}

/// Collects written lines.
final class LineSink: Sendable {
    private let lines = Mutex<[String]>([])
    var write: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
}
