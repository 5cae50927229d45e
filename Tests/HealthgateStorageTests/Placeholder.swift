// HealthgateStorageTests: filled by its issue.
