"""Notifications (the bell): what needs a user now, made from the services' events, one per
event and audience (the inbox makes a redelivered event change nothing), read per user, and
e-mailed to the audience's address when an SMTP server is set."""
