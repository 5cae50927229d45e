// HealthgatePKI: placeholder until its issue lands.
