// HealthgateTransport: placeholder until its issue lands.
