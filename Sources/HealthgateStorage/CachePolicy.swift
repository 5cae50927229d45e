import HealthgateModel

/// A city's cache rules (from configuration): how long a hit is `cached`, and how long past that it may still be
/// answered `stale` when the issuer is unavailable.
public struct CachePolicy: Hashable, Sendable {
    /// Within this age a hit is answered with `freshness: cached`; past it the issuer is asked again.
    public var freshnessBudget: Duration
    /// Up to this age (when longer than the budget) an entry may be answered `stale` if the issuer is unavailable;
    /// zero turns stale answers off.
    public var staleLimit: Duration

    /// A policy (defaults: 30 s budget, stale answers off).
    public init(freshnessBudget: Duration = .seconds(30), staleLimit: Duration = .zero) {
        self.freshnessBudget = freshnessBudget
        self.staleLimit = staleLimit
    }

    /// How long an entry is kept after its `asOf`: the longer of the budget and the stale limit.
    var retention: Duration { max(freshnessBudget, staleLimit) }
}

/// The answer of a cache lookup.
public enum CacheLookup: Hashable, Sendable {
    /// Within the freshness budget: the stored result with `freshness: cached` (and its original `asOf`).
    case fresh(VerificationResult)
    /// Past the budget but within the stale limit: the stored result with `freshness: stale` and `admits: false`.
    /// Answer it only when the issuer is unavailable; re-derive `admits` with
    /// `result.with(freshness: .stale, allowDegradedAdmit:)` if the deployment lets stale greens admit.
    case stale(VerificationResult)
    /// Nothing usable: no entry, past the stale limit, or past the code's own validity.
    case miss
}

extension Duration {
    /// Whole milliseconds, rounded down.
    package var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
