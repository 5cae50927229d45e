import Synchronization

/// The fault switch of one simulator: set by the Swift API or the admin endpoint, consumed by each city request.
public final class FaultSwitch: Sendable {
    private let rule = Mutex<FaultRule?>(nil)

    /// A switch with no fault set.
    public init() {}

    /// Sets `fault` for the next `times` requests (`nil`: until cleared).
    public func set(_ fault: Fault, times: Int? = nil) {
        rule.withLock { $0 = FaultRule(fault, times: times) }
    }

    /// Sets `fault` for the next request only.
    public func once(_ fault: Fault) { set(fault, times: 1) }

    /// Clears any fault: the simulator answers normally again (a hanging request is released).
    public func clear() {
        rule.withLock { $0 = nil }
    }

    /// The fault currently set, without consuming it.
    public var current: FaultRule? { rule.withLock { $0 } }

    /// The fault that applies to the request being handled now, consuming one use of a counted rule.
    func take() -> Fault? {
        rule.withLock { rule -> Fault? in
            guard let current = rule else { return nil }
            if let remaining = current.remaining {
                if remaining <= 1 { rule = nil } else { rule?.remaining = remaining - 1 }
            }
            return current.fault
        }
    }

    /// Whether `fault` is still set (a hanging request polls this).
    func isSet(_ fault: Fault) -> Bool {
        rule.withLock { $0?.fault == fault }
    }
}
