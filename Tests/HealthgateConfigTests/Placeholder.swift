// HealthgateConfigTests: filled by its issue.
