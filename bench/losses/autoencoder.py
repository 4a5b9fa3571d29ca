"""Losses on an auto-encoder D (``d_output="autoencoder"``): BEGAN and EBGAN.

D returns :class:`bench.arch.autoencoder.AEOutput` ``(r, h)`` with the residual r = v − Dec(Enc(v))
and the code h = Enc(v) (B, k); ``d_real`` is D(x), ``d_fake`` is D(G(z)).

**BEGAN** (Berthelot, Schumm & Metz 2017, arXiv 1703.10717, §3.2–3.4, eq. 4):
  L(v) = |v − D(v)|^η, averaged over pixels and the batch (η = 1, the L1 loss of the paper and of
  compare_gan's ``BEGAN.py``);
  L_D = L(x) − k_t·L(G(z)),  L_G = L(G(z)),
  k_{t+1} = clip(k_t + λ_k·(γ·L(x) − L(G(z))), 0, 1),  k_0 = 0, λ_k = 0.001 (paper);
  M_global = L(x) + |γ·L(x) − L(G(z))| (the convergence measure, §3.4.1).
  The update of k uses the L(x), L(G(z)) of the D step that just ran (the paper updates θ_D, θ_G
  and k from the same losses; bench runs the D and G steps one after the other).  γ defaults to
  0.5, the middle of the paper's γ ∈ {0.3, 0.5, 0.7} figure; compare_gan's default is 0.75
  (its narrow search γ ∈ [0.6, 0.9]).  compare_gan does not clip k; the paper does (clip to
  [0, 1]), and so does bench.
**EBGAN** (Zhao, Mathieu & LeCun 2017, arXiv 1609.03126, eq. 1–2 and §2.4):
  energy D(v) = mean over elements of r² (the reconstruction MSE of each sample);
  L_D = E D(x) + E max(0, m − D(G(z))),  L_G = E D(G(z)) + λ_PT·f_PT(h_fake),
  f_PT(S) = 1/(N(N−1)) Σ_i Σ_{j≠i} (S_iᵀS_j / (‖S_i‖‖S_j‖))²  on the encoder codes of the fakes.
  λ_PT = 0.1 (paper).  The paper's margins (m = 10 for MNIST) are in units of its summed
  reconstruction norm; bench's energy is a per-element mean on data in [−1, 1], so its default
  m = 1 is bench's choice, not the paper's number — search it per dataset.
"""

from __future__ import annotations

import torch

from bench.losses.base import LOSSES, Loss, check_probability


def _check_ae(d_real, d_fake) -> None:
    for name, value in (("d_real", d_real), ("d_fake", d_fake)):
        if value is not None and not hasattr(value, "residual"):
            raise ValueError(f"BEGAN/EBGAN need the auto-encoder D (AEOutput); {name} is a {type(value).__name__}")


def reconstruction_loss(out, eta: float = 1.0) -> torch.Tensor:
    """BEGAN's L(v) = mean |v − D(v)|^η over pixels and batch (a scalar)."""
    return out.residual.abs().pow(eta).mean()


def k_update(k: torch.Tensor, l_real: torch.Tensor, l_fake: torch.Tensor, gamma: float, lambda_k: float) -> torch.Tensor:
    """k_{t+1} = clip(k_t + λ_k (γ L(x) − L(G(z))), 0, 1)."""
    return (k + lambda_k * (gamma * l_real - l_fake)).clamp(0.0, 1.0)


def m_global(l_real: torch.Tensor, l_fake: torch.Tensor, gamma: float) -> torch.Tensor:
    """M_global = L(x) + |γ L(x) − L(G(z))|."""
    return l_real + (gamma * l_real - l_fake).abs()


def began_discriminator(*, d_real, d_fake, k=0.0, gamma: float = 0.5, lambda_k: float = 0.001, eta: float = 1.0,
                        embedding_dim: int = 64):
    """L_D = L(x) − k_t L(G(z)); ``k`` is k_t from the loss state (``embedding_dim`` sizes D)."""
    _check_ae(d_real, d_fake)
    return reconstruction_loss(d_real, eta) - k * reconstruction_loss(d_fake, eta)


def began_generator(*, d_real, d_fake, k=0.0, gamma: float = 0.5, lambda_k: float = 0.001, eta: float = 1.0,
                    embedding_dim: int = 64):
    """L_G = L(G(z))."""
    _check_ae(d_real, d_fake)
    return reconstruction_loss(d_fake, eta)


