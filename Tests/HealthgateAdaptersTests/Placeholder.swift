// HealthgateAdaptersTests: filled by its issue.
