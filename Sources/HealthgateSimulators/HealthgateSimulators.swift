// HealthgateSimulators: placeholder until its issue lands.
