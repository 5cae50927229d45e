import Foundation
import HealthgateModel
import Testing

@Suite struct ChinaTimeTests {
    @Test func parsesEveryCityFormatToTheSameInstant() throws {
        // 2020-03-02 08:13:20 +08:00 is Unix 1583108000 (the vectors' "now").
        let instant = Date(timeIntervalSince1970: 1_583_108_000)
        #expect(ChinaTime.parseCompact("20200302081320") == instant)
        #expect(ChinaTime.parseDashed("2020-03-02 08:13:20") == instant)
        #expect(ChinaTime.parseISO("2020-03-02T08:13:20+08:00") == instant)
        #expect(ChinaTime.parseISO("2020-03-02T00:13:20Z") == instant)
        #expect(ChinaTime.formatCompact(instant) == "20200302081320")
        #expect(ChinaTime.formatDashed(instant) == "2020-03-02 08:13:20")
        #expect(ChinaTime.formatISO(instant.addingTimeInterval(0.412), withMilliseconds: true) == "2020-03-02T08:13:20.412+08:00")
    }

    @Test func refusesImpossibleTimes() {
        #expect(ChinaTime.parseCompact("20200230081000") == nil)  // 30 February
        #expect(ChinaTime.parseCompact("20200302246000") == nil)
        #expect(ChinaTime.parseDashed("2020-03-02T08:13:20") == nil)
        #expect(ChinaTime.parseISO("2020-03-02T08:13:20") == nil)  // no offset
        #expect(ChinaTime.parseCompact("2020030208132") == nil)
    }

    @Test func leapDays() {
        #expect(ChinaTime.isValidDate(year: 2020, month: 2, day: 29))
        #expect(!ChinaTime.isValidDate(year: 2019, month: 2, day: 29))
        #expect(!ChinaTime.isValidDate(year: 1900, month: 2, day: 29))
        #expect(ChinaTime.isValidDate(year: 2000, month: 2, day: 29))
    }

    @Test func localDateOfShanghaiObservationEnd() throws {
        // Shanghai's observeEndTime 1583683199000 is 2020-03-08 23:59:59 local.
        let end = Date(timeIntervalSince1970: 1_583_683_199)
        #expect(LocalDate(containing: end).description == "2020-03-08")
        #expect(LocalDate("20200314")?.description == "2020-03-14")
        #expect(LocalDate("2020-02-30") == nil)
    }
}
