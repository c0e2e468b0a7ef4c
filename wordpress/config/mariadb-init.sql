-- Docker Compose only (the native stack creates these in cli/stack/mariadb.py): the CDC user, with
-- exactly the grants replication needs, for both '%' and 'localhost'.
CREATE USER IF NOT EXISTS 'strangler_cdc'@'%' IDENTIFIED BY 'strangler-cdc';
CREATE USER IF NOT EXISTS 'strangler_cdc'@'localhost' IDENTIFIED BY 'strangler-cdc';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'strangler_cdc'@'%';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'strangler_cdc'@'localhost';
