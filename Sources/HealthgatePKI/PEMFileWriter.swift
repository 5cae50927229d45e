import Foundation

/// Writes PEM text to a file with given POSIX permissions, creating the parent directory.
enum PEMFileWriter {
    /// Writes `text` to `url` and sets its mode to `mode` (0600 for keys).
    static func write(_ text: String, to url: URL, mode: Int) throws(DevPKIError) {
        let manager = FileManager.default
        let directory = url.deletingLastPathComponent()
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            // Remove first so a key file never exists, even briefly, with the wider mode of an older file.
            if manager.fileExists(atPath: url.path) {
                try manager.removeItem(at: url)
            }
            guard manager.createFile(
                atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
            else {
                throw DevPKIError(.writeFailed, "cannot create \(url.lastPathComponent)")
            }
            try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
        } catch let error as DevPKIError {
            throw error
        } catch {
            throw DevPKIError(.writeFailed, "cannot write \(url.lastPathComponent)")
        }
    }
}
