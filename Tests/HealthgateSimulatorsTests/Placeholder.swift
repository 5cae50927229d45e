// HealthgateSimulatorsTests: filled by its issue.