class BeganState:
    """k_t (a 0-d tensor on the training device, k_0 = 0) and the running mean of M_global since
    the last evaluation; updated after each D step from that step's L(x), L(G(z))."""

    def __init__(self, params: dict, device="cpu"):
        self.gamma = float(params.get("gamma", 0.5))
        self.lambda_k = float(params.get("lambda_k", 0.001))
        self.eta = float(params.get("eta", 1.0))
        self.k = torch.zeros((), device=device)
        self._m = torch.zeros(2, device=device)  # Σ M_global, count since the last row

    def inputs(self) -> dict:
        return {"k": self.k}

    @torch.no_grad()
    def after_d_step(self, *, d_real, d_fake) -> None:
        l_real, l_fake = reconstruction_loss(d_real, self.eta), reconstruction_loss(d_fake, self.eta)
        self._m[0] += m_global(l_real, l_fake, self.gamma)
        self._m[1] += 1
        self.k = k_update(self.k, l_real, l_fake, self.gamma, self.lambda_k)

    def row(self) -> dict:
        """``m_global`` (mean over the D steps since the previous row; NaN if none) and ``began_k``."""
        total, count = self._m.tolist()
        self._m.zero_()
        return {"m_global": total / count if count else float("nan"), "began_k": float(self.k)}

    def state_dict(self) -> dict:
        return {"k": self.k.cpu().clone(), "m": self._m.cpu().clone()}

    def load_state_dict(self, state: dict) -> None:
        self.k = state["k"].to(self._m.device)
        self._m = state["m"].to(self._m.device)


def _number(params: dict, name: str, low: float, high: float, low_open: bool = False) -> None:
    if name in params:
        value = params[name]
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = ok and (value > low if low_open else value >= low) and value <= high
        if not ok:
            raise ValueError(f"parameter {name!r} must be a number in {'(' if low_open else '['}{low}, {high}]; got {value!r}")


def _embedding(params: dict) -> None:
    dim = params.get("embedding_dim", 64)
    if not isinstance(dim, int) or isinstance(dim, bool) or dim < 1:
        raise ValueError(f"parameter 'embedding_dim' must be a positive integer; got {dim!r}")


def _began_validate(params: dict) -> None:
    _number(params, "gamma", 0.0, 1.0)
    check_probability(params, "lambda_k", 0.0, 1.0)
    _number(params, "eta", 0.0, 8.0, low_open=True)
    _embedding(params)


LOSSES.add(
    "began",
    Loss(
        began_discriminator,
        began_generator,
        formula="L(v) = mean |v - D(v)|^η; L_D = L(x) - k_t·L(G(z)); L_G = L(G(z)); "
        "k_{t+1} = clip(k_t + λ_k(γ·L(x) - L(G(z))), 0, 1); M_global = L(x) + |γ·L(x) - L(G(z))|",
        paper="Berthelot, Schumm & Metz 2017, BEGAN: Boundary Equilibrium Generative Adversarial Networks",
        d_output="autoencoder",
        validate=_began_validate,
        state=BeganState,
        state_args=("k",),
        embedding_default=64,
    ),
    aliases=("boundary_equilibrium",),
)


# --- EBGAN ----------------------------------------------------------------------------------------
def energy(out) -> torch.Tensor:
    """EBGAN's D(v): per-sample mean squared reconstruction error, shape (B,)."""
    return out.residual.pow(2).flatten(1).mean(1)


def pull_away(codes: torch.Tensor) -> torch.Tensor:
    """f_PT(S) = 1/(N(N−1)) Σ_{i≠j} cos²(S_i, S_j) for codes S of shape (N, k), N ≥ 2."""
    n = codes.shape[0]
    if n < 2:
        raise ValueError("the pull-away term needs at least 2 samples per batch")
    unit = codes / codes.norm(dim=1, keepdim=True).clamp_min(1e-12)
    cos2 = (unit @ unit.T).pow(2)
    return (cos2.sum() - cos2.diagonal().sum()) / (n * (n - 1))


def ebgan_discriminator(*, d_real, d_fake, margin: float = 1.0, pt_weight: float = 0.1, embedding_dim: int = 64):
    """L_D = E D(x) + E max(0, m − D(G(z)))."""
    _check_ae(d_real, d_fake)
    return energy(d_real).mean() + (margin - energy(d_fake)).clamp_min(0.0).mean()


def ebgan_generator(*, d_real, d_fake, margin: float = 1.0, pt_weight: float = 0.1, embedding_dim: int = 64):
    """L_G = E D(G(z)) + λ_PT f_PT(Enc(G(z)))  (no pull-away term when λ_PT = 0)."""
    _check_ae(d_real, d_fake)
    loss = energy(d_fake).mean()
    return loss + pt_weight * pull_away(d_fake.embedding) if pt_weight else loss


def _ebgan_validate(params: dict) -> None:
    _number(params, "margin", 0.0, float("inf"), low_open=True)
    _number(params, "pt_weight", 0.0, float("inf"))
    _embedding(params)


LOSSES.add(
    "ebgan",
    Loss(
        ebgan_discriminator,
        ebgan_generator,
        formula="D(v) = mean (v - Dec(Enc(v)))²; L_D = E D(x) + E max(0, m - D(G(z))); "
        "L_G = E D(G(z)) + λ_PT·f_PT(Enc(G(z))), f_PT = mean_{i≠j} cos²(S_i, S_j)",
        paper="Zhao, Mathieu & LeCun 2017, Energy-based Generative Adversarial Network (ICLR)",
        d_output="autoencoder",
        validate=_ebgan_validate,
        embedding_default=64,
    ),
    aliases=("energy_based",),
)
