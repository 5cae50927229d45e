import Foundation
import HealthgateModel
import X509

extension ConfigValidator {
    /// Certificates expiring within this many days are warned about.
    static let expiryWarningDays = 30

    /// The checks across keys that catch a set-up that loads but cannot work: an identity rule whose `issuerCA` is not
    /// among `listen.clientCAs` (no certificate it issued can connect: an error); and, as warnings, a notifying city
    /// without a `notifier:<region>` rule, a notifier rule for a city that never notifies, an `issuerCA` beside which
    /// certificates it issued lie but none with the rule's CN, and certificates that expire within 30 days.
    mutating func crossChecks(clientCAPaths: [String], cities: [CityConfiguration]) -> [ConfigIssue] {
        var warnings: [ConfigIssue] = []
        let trusted = clientCAPaths.flatMap { (try? PEMFile.certificates(atPath: $0)) ?? [] }.map(\.certificate)
        for (index, identity) in (file.identities ?? []).enumerated() {
            let key = "identities[\(index)]"
            guard let caFile = identity.issuerCA else { continue }
            let caPath = resolve(caFile)
            guard let ca = (try? PEMFile.certificates(atPath: caPath))?.first?.certificate else { continue }
            if !clientCAPaths.isEmpty, !trusted.contains(ca) {
                fail("\(key).issuerCA", "\(caFile) is not in listen.clientCAs: no certificate it issued can complete the TLS handshake (add it there)")
            }
            if let cn = identity.subjectCN {
                let issued = Self.certificatesBeside(caPath).filter { $0.isIssued(by: ca) && $0.certificate != ca }
                if !issued.isEmpty, !issued.contains(where: { $0.subjectCN == cn }) {
                    let names = Set(issued.compactMap(\.subjectCN)).sorted().prefix(5).joined(separator: ", ")
                    warnings.append(ConfigIssue("\(key).subjectCN", "no certificate issued by \(caFile) beside it has CN \(cn) (found: \(names)): is the CN or the issuerCA wrong?", isWarning: true))
                }
            }
        }
        let roles = (file.identities ?? []).compactMap { $0.role.flatMap(Role.init(word:)) }
        for city in cities where city.kind == .hangzhou || city.kind == .shanghai {
            if !roles.contains(.notifier(city.region)) {
                warnings.append(ConfigIssue("identities", "no identity has role notifier:\(city.region): \(city.name)'s notifications to /notifications/\(city.name) will be refused (403)", isWarning: true))
            }
        }
        for (index, role) in (file.identities ?? []).enumerated().compactMap({ entry in entry.element.role.flatMap(Role.init(word:)).map { (entry.offset, $0) } }) {
            guard case .notifier(let region) = role else { continue }
            if let city = cities.first(where: { $0.region == region }), city.kind != .hangzhou, city.kind != .shanghai {
                warnings.append(ConfigIssue("identities[\(index)].role", "\(city.name) (kind \(city.kind.rawValue)) sends no notifications: this rule is never used", isWarning: true))
            }
        }
        var seen = Set<String>()
        for item in material where seen.insert(item.key + "|" + item.path).inserted {
            let days = Int(item.notValidAfter.timeIntervalSince(now) / 86400)
            if days >= 0, days < Self.expiryWarningDays, now <= item.notValidAfter {
                warnings.append(ConfigIssue(item.key, "certificate expires in \(days) day(s), on \(ChinaTime.formatISO(item.notValidAfter))", isWarning: true))
            }
        }
        return warnings
    }

    /// Leaf certificates in the folder of `path` and its sub-folders (two levels, at most 200 files): where a
    /// development PKI or an operator keeps what a CA issued.
    static func certificatesBeside(_ path: String) -> [CertificateInfo] {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var found: [CertificateInfo] = []
        var budget = 200
        func scan(_ directory: URL, depth: Int) {
            guard depth <= 2, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
            for name in names.sorted() where budget > 0 {
                let url = directory.appendingPathComponent(name)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { continue }
                if isDirectory.boolValue {
                    scan(url, depth: depth + 1)
                } else if name.hasSuffix(".pem") || name.hasSuffix(".crt") {
                    budget -= 1
                    if let certificate = (try? PEMFile.certificates(atPath: url.path))?.first { found.append(certificate) }
                }
            }
        }
        scan(folder, depth: 0)
        return found
    }
}
