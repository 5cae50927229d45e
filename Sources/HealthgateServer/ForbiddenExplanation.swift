import HealthgateConfig
import Logging

/// Why a caller with a valid certificate was refused a route (403 `forbidden`), in the configuration's words, for the
/// gateway's log: which identity rules give the role the route needs, and which criterion of each did not match.
///
/// The caller never sees this (its answer is the plain problem); the operator does, so that a city notifier refused
/// for a wrong CN, a missing rule or an `issuerCA` that did not issue its certificate shows up at the first attempt.
/// Only certificate names and the configuration's own keys are logged, never a request body.
public struct ForbiddenExplanation: Sendable {
    /// The refused route's name (`POST /notifications/wenzhou`).
    public var route: String
    /// The caller certificate's common name.
    public var commonName: String
    /// What is wrong, in one sentence naming configuration keys.
    public var reason: String

    /// Explains why `caller` may not call `route` (whose allowed roles are `allowed`) under `configuration`.
    public init(caller: CallerIdentity, route: String, allowed: Set<Role>, configuration: GatewayConfiguration) {
        self.route = route
        self.commonName = caller.commonName ?? "-"
        let needed = allowed.map(\.description).sorted().joined(separator: " or ")
        let has = caller.roles.isEmpty ? "no role" : "roles " + caller.roles.map(\.description).sorted().joined(separator: ", ")
        let candidates = configuration.identities.enumerated().filter { allowed.contains($0.element.role) }
        guard !candidates.isEmpty else {
            reason = "no entry of identities has role \(needed); the certificate has \(has)"
            return
        }
        var notes: [String] = []
        for (index, rule) in candidates {
            let key = "identities[\(index)]"
            if let cn = rule.subjectCN, cn != caller.commonName {
                notes.append("\(key) wants subjectCN \(cn)")
            } else if let fingerprint = rule.fingerprint, fingerprint != caller.fingerprint {
                notes.append("\(key) wants another fingerprint")
            } else if rule.issuerCA != nil {
                notes.append("\(key) matches the CN, but its issuerCA did not issue this certificate")
            } else {
                notes.append("\(key) does not match")
            }
        }
        reason = "the certificate has \(has), not \(needed): " + notes.joined(separator: "; ")
    }

    /// The log metadata: route, certificate CN and reason.
    public var metadata: Logger.Metadata {
        ["route": "\(route)", "certificateCN": "\(commonName)", "reason": "\(reason)"]
    }
}
