"""Running a node on a store box: systemd notification and watchdog, backups, compaction,
installation. Wired into the node by `edge.ops_plugin`."""
