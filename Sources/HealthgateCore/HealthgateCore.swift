// HealthgateCore: placeholder until its issue lands.
