"""Live queues: server-sent events from the gateway, fed by the services' NATS events and
filtered by the listener's role and properties."""
