"""Benchmarks of the provider, the plugin path and the emulator (run with ``scripts/bench``).

Sections: ``lifecycle`` (create/update/refresh/delete through the real plugin over gRPC),
``cold_start`` (plugin spawn to first Create, against a trivial provider) and
``emulator_throughput`` (raw requests/s of the emulator). Each prints a table and ends with
one ``key=value`` summary line; figures are medians over ``--runs`` runs.
"""
