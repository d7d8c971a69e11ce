"""The matching engine: a pure, vectorised core (numpy; no database, no web, no templates:
an import-linter contract keeps it so).

- ``ranking``: ``rank(need, index, at)``, the hard rules that exclude, and the order;
- ``need``: ``NeedSpec``, a need as the engine sees it;
- ``scoring`` and ``reasons``: the soft score and the sentences that explain each rank;
- ``columns`` and ``records``: the column-wise candidate index and the rows it is built
  and patched from;
- ``learning``: fitting the soft score's weights from outcomes (the examples are read and
  the weights stored by ``market.matching.pipeline.learning_store``);
- ``synthetic``: synthetic registers and needs for tests and benchmarks.
"""
