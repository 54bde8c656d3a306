"""Routes over the network graph, precomputed for every epoch as arrays.

A message goes from its source node to its destination along the path of least mean delay
(Dijkstra's algorithm, scipy.sparse.csgraph; the weight of an arc is its mean delay plus the
processing delay of the node it enters, plus 1 ns so that among equal delays the path with
fewer hops wins). A fixed route from the scenario replaces the least-delay path for its
(source, destination) while all of its arcs are in service, and falls back to the least-delay
path when an event breaks it (the network re-routes). Neglected: routing-protocol convergence
time, load-dependent routing (a congested link keeps its traffic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kamae.network.events import Epochs
from kamae.network.topology import FloatArray, IntArray, Topology

_HOP_TIEBREAK_S = 1e-9


@dataclass(frozen=True)
class Routes:
    """Routes of every (epoch, source node, destination node)."""

    arcs: IntArray
    """(E, N, N, H) arc taken at each hop, -1 past the last hop."""
    hops: IntArray
    """(E, N, N) hop count; 0 from a node to itself; -1 where there is no route."""
    mean_delay_s: FloatArray
    """(E, N, N) sum of mean arc delays and relay processing (inf: no route)."""
    success: FloatArray
    """(E, N, N) probability that a message survives every hop (0: no route)."""
    arc_head: IntArray
    """(A,) node each arc enters."""

    @property
    def max_hops(self) -> int:
        return int(self.arcs.shape[-1])


def compute_routes(topology: Topology, epochs: Epochs) -> Routes:
    """Least-delay routes (with the fixed routes laid over them) for every epoch."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import shortest_path

    n = topology.n_nodes
    tail, head = topology.arc_tail_head()
    proc = topology.node_processing_s
    paths: list[dict[tuple[int, int], list[int]]] = []
    for e in range(epochs.starts.size):
        up = epochs.arc_up[e]
        weight = epochs.arc_latency_s[e] + proc[head] + _HOP_TIEBREAK_S
        best_arc = np.full((n, n), -1, dtype=np.int64)
        best_w = np.full((n, n), np.inf)
        for a in np.flatnonzero(up):
            u, v = tail[a], head[a]
            if weight[a] < best_w[u, v]:
                best_w[u, v], best_arc[u, v] = weight[a], a
        # sparse input: a dense matrix would treat weights within 1e-8 of 0 as missing edges
        rows, cols = np.nonzero(np.isfinite(best_w))
        graph = csr_matrix((best_w[rows, cols], (rows, cols)), shape=(n, n))
        _, pred = shortest_path(graph, method="D", directed=True, return_predecessors=True)
        found: dict[tuple[int, int], list[int]] = {}
        for s in range(n):
            if not epochs.node_up[e, s]:
                continue
            found[(s, s)] = []
            for d in range(n):
                if d == s or pred[s, d] < 0:
                    continue
                arcs, cur = [], d
                while cur != s:
                    prev = int(pred[s, cur])
                    arcs.append(int(best_arc[prev, cur]))
                    cur = prev
                found[(s, d)] = arcs[::-1]
        for path in topology.fixed_routes:
            arcs = [int(best_arc[path[i], path[i + 1]]) for i in range(len(path) - 1)]
            if all(a >= 0 for a in arcs):
                found[(path[0], path[-1])] = arcs
        paths.append(found)

    n_epochs = len(paths)
    max_hops = max([1] + [len(p) for found in paths for p in found.values()])
    route_arcs = np.full((n_epochs, n, n, max_hops), -1, dtype=np.int64)
    hops = np.full((n_epochs, n, n), -1, dtype=np.int64)
    delay = np.full((n_epochs, n, n), np.inf)
    success = np.zeros((n_epochs, n, n))
    for e, found in enumerate(paths):
        for (s, d), arcs in found.items():
            k = len(arcs)
            hops[e, s, d] = k
            route_arcs[e, s, d, :k] = arcs
            taken = np.array(arcs, dtype=np.int64)
            relays = head[taken[:-1]] if k > 1 else np.zeros(0, dtype=np.int64)
            delay[e, s, d] = float(epochs.arc_latency_s[e, taken].sum() + proc[relays].sum())
            success[e, s, d] = float(np.prod(1.0 - epochs.arc_loss[e, taken]))
    return Routes(arcs=route_arcs, hops=hops, mean_delay_s=delay, success=success, arc_head=head)
