// HealthgateServer: placeholder until its issue lands.
