"""Views that span services (``/api/views/...``): the gateway calls the services concurrently,
with the caller's token and trace context, and still answers, marked incomplete, when one is
down."""
