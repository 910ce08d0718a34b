"""Test support for PropOps: real NATS and real databases, picked in a fixed order.

Order for NATS: ``PROPOPS_TEST_NATS_URL``; a testcontainers NATS when a Docker engine answers;
the local server at 127.0.0.1:4222 when it answers; else the embedded ``nats-server`` binary.
Order for databases: ``PROPOPS_TEST_DATABASE_URL`` (a PostgreSQL server URL: one fresh database is
created per service and test); a testcontainers PostgreSQL when a Docker engine answers; else a
fresh SQLite file per service and test.
"""
