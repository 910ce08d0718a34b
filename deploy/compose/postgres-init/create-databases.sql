-- Run once by the postgres image on an empty data volume (docker-entrypoint-initdb.d),
-- as POSTGRES_USER (propops). One database per PropOps service, plus the gateway's.
CREATE DATABASE frontdesk OWNER propops;
CREATE DATABASE security OWNER propops;
CREATE DATABASE engineering OWNER propops;
CREATE DATABASE cleaning OWNER propops;
CREATE DATABASE leasing OWNER propops;
CREATE DATABASE fees OWNER propops;
CREATE DATABASE gateway OWNER propops;
