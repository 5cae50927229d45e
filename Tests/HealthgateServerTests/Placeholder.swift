// HealthgateServerTests: filled by its issue.
