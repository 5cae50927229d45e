extension HangzhouAdapter {
    /// Hangzhou sends `COLOR_CHANGED`.
    public var sendsNotifications: Bool { true }
}
