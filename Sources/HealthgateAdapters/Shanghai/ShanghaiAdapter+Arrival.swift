import Foundation
import HealthgateModel

extension ShanghaiAdapter {
    /// `POST /sssm/v1/arrivals` with the body of shanghai.md, in the document's key order and byte-for-byte the same for
    /// the same registration (Suishenma answers a replay with a different body 409).
    public func arrivalRequest(_ arrival: ArrivalRegistration, caller: RegionCode) -> NativeRequest {
        var body = JSONObjectWriter()
        body.add("requestId", arrival.requestID.uuidString.lowercased())
        body.add("idNumber", arrival.idNumber.value)
        body.add("name", arrival.name)
        body.add("fromRegion", arrival.fromRegion.rawValue)
        body.add("fromStatus", ShanghaiStatusCode.number(arrival.fromStatus))
        body.add("fromReasonCodes", Self.reasonCodes(translate(arrival.fromReasons)))
        if let ends = arrival.fromObservationEnds {
            body.add("fromObserveEndTime", ShanghaiStatusCode.observeEndTime(ends))
        } else {
            body.addNull("fromObserveEndTime")
        }
        body.add("arrivalTime", ShanghaiStatusCode.milliseconds(arrival.arrivalTime))
        var headers = Self.headers(caller: caller, requestID: arrival.requestID)
        headers.append(HTTPField("Content-Type", "application/json"))
        return NativeRequest(method: "POST", path: "/sssm/v1/arrivals", headers: headers, body: body.bytes)
    }

    /// Reads the arrival answer: 201 (registered) and 200 (the same request replayed) give the outcome; 409/40901 (the
    /// request id reused with a different body, a gateway bug) is `issuer-refused`, permanent; other errors as for every
    /// Suishenma endpoint.
    public func parseArrivalResponse(_ response: NativeResponse) throws(HealthgateError) -> ArrivalOutcome {
        switch response.status {
        case 200, 201:
            break
        case 409:
            let native = ShanghaiEnvelope<ShanghaiEnvelope<Int>.Nothing>.nativeCode(of: response)
            throw HealthgateError(.issuerRefused, "Suishenma already registered this arrival request id with a "
                + "different body (409/\(native.map(String.init) ?? "?"))")
        default:
            throw ShanghaiErrorTable.error(for: response, what: "arrival", holderEndpoint: false)
        }
        let data = try ShanghaiEnvelope<ArrivalData>.payload(of: response, what: "arrival")
        guard ShanghaiToken.isSID(data.sid) else {
            throw .issuerError("Suishenma's arrival answer has no valid sid")
        }
        guard let status = ShanghaiStatusCode.status(data.healthStatus) else {
            throw .issuerError("Suishenma's arrival healthStatus \(data.healthStatus) is not 0, 1, 2 or 9")
        }
        var observationEnds: LocalDate?
        if let ms = data.observeEndTime {
            guard let date = ShanghaiStatusCode.date(milliseconds: ms) else {
                throw .issuerError("Suishenma's arrival observeEndTime is not a plausible Unix millisecond time")
            }
            observationEnds = LocalDate(containing: date)
        }
        return ArrivalOutcome(holderRef: data.sid, status: status, observationEnds: observationEnds)
    }

    /// Reads `{"event":"status.changed","sid","healthStatus","statusTime"}`; any other event, or a body that is not
    /// such an object, is `bad-request` (Suishenma will retry it).
    public func parseNotification(_ body: [UInt8]) throws(HealthgateError) -> HolderChangedEvent {
        let note: Notification
        do {
            note = try BoundedJSON.decode(Notification.self, from: body)
        } catch {
            throw .badRequest("a Suishenma notification must be a JSON object with event and sid (body \(error.word))")
        }
        guard note.event == "status.changed" else {
            throw .badRequest("unknown Suishenma notification event")
        }
        guard ShanghaiToken.isSID(note.sid) else {
            throw .badRequest("the Suishenma notification's sid is not 16 lower-case hex digits")
        }
        var status: HealthStatus?
        if let number = note.healthStatus {
            guard let known = ShanghaiStatusCode.status(number) else {
                throw .badRequest("the Suishenma notification's healthStatus is not 0, 1, 2 or 9")
            }
            status = known
        }
        var at: Date?
        if let ms = note.statusTime {
            guard let date = ShanghaiStatusCode.date(milliseconds: ms) else {
                throw .badRequest("the Suishenma notification's statusTime is not Unix milliseconds")
            }
            at = date
        }
        return HolderChangedEvent(issuer: region, holderRef: note.sid, status: status, at: at)
    }

    struct ArrivalData: Decodable {
        var sid: String
        var healthStatus: Int
        var observeEndTime: Int64?
    }

    struct Notification: Decodable {
        var event: String
        var sid: String
        var healthStatus: Int?
        var statusTime: Int64?
    }
}
