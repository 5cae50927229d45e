// HealthgateTransportTests: filled by its issue.
