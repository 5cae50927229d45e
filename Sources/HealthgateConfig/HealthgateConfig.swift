// HealthgateConfig: placeholder until its issue lands.
