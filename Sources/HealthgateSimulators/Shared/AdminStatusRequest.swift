/// The body of `POST /_admin/holders/{ref}/status`, shared by the three simulators.
///
/// `status` is a canonical word (`green`, `yellow`, `red`, `pending`, `unknown`) or the city's own
/// (`init`, `2`, `集中观察`, …); `reasons` are native codes (Hangzhou `R21`, Shanghai `SH-CONFIRMED`, Beijing popup `3`);
/// `observationEnd` is a local date `yyyy-MM-dd` or absent; `wait` makes the call return after notifications finish.
struct AdminStatusRequest: Decodable, Sendable {
    var status: String
    var reasons: [String]?
    var reason: String?
    var observationEnd: String?
    var wait: Bool?

    /// `reasons`, or the single `reason`, or none.
    var allReasons: [String]? {
        reasons ?? reason.map { [$0] }
    }
}
