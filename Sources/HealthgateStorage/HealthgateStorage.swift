// HealthgateStorage: placeholder until its issue lands.
