"""flux-tui's benchmark suite: the real app in a real terminal against a local streaming server.

Run everything with ``python -m benchmarks`` (``--quick`` for the tiny CI sizes, ``--help`` for the
options); see ``benchmarks/README.md`` for what each figure means and the last measured results.
"""
