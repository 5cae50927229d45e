/// The parts of Hangzhou's JSON answers the gateway reads. Only these fields are decoded: `travel_history`,
/// `trip_cities`, `id_no_masked` and any field Hangzhou adds never leave the decoder.
enum HangzhouWire {
    /// `{"result_code": …, "result_msg": …, "data": {…}}`.
    struct Envelope<Payload: Decodable>: Decodable {
        var resultCode: String?
        var data: Payload?

        enum CodingKeys: String, CodingKey {
            case resultCode = "result_code"
            case data
        }
    }

    /// `data` of a verify answer.
    struct VerifyData: Decodable {
        var codeColor: String?
        var holderRef: String?
        var userName: String?
        var refreshTime: String?
        var colorTime: String?
        var colorReason: String?
        var quarantineUntil: String?
        var idNoSHA256: String?

        enum CodingKeys: String, CodingKey {
            case codeColor = "code_color"
            case holderRef = "holder_ref"
            case userName = "user_name"
            case refreshTime = "refresh_time"
            case colorTime = "color_time"
            case colorReason = "color_reason"
            case quarantineUntil = "quarantine_until"
            case idNoSHA256 = "id_no_sha256"
        }
    }

    /// `data` of a `transfer_in` answer.
    struct ArrivalData: Decodable {
        var holderRef: String?
        var codeColor: String?
        var quarantineUntil: String?

        enum CodingKeys: String, CodingKey {
            case holderRef = "holder_ref"
            case codeColor = "code_color"
            case quarantineUntil = "quarantine_until"
        }
    }

    /// A colour-change notification.
    struct Notification: Decodable {
        var notifyType: String?
        var holderRef: String?
        var codeColor: String?
        var colorTime: String?

        enum CodingKeys: String, CodingKey {
            case notifyType = "notify_type"
            case holderRef = "holder_ref"
            case codeColor = "code_color"
            case colorTime = "color_time"
        }
    }
}
