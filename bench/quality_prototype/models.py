"""Base models in numpy, shaped like the core's: EASE (lambda 50, the 100
largest weights by size per game), RDLAE (EASE with dropout 0.4 and diagonal
relaxation 0.35), itemknn (cosine with shrinkage), RP3beta
and a small iALS; each returns a games x games weight matrix or factors."""
import numpy as np

from eval_split import ease_inverse, ease_weights


def keep_largest(weights, k, by_size=True):
    """Zeroes all but each row's k largest entries (by absolute value when by_size)."""
    key = np.abs(weights) if by_size else weights
    if k >= weights.shape[1]:
        return weights
    cut = np.argpartition(-key, k, axis=1)[:, k:]
    out = weights.copy()
    np.put_along_axis(out, cut, 0.0, axis=1)
    return out


def ease(X, lam=50.0, k=100):
    return keep_largest(ease_weights(ease_inverse((X.T @ X).toarray(), lam)), k)


def rdlae(X, lam=50.0, p=0.4, xi=0.35, k=100):
    """RDLAE (Moon et al. 2023) as linear_candidates.py's relaxed_weights: the dropout-emphasised
    diagonal lam + p/(1-p) diag(G), the weights' diagonal held at most xi and then zeroed."""
    g = (X.T @ X).toarray().astype(np.float64)
    extra = lam + (p / (1 - p)) * np.diag(g)
    g[np.diag_indices_from(g)] += extra
    inverse = np.linalg.inv(g)
    b = -inverse * np.maximum(extra, (1 - xi) / np.diag(inverse))[None, :]
    b[np.diag_indices_from(b)] = 0
    return keep_largest(b, k)


def itemknn(X, shrink=10.0, k=100):
    G = (X.T @ X).toarray().astype(np.float64)
    n = np.sqrt(np.diag(G))
    S = G / (np.outer(n, n) + shrink + 1e-12)
    np.fill_diagonal(S, 0.0)
    return keep_largest(S, k, by_size=False)


def rp3beta(X, alpha=1.0, beta=0.5, k=100):
    Xd = X.toarray().astype(np.float64)
    pui = Xd / np.maximum(Xd.sum(1, keepdims=True), 1)
    piu = Xd.T / np.maximum(Xd.sum(0)[:, None], 1)
    W = (piu ** alpha) @ (pui ** alpha)
    pop = np.maximum(Xd.sum(0), 1)
    W = W / (pop[None, :] ** beta)
    np.fill_diagonal(W, 0.0)
    W = keep_largest(W, k, by_size=False)
    return W / np.maximum(W.sum(1, keepdims=True), 1e-12)


def ials(X, factors=64, reg=0.05, alpha=5.0, iterations=10, seed=42):
    """Implicit ALS with confidence 1 + alpha on owned pairs; returns (users, items)."""
    rng = np.random.default_rng(seed)
    n_u, n_i = X.shape
    U = rng.normal(0, 0.01, (n_u, factors))
    V = rng.normal(0, 0.01, (n_i, factors))
    Xc = X.tocsr()
    Xt = X.T.tocsr()

    def solve(A, B, M):
        BtB = B.T @ B
        out = np.empty_like(A)
        for r in range(M.shape[0]):
            idx = M.indices[M.indptr[r]:M.indptr[r + 1]]
            Bi = B[idx]
            lhs = BtB + alpha * Bi.T @ Bi + reg * (len(idx) + 1) * np.eye(factors)
            rhs = (1 + alpha) * Bi.sum(0)
            out[r] = np.linalg.solve(lhs, rhs)
        return out

    for _ in range(iterations):
        U = solve(U, V, Xc)
        V = solve(V, U, Xt)
    return U, V
