import ArgumentParser
import Foundation
import HealthgateAdapters
import HealthgateConfig
import HealthgateModel

/// `healthgate inspect`: tells ops and support staff which city issued a QR content and what the code itself says,
/// running every check that needs no call (format, Shanghai's signature and key, expiry), as one JSON object.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Recognise a QR content offline and print what it says as one JSON object.",
        discussion: """
            On success prints {"issuer": "<region>", "city": "<name>", "holderKey": …} plus the issue and expiry \
            times and, for Shanghai, the signed status and key id, and exits 0. A code that carries its own \
            signed status (Shanghai) also gets "explanation": what a checkpoint would tell the traveller from that \
            status alone, as a signature-only answer, in --lang, naming the city's support contact from --config. \
            When the code is malformed, forged, expired or of no known city, prints \
            {"error": "<machine code>", "detail": "…"} and exits 1. Exits 2 when the JWK set cannot be read. The \
            configuration's Hangzhou-style cities (Wenzhou's WZHC2:…) are recognised by their own prefixes.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The language of the explanation: zh-CN (default) or en.",
                                            valueName: "language"))
    var lang: String = ExplanationLanguage.fallback.rawValue

    @Option(name: .long, help: ArgumentHelp("Judge the code at this instant (Unix seconds) instead of now.",
                                            valueName: "unix-seconds"))
    var now: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Shanghai's JWK set to check signatures against.",
        discussion: "Default: the keySetFile of the configuration's Shanghai city, else Config/shanghai-keys.json.",
        valueName: "jwks-file"))
    var keys: String?

    @Option(name: .long, help: ArgumentHelp("The configuration whose Shanghai key set is the default.",
                                            valueName: "file"))
    var config: String = "Config/healthgate.yaml"

    @Argument(help: "The QR content exactly as scanned (quote it: Beijing's contains '|').")
    var qrContent: String

    func validate() throws {
        guard ExplanationLanguage(rawValue: lang) != nil else { throw ValidationError("--lang must be zh-CN or en") }
    }

    func run() throws {
        let instant = now.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
        let keySet: ShanghaiKeySet
        do {
            keySet = try loadKeys()
        } catch {
            print(QRRecogniser.Inspection(fields: ["error": .string(error.code.rawValue), "detail": .string(error.detail)],
                                          error: error).json)
            throw ExitCode(2)
        }
        let recogniser = QRRecogniser(adapters: hangzhouStyleAdapters() + [
            ShanghaiAdapter(keys: ShanghaiKeyStore(keySet)), BeijingAdapter(),
        ])
        let language = ExplanationLanguage(rawValue: lang) ?? .fallback
        var inspection = recogniser.inspect(qrContent, now: instant)
        if inspection.error == nil, let code = try? recogniser.recognise(qrContent, now: instant),
           let explanation = Self.explanation(of: code, language: language, issuer: issuingCity(code.issuer), now: instant) {
            inspection.encodedMembers["explanation"] = explanation
        }
        print(inspection.json)
        if inspection.error != nil { throw ExitCode(1) }
    }

    /// `--keys`, else the configured Shanghai key set, else `Config/shanghai-keys.json`.
    private func loadKeys() throws(HealthgateError) -> ShanghaiKeySet {
        let path = keys ?? configuredKeySetPath() ?? "Config/shanghai-keys.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .badRequest("cannot read the JWK set file \(path)")
        }
        return try ShanghaiKeySet(jwks: Array(data))
    }

    /// The hand-configured Shanghai JWK set of `--config`, when that file loads.
    private func configuredKeySetPath() -> String? {
        configuration?.cities.first { $0.region == .shanghai && $0.keySetPath != nil }?.keySetPath
    }

    /// `--config`, when that file loads.
    private var configuration: GatewayConfiguration? {
        guard FileManager.default.fileExists(atPath: config) else { return nil }
        return try? ConfigLoader().load(path: config)
    }

    /// The issuing city as `--config` names it (with its support contact), else by its region alone.
    private func issuingCity(_ region: RegionCode) -> IssuingCity {
        configuration?.issuingCity(region) ?? IssuingCity(region: region)
    }

    /// The explanation (JSON, sorted keys) of what `code` itself says (`RecognisedCode.ownExplanation`); `nil` for a
    /// code that carries no status of its own.
    static func explanation(of code: RecognisedCode, language: ExplanationLanguage, issuer: IssuingCity, now: Date)
        -> String? {
        guard let explanation = code.ownExplanation(issuer: issuer, language: language, now: now) else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(explanation)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every Hangzhou-style city of `--config` (Hangzhou and its copies, each with its region and prefix), else
    /// Hangzhou alone.
    private func hangzhouStyleAdapters() -> [any CityAdapter] {
        let configured = (configuration?.cities ?? []).compactMap { city -> HangzhouAdapter? in
            guard let prefix = city.qrPrefix else { return nil }
            return HangzhouAdapter(region: city.region, qrPrefix: prefix, cityName: city.name)
        }
        if configured.contains(where: { $0.qrPrefix == HangzhouAdapter.defaultQRPrefix }) { return configured }
        return [HangzhouAdapter()] + configured
    }
}
