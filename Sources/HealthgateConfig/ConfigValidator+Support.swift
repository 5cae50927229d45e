import Foundation
import HealthgateModel

extension ConfigValidator {
    /// The longest phone number accepted, in characters.
    static let maxSupportPhoneLength = 32
    /// The longest support page URL accepted, in characters.
    static let maxSupportURLLength = 256

    /// A city's `support:` checked: at least one of `phone` and `url`; a phone of digits (at least three), spaces and
    /// `+-()`; an `https://` URL with a host. A placeholder left in (`<hotline>`) is refused, so that it can never be
    /// read out to a traveller. `nil` when absent or wrong.
    mutating func support(_ value: ConfigFile.Support?, _ key: String) -> SupportContact? {
        guard let value else { return nil }
        if value.phone == nil, value.url == nil {
            fail(key, "give phone, url, or both (or leave support out)")
            return nil
        }
        var valid = true
        if let phone = value.phone {
            let allowed = CharacterSet(charactersIn: "0123456789 +-()")
            let digits = phone.unicodeScalars.filter { CharacterSet.decimalDigits.contains($0) && $0.isASCII }.count
            if phone.count > Self.maxSupportPhoneLength || digits < 3
                || !phone.unicodeScalars.allSatisfy({ allowed.contains($0) }) {
                fail("\(key).phone", "not a phone number (digits, spaces and +-(), at most "
                    + "\(Self.maxSupportPhoneLength) characters)")
                valid = false
            }
        }
        if let url = value.url {
            let parsed = URL(string: url)
            if url.count > Self.maxSupportURLLength || parsed?.scheme != "https" || (parsed?.host ?? "").isEmpty {
                fail("\(key).url",
                     "must be an https:// URL with a host, at most \(Self.maxSupportURLLength) characters")
                valid = false
            }
        }
        return valid ? SupportContact(phone: value.phone, url: value.url) : nil
    }
}
